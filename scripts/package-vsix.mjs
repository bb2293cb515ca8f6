#!/usr/bin/env node
// Builds the linux-x64 VSIX offline: the production esbuild bundles, media, migrations, the bundled MiniLM model and the
// runtime packages esbuild keeps external (native better-sqlite3, onnxruntime-node, sharp; transformers.js), with the
// binaries of this machine. `vsce package --no-dependencies` would drop node_modules altogether, so the extension is
// staged in .cache/vsix-stage with exactly its runtime packages and vsce lists them with `npm list --production`.
// better-sqlite3 is a V8 addon built for this Node's ABI: the VSIX runs in the VS Code server (remote, code-server,
// this repo's test host), whose extension host is Node 20; desktop VS Code's Electron needs a rebuild against it.
// Usage: node scripts/package-vsix.mjs [--out <file.vsix>]
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const STAGE = path.join(PROJECT_ROOT, '.cache', 'vsix-stage');
const TARGET = 'linux-x64';
const SIZE_TARGET_BYTES = 60 * 1024 * 1024;
const MODEL_DIR = path.join('.cache', 'models', 'all-MiniLM-L6-v2');
/** The packages out/extension.js and out/embed-worker.js load from node_modules (esbuild's externals, without vscode). */
const RUNTIME_PACKAGES = ['better-sqlite3', 'onnxruntime-node', '@huggingface/transformers', '@huggingface/tokenizers'];
/** Declared dependencies never loaded at run time, removed from the staged manifests so `npm list` accepts the tree. */
const NOT_LOADED_AT_RUN_TIME = {
  'better-sqlite3': { 'prebuild-install': 'downloads a prebuilt binary at install time' },
  'onnxruntime-node': { 'adm-zip': 'install script (CUDA download)', 'global-agent': 'install script (CUDA download)' },
  '@huggingface/transformers': { 'onnxruntime-web': 'browser backend; the Node build loads onnxruntime-node' },
};
const COPIED_FROM_ROOT = ['README.md', '.vscodeignore', 'media', 'migrations', 'out', MODEL_DIR];

function log(message) {
  console.log(`[package-vsix] ${message}`);
}

function run(command, args, cwd) {
  log(`$ ${[command, ...args].join(' ')}${cwd === PROJECT_ROOT ? '' : `   (in ${path.relative(PROJECT_ROOT, cwd)})`}`);
  const result = spawnSync(command, args, { cwd, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
}

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** Node's lookup: <from>/node_modules/<name>, then each parent folder's node_modules, up to the project root. */
function resolvePackageDir(name, fromDir) {
  for (let dir = fromDir; dir.startsWith(PROJECT_ROOT); dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (fs.existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (dir === PROJECT_ROOT) break;
  }
  return undefined;
}

/** The runtime packages and everything they depend on (optional dependencies when installed), as folders. */
function runtimeClosure() {
  const found = new Set();
  const pending = RUNTIME_PACKAGES.map((name) => {
    const dir = resolvePackageDir(name, PROJECT_ROOT);
    if (!dir) throw new Error(`${name} is not installed: run npm ci`);
    return dir;
  });
  while (pending.length > 0) {
    const dir = pending.pop();
    if (found.has(dir)) continue;
    found.add(dir);
    const manifest = readJson(path.join(dir, 'package.json'));
    const skipped = NOT_LOADED_AT_RUN_TIME[manifest.name] ?? {};
    for (const name of Object.keys(manifest.dependencies ?? {})) {
      if (name in skipped) continue;
      const dependency = resolvePackageDir(name, dir);
      if (!dependency) throw new Error(`${manifest.name} depends on ${name}, which is not installed: run npm ci`);
      pending.push(dependency);
    }
    for (const name of Object.keys(manifest.optionalDependencies ?? {})) {
      const dependency = resolvePackageDir(name, dir);
      if (dependency) pending.push(dependency);
    }
  }
  return [...found].sort();
}

function stagePackage(dir) {
  const target = path.join(STAGE, path.relative(PROJECT_ROOT, dir));
  // A package's own node_modules holds other packages of the closure (copied on their own) or unused ones.
  fs.cpSync(dir, target, { recursive: true, filter: (source) => path.relative(dir, source).split(path.sep)[0] !== 'node_modules' });
  const manifestFile = path.join(target, 'package.json');
  const manifest = readJson(manifestFile);
  const skipped = NOT_LOADED_AT_RUN_TIME[manifest.name];
  if (skipped) {
    for (const name of Object.keys(skipped)) delete manifest.dependencies?.[name];
    fs.writeFileSync(manifestFile, JSON.stringify(manifest, null, 2) + '\n');
  }
}

function stageExtension() {
  fs.rmSync(STAGE, { recursive: true, force: true });
  fs.mkdirSync(STAGE, { recursive: true });
  for (const entry of COPIED_FROM_ROOT) {
    const source = path.join(PROJECT_ROOT, entry);
    if (!fs.existsSync(source)) {
      throw new Error(entry === MODEL_DIR ? `no model in ${MODEL_DIR}: run node scripts/setup-model.mjs` : `${entry} is missing`);
    }
    fs.cpSync(source, path.join(STAGE, entry), { recursive: true });
  }
  const manifest = readJson(path.join(PROJECT_ROOT, 'package.json'));
  const runtimeDependencies = Object.fromEntries(RUNTIME_PACKAGES.map((name) => [name, manifest.dependencies[name]]));
  const staged = { ...manifest, dependencies: runtimeDependencies };
  for (const field of ['devDependencies', 'scripts', 'bin']) delete staged[field];
  fs.writeFileSync(path.join(STAGE, 'package.json'), JSON.stringify(staged, null, 2) + '\n');
  const packages = runtimeClosure();
  packages.forEach(stagePackage);
  log(`staged ${packages.length} runtime packages: ${packages.map((dir) => path.relative(path.join(PROJECT_ROOT, 'node_modules'), dir)).join(', ')}`);
}

function megabytes(bytes) {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function main() {
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  const manifest = readJson(path.join(PROJECT_ROOT, 'package.json'));
  const out = path.resolve(values.out ?? path.join(PROJECT_ROOT, `${manifest.name}-${manifest.version}-${TARGET}.vsix`));
  fs.mkdirSync(path.dirname(out), { recursive: true });
  run(process.execPath, ['esbuild.mjs', '--production'], PROJECT_ROOT);
  try {
    stageExtension();
  } finally {
    // out/ is also the development build (source maps, the CLI, the test suites): put it back.
    run(process.execPath, ['esbuild.mjs'], PROJECT_ROOT);
  }
  const vsce = path.join(PROJECT_ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
  run(process.execPath, [vsce, 'package', '--target', TARGET, '--out', out, '--skip-license', '--allow-missing-repository',
    '--no-rewrite-relative-links'], STAGE);
  fs.rmSync(STAGE, { recursive: true, force: true });
  const size = fs.statSync(out).size;
  log(`${path.relative(process.cwd(), out) || out}: ${megabytes(size)} ` +
    (size <= SIZE_TARGET_BYTES ? `(within the ${megabytes(SIZE_TARGET_BYTES)} target)` : `(OVER the ${megabytes(SIZE_TARGET_BYTES)} target)`));
}

try {
  main();
} catch (error) {
  console.error(`[package-vsix] ERROR: ${error.message}`);
  process.exit(1);
}
