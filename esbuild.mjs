// Bundles the CLI and the embedding worker (and, later, the extension) into out/.
// Native and model-runtime packages stay external: they load their binaries from node_modules at run time.
import * as esbuild from 'esbuild';

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

const builds = [
  { ...nodeBuild, entryPoints: { cli: 'src/cli.ts', 'embed-worker': 'src/core/embed/embed-worker.ts' }, outdir: 'out' },
];

if (watch) {
  const contexts = await Promise.all(builds.map((options) => esbuild.context(options)));
  await Promise.all(contexts.map((context) => context.watch()));
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
