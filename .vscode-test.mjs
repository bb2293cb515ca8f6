// The second entry for the extension suites, for desktops with internet: `node esbuild.mjs && npx vscode-test`.
// @vscode/test-cli downloads VS Code 1.100.3 (with @vscode/test-electron) and runs the same bundled suites as
// test/vscode-host/run-extension-tests.mjs, on a throwaway copy of the fixture workspace.
// Desktop VS Code runs extensions in Electron, whose Node ABI differs from the Node that built better-sqlite3:
// rebuild it for VS Code's Electron first (npx @electron/rebuild --version <Electron of VS Code 1.100> --only better-sqlite3)
// or every suite that touches the index fails with "was compiled against a different Node.js version".
import { defineConfig } from '@vscode/test-cli';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const projectRoot = path.dirname(fileURLToPath(import.meta.url));
const fixture = path.join(projectRoot, 'test', 'fixtures', 'vscode-workspace');
const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cvprd-vscode-test-'));
const workspace = path.join(tempDir, path.basename(fixture));
fs.cpSync(fixture, workspace, { recursive: true });
process.on('exit', () => fs.rmSync(tempDir, { recursive: true, force: true }));

export default defineConfig({
  label: 'extension',
  files: 'out/test/vscode/**/*.test.js',
  version: '1.100.3',
  extensionDevelopmentPath: projectRoot,
  workspaceFolder: workspace,
  mocha: { ui: 'bdd', timeout: 60_000 },
});
