import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  initModel,
  loadModel,
  loadSafetensors,
  parseConfig,
  readHeader,
  saveModel,
  saveSafetensors,
  saveWeights,
  weightFiles,
} from '../../src/model/index.js';
import * as torch from '../../src/torch/index.js';
import { tinyQwen2 } from '../tiny-model.js';

const tmp = mkdtempSync(join(tmpdir(), 'kindling-st-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const raw = tinyQwen2({
  hidden_size: 32,
  intermediate_size: 64,
  vocab_size: 300,
  max_position_embeddings: 64,
  tie_word_embeddings: false,
});

describe('safetensors', () => {
  it('round-trips float32, float16 and bfloat16 tensors bit for bit', () => {
    torch.scope(() => {
      for (const dtype of ['float32', 'float16', 'bfloat16'] as const) {
        const t = new Map([
          ['a', torch.randn([3, 5]).to(dtype)],
          ['b.bias', torch.randn([7]).to(dtype)],
          ['empty', torch.zeros([0, 4]).to(dtype)],
        ]);
        const f = join(tmp, `${dtype}.safetensors`);
        saveSafetensors(f, t, { format: 'pt' });
        const h = readHeader(f);
        assert.equal(h.metadata.format, 'pt');
        assert.equal(h.dataStart % 8, 0, 'header padded to 8 bytes');
        const back = loadSafetensors(f);
        for (const [k, v] of t) {
          assert.equal(back.get(k)!.dtype, dtype);
          assert.deepEqual(back.get(k)!.shape, v.shape);
          assert.ok(back.get(k)!.toBuffer().equals(v.toBuffer()), `${dtype} ${k}`);
        }
      }
    });
  });

  it('a model saved sharded (with model.safetensors.index.json) loads back with the same logits', () => {
    const m = initModel(raw, { seed: 1 });
    const dir = join(tmp, 'sharded');
    saveModel(m, dir, { maxShardBytes: 40_000 });
    const files = weightFiles(dir);
    assert.ok(files.length > 1, `${files.length} shards`);
    const index = JSON.parse(readFileSync(join(dir, 'model.safetensors.index.json'), 'utf8'));
    assert.equal(Object.keys(index.weight_map).length, m.params.size);
    const back = loadModel(dir);
    torch.noGrad(() =>
      torch.scope(() => {
        const ids = torch.tensor([[1, 2, 3, 4]], { dtype: 'int64' });
        assert.ok(m.forward(ids).equal(back.forward(ids)));
      }),
    );
    // bf16 on disk: half the bytes, and the same weights up to bf16 rounding
    const bf = join(tmp, 'bf16');
    saveModel(m, bf, { dtype: 'bfloat16' });
    assert.equal(JSON.parse(readFileSync(join(bf, 'config.json'), 'utf8')).torch_dtype, 'bfloat16');
    const b = loadModel(bf);
    torch.noGrad(() =>
      torch.scope(() => {
        const w = m.p('model.layers.0.mlp.up_proj.weight');
        assert.ok(w.allclose(b.p('model.layers.0.mlp.up_proj.weight'), 1e-2, 1e-3));
      }),
    );
  });

  it('corrupt, truncated or mismatched files are rejected with a clear error', () => {
    const m = initModel(raw, { seed: 2 });
    const dir = join(tmp, 'single');
    saveModel(m, dir);
    const f = join(dir, 'model.safetensors');
    const good = readFileSync(f);
    const trunc = join(tmp, 'trunc.safetensors');
    writeFileSync(trunc, good);
    truncateSync(trunc, good.length - 100);
    assert.throws(
      () => loadSafetensors(trunc),
      /trunc\.safetensors: not a valid safetensors file: tensor '.*' ends at byte \d+ but the data section has \d+ bytes \(truncated file\?\)/,
    );
    const garbage = join(tmp, 'garbage.safetensors');
    writeFileSync(garbage, Buffer.concat([Buffer.from([16, 0, 0, 0, 0, 0, 0, 0]), Buffer.from('{not json at all')]));
    assert.throws(() => readHeader(garbage), /header is not JSON/);
    writeFileSync(garbage, Buffer.from([255, 255, 255, 255, 0, 0, 0, 0, 1, 2]));
    assert.throws(() => readHeader(garbage), /header length \d+ exceeds the file/);
    // weights that do not match config.json
    const cfg = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...cfg, intermediate_size: 48 }));
    assert.throws(
      () => loadModel(dir),
      /tensor 'model\.layers\.0\.mlp\.(gate|up|down)_proj\.weight' has shape \[\d+,\d+\] but config\.json implies/,
    );
    assert.throws(() => loadModel(join(tmp, 'nowhere')), /does not exist/);
  });

  it('configs: unknown architectures and bad fields fail with the field named', () => {
    assert.throws(
      () => parseConfig({ ...raw, architectures: ['GPT2LMHeadModel'] }),
      /architecture 'GPT2LMHeadModel' is not supported/,
    );
    assert.throws(() => parseConfig({ ...raw, hidden_size: -3 }), /field 'hidden_size'/);
    assert.throws(() => parseConfig({ ...raw, num_key_value_heads: 3 }), /must be a multiple of num_key_value_heads/);
    assert.throws(() => parseConfig({ ...raw, hidden_act: 'gelu' }), /hidden_act/);
    assert.equal(parseConfig({ ...raw, rope_parameters: { rope_type: 'default', rope_theta: 5e5 } }).rope_theta, 5e5);
  });

  it('saveWeights writes one file below the shard size', () => {
    torch.scope(() => {
      const dir = mkdtempSync(join(tmp, 'w-'));
      assert.deepEqual(saveWeights(dir, new Map([['x', torch.ones([4])]])), ['model.safetensors']);
    });
  });
});
