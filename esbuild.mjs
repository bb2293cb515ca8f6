// Bundles the extension, the CLI, the embedding worker and the suites that run inside VS Code into out/.
// Native and model-runtime packages stay external: they load their binaries from node_modules at run time.
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync, readdirSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const external = ['better-sqlite3', '@huggingface/transformers', '@huggingface/tokenizers', 'onnxruntime-node', 'sharp', 'vscode'];

const nodeBuild = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: !production,
  minify: production,
  external,
  logLevel: 'info',
};

/** test/vscode/*.test.ts -> out/test/vscode/*.test.js, loaded by mocha inside the extension host. */
const vscodeSuites = Object.fromEntries(
  readdirSync('test/vscode').filter((name) => name.endsWith('.ts')).map((name) => [name.replace(/\.ts$/, ''), `test/vscode/${name}`]),
);

const builds = [
  {
    ...nodeBuild,
    entryPoints: { extension: 'src/vscode/extension.ts', cli: 'src/cli.ts', 'embed-worker': 'src/core/embed/embed-worker.ts' },
    outdir: 'out',
  },
  { ...nodeBuild, entryPoints: vscodeSuites, outdir: 'out/test/vscode', external: [...external, 'mocha'] },
  // The webviews: browser scripts (own tsconfig with the DOM lib), loaded by nonce from out/webview.
  {
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    sourcemap: !production,
    minify: production,
    logLevel: 'info',
    tsconfig: 'webview/tsconfig.json',
    entryPoints: { search: 'webview/search/main.ts', graph: 'webview/graph/main.ts' },
    outdir: 'out/webview',
  },
];

/** The codicon font and its stylesheet, beside the webview scripts (localResourceRoots is out/webview only). */
function copyCodicons() {
  mkdirSync('out/webview/codicons', { recursive: true });
  for (const file of ['codicon.css', 'codicon.ttf']) cpSync(`node_modules/@vscode/codicons/dist/${file}`, `out/webview/codicons/${file}`);
}
copyCodicons();

if (watch) {
  const contexts = await Promise.all(builds.map((options) => esbuild.context(options)));
  await Promise.all(contexts.map((context) => context.watch()));
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
