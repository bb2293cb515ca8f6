import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MiniLmEmbedder, checkModelDir, defaultModelDir, loadTokenCounter } from '../../src/core/embed';
import { skipBecause } from './helpers';

const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
const MODEL_DIR = defaultModelDir(PROJECT_ROOT);
const MIN_COSINE = 0.99;

interface ReferenceItem { text: string; wordPieces: number; vector: number[] }
const reference: { dimensions: number; items: ReferenceItem[] } = JSON.parse(
  fs.readFileSync(path.join(PROJECT_ROOT, 'test', 'fixtures', 'parity', 'reference.json'), 'utf8'),
);
const texts = reference.items.map((item) => item.text);

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}
const cosine = (a: ArrayLike<number>, b: ArrayLike<number>) => dot(a, b) / Math.sqrt(dot(a, a) * dot(b, b));
const maxAbsDiff = (a: Float32Array, b: Float32Array) => Math.max(...a.map((x, i) => Math.abs(x - b[i])));
const textOf = (prefix: string) => texts.find((t) => t.startsWith(prefix))!;

describe('MiniLmEmbedder against sentence-transformers', function () {
  let embedder: MiniLmEmbedder;
  let vectors: Float32Array[];

  const modelReady = checkModelDir(MODEL_DIR).length === 0;

  before(async () => {
    if (!modelReady) return;
    embedder = new MiniLmEmbedder({ modelDir: MODEL_DIR });
    vectors = await embedder.embed(texts);
  });

  // Skipping per test (not in before) lets the reporter print the reason next to each skipped test.
  beforeEach(function () {
    if (modelReady) return;
    skipBecause(this, 'model not set up: run node scripts/setup-model.mjs');
  });

  after(async () => {
    await embedder?.close();
  });

  it(`reproduces every reference vector with cosine >= ${MIN_COSINE}`, () => {
    const cosines = reference.items.map((item, i) => cosine(vectors[i], item.vector));
    reference.items.forEach((item, i) => {
      console.log(`      cosine ${cosines[i].toFixed(6)}  (${item.wordPieces} word pieces) ${item.text.slice(0, 60)}`);
    });
    cosines.forEach((c, i) => assert.ok(c >= MIN_COSINE, `cosine ${c} for "${texts[i].slice(0, 60)}"`));
  });

  it('cuts texts over 256 word pieces as sentence-transformers does, keeping the closing [SEP]', () => {
    const long = reference.items.map((item, i) => ({ item, i })).filter(({ item }) => item.wordPieces > 256);
    assert.ok(long.length > 0, 'the reference needs a text longer than the model window');
    // Dropping [SEP] instead (transformers.js's own truncation) still scores about 0.998, so the bar is higher here.
    for (const { item, i } of long) assert.ok(cosine(vectors[i], item.vector) >= 0.9999, item.text.slice(0, 60));
  });

  it('returns one 384-dimensional unit vector per text', () => {
    assert.equal(embedder.dimensions, 384);
    assert.equal(vectors.length, texts.length);
    for (const vector of vectors) {
      assert.equal(vector.length, reference.dimensions);
      assert.ok(Math.abs(Math.sqrt(dot(vector, vector)) - 1) < 1e-4);
    }
  });

  it('keeps the order of the texts in a batch', async () => {
    const [a, b] = [texts[0], texts[3]];
    const forward = await embedder.embed([a, b]);
    const backward = await embedder.embed([b, a]);
    assert.ok(maxAbsDiff(forward[0], backward[1]) < 1e-5);
    assert.ok(maxAbsDiff(forward[1], backward[0]) < 1e-5);
    assert.ok(cosine(forward[0], forward[1]) < 0.5, 'the two texts are unrelated, so their vectors must differ');
  });

  it('keeps the order across several batches', async () => {
    const small = new MiniLmEmbedder({ modelDir: MODEL_DIR, batchSize: 2 });
    try {
      const batched = await small.embed(texts.slice(0, 5));
      batched.forEach((vector, i) => assert.ok(cosine(vector, vectors[i]) > 0.9999, `text ${i} out of place`));
    } finally {
      await small.close();
    }
  });

  it('gives the same vector for the same text, within a call and across calls', async () => {
    const [first, second] = await embedder.embed([texts[4], texts[4]]);
    const [again] = await embedder.embed([texts[4]]);
    assert.ok(maxAbsDiff(first, second) < 1e-6);
    assert.ok(maxAbsDiff(first, again) < 1e-5);
  });

  it('scores a paraphrase above an unrelated sentence', () => {
    const password = vectors[texts.indexOf(textOf('The system must allow users to reset'))];
    const paraphrase = vectors[texts.indexOf(textOf('Users can recover access'))];
    const revenue = vectors[texts.indexOf(textOf('Quarterly revenue'))];
    assert.ok(cosine(password, paraphrase) > cosine(password, revenue) + 0.2,
      `paraphrase ${cosine(password, paraphrase)} vs unrelated ${cosine(password, revenue)}`);
  });

  it('starts a new worker when used again after close()', async () => {
    const reopened = new MiniLmEmbedder({ modelDir: MODEL_DIR });
    const [before] = await reopened.embed([texts[0]]);
    await reopened.close();
    const [after] = await reopened.embed([texts[0]]);
    await reopened.close();
    assert.ok(maxAbsDiff(before, after) < 1e-6);
  });

  it('close() during an embed() lets the running batch finish and rejects the rest, without killing the process', async () => {
    const closing = new MiniLmEmbedder({ modelDir: MODEL_DIR, batchSize: 4 });
    const running = assert.rejects(closing.embed(Array(40).fill(texts[12])), /closed while embedding/);
    await closing.close();
    await running;
  });

  it('counts word pieces exactly like the sentence-transformers tokenizer, special tokens included', async () => {
    const countTokens = await loadTokenCounter(MODEL_DIR);
    for (const item of reference.items) assert.equal(countTokens(item.text), item.wordPieces, item.text.slice(0, 60));
  });
});
