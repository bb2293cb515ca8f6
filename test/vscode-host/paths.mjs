import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.100.3';

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CACHE_DIR = path.join(projectRoot, '.cache', 'vscode-server');
export const codeServerDir = path.join(CACHE_DIR, 'node_modules', 'code-server');
export const vscodeDir = path.join(codeServerDir, 'lib', 'vscode');
