import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MiniLmEmbedder, ModelUnavailableError, checkModelDir, defaultModelDir, loadTokenCounter, modelIdFor } from '../../src/core/embed';
import { skipBecause } from './helpers';

describe('embedding model folder', () => {
  let scratch: string;

  beforeEach(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'cvprd-embed-'));
  });
  afterEach(() => fs.rmSync(scratch, { recursive: true, force: true }));

  function writeModelFiles(dir: string, files: Record<string, string>): void {
    for (const [name, content] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      fs.writeFileSync(path.join(dir, name), content);
    }
  }

  it('lives under .cache/models in the project by default', () => {
    assert.equal(defaultModelDir('/proj'), path.join('/proj', '.cache', 'models', 'all-MiniLM-L6-v2'));
  });

  it('reports a folder that does not exist', () => {
    assert.deepEqual(checkModelDir(path.join(scratch, 'nowhere')), ['the folder does not exist']);
  });

  it('names each missing or broken file', () => {
    writeModelFiles(scratch, { 'config.json': '{"model_type": "bert"}', 'tokenizer_config.json': '{ not json' });
    const problems = checkModelDir(scratch);
    assert.equal(problems.length, 3, problems.join(' | '));
    assert.ok(problems.some((p) => p.startsWith('tokenizer.json is missing')));
    assert.ok(problems.some((p) => p.startsWith('tokenizer_config.json is not valid JSON')));
    assert.ok(problems.some((p) => p.includes('onnx/model.onnx')));
  });

  it('accepts the int8 weights when there are no fp32 weights, under a different model id', () => {
    const json = '{}';
    writeModelFiles(scratch, { 'config.json': json, 'tokenizer.json': json, 'tokenizer_config.json': json, 'onnx/model_quantized.onnx': 'q' });
    assert.deepEqual(checkModelDir(scratch), []);
    const quantizedId = modelIdFor(scratch);
    writeModelFiles(scratch, { 'onnx/model.onnx': 'fp32 weights' });
    assert.notEqual(modelIdFor(scratch), quantizedId);
    assert.match(modelIdFor(scratch), /model\.onnx:12$/);
  });

  it('rejects embed() with ModelUnavailableError naming the folder and what is missing', async () => {
    const missing = path.join(scratch, 'no-model-here');
    const embedder = new MiniLmEmbedder({ modelDir: missing });
    await assert.rejects(embedder.embed(['a requirement']), (error: unknown) => {
      assert.ok(error instanceof ModelUnavailableError);
      assert.ok(error.message.includes(missing), error.message);
      assert.ok(error.message.includes('does not exist'), error.message);
      assert.ok(error.message.includes('scripts/setup-model.mjs'), error.message);
      return true;
    });
    await embedder.close();
  });

  it('rejects with ModelUnavailableError when the files are present but the weights are not a model', async function () {
    const real = defaultModelDir(path.resolve(__dirname, '..', '..'));
    if (checkModelDir(real).length) {
      skipBecause(this, 'model not set up: run node scripts/setup-model.mjs');
    }
    for (const name of ['config.json', 'tokenizer.json', 'tokenizer_config.json']) fs.copyFileSync(path.join(real, name), path.join(scratch, name));
    writeModelFiles(scratch, { 'onnx/model.onnx': 'these bytes are not an ONNX graph' });
    const embedder = new MiniLmEmbedder({ modelDir: scratch });
    try {
      await assert.rejects(embedder.embed(['a requirement']), (error: unknown) => {
        assert.ok(error instanceof ModelUnavailableError, String(error));
        assert.ok(error.message.includes(scratch) && error.message.includes('failed to load'), error.message);
        return true;
      });
    } finally {
      await embedder.close();
    }
  });

  it('rejects loadTokenCounter with ModelUnavailableError when there is no tokenizer', async () => {
    await assert.rejects(loadTokenCounter(scratch), (error: unknown) => {
      assert.ok(error instanceof ModelUnavailableError);
      assert.ok(error.message.includes(scratch), error.message);
      return true;
    });
  });

  it('refuses a batch size that is not a positive integer', () => {
    assert.throws(() => new MiniLmEmbedder({ modelDir: scratch, batchSize: 0 }), /batchSize/);
  });
});
