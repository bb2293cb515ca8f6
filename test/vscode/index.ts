// The tests module VS Code loads as extensionTestsPath. esbuild bundles it to out/test/vscode/index.js, beside the
// bundled suites (*.test.js) that it runs.
import { runMochaInHost } from '../vscode-host/mocha-in-host.cjs';

export function run(): Promise<void> {
  return runMochaInHost(__dirname);
}
