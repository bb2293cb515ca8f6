#!/usr/bin/env node
// `npm start`: a real VS Code with the extension (this folder, under development) on samples/. The desktop `code`
// when it is installed; otherwise the cached VS Code server, printing the URL to open in a browser.
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const hasDesktopCode = spawnSync('code', ['--version'], { stdio: 'ignore' }).status === 0;
const [command, args] = hasDesktopCode
  ? ['code', ['--extensionDevelopmentPath', root, path.join(root, 'samples')]]
  : [process.execPath, [path.join(root, 'scripts', 'demo-vscode.mjs'), '--serve']];
console.log(hasDesktopCode ? 'Opening VS Code on samples/ with the extension under development.' : 'No desktop `code` found: starting the VS Code server.');
const child = spawn(command, args, { stdio: 'inherit', cwd: root });
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
