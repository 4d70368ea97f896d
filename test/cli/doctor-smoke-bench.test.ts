// The advertised diagnostics through the CLI: `kindling doctor` (text and --json, checked against
// the Python torch it says it uses), `kindling smoke` (learns with its default steps, fails loudly
// with too few), and `kindling bench matmul|train|generate` with --amp and --no-shared-prefix on a
// tiny model shape (the numbers are measurements; only their presence and the settings they echo
// are asserted, never a speed).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { PYTHON } from '../peers.js';
import { kindling, kindlingOk } from './run.js';

const tmp = mkdtempSync(join(tmpdir(), 'kindling-cli-tools-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const SHAPE = {
  architectures: ['Qwen2ForCausalLM'],
  hidden_size: 32,
  intermediate_size: 64,
  num_hidden_layers: 1,
  num_attention_heads: 2,
  num_key_value_heads: 1,
  vocab_size: 260,
  max_position_embeddings: 256,
  tie_word_embeddings: true,
};
const config = join(tmp, 'config.json');
writeFileSync(config, JSON.stringify(SHAPE));

describe('kindling doctor', () => {
  it('--json names the libtorch the Python torch in .venv reports, and the text form says the same', () => {
    const d = JSON.parse(kindlingOk(['doctor', '--json']));
    const py = JSON.parse(
      execFileSync(
        PYTHON,
        [
          '-c',
          'import json, torch; print(json.dumps({"version": torch.__version__, "cuda": torch.cuda.is_available(), "capability": torch.backends.cpu.get_cpu_capability(), "mkl": torch.backends.mkl.is_available()}))',
        ],
        { encoding: 'utf8', env: { ...process.env, OMP_WAIT_POLICY: 'PASSIVE' } },
      ),
    );
    assert.equal(d.libtorch.version, py.version.split('+')[0]);
    assert.equal(d.cuda.available, py.cuda);
    assert.equal(d.cpuCapability, py.capability);
    assert.equal(d.blas === 'mkl', py.mkl);
    assert.ok(Number.isInteger(d.threads.intraop) && d.threads.intraop >= 1);
    assert.equal(d.node, process.version);
    const text = kindlingOk(['doctor']);
    assert.match(text, new RegExp(`^libtorch +${d.libtorch.version.replace(/\./g, '\\.')} `, 'm'));
    assert.match(text, new RegExp(`^cpu +${d.cpuCapability}; BLAS ${d.blas}$`, 'm'));
    assert.match(text, new RegExp(`^node +${process.version}$`, 'm'));
  });
});

describe('kindling smoke', () => {
  it('learns with the default steps (exit 0) and says FAILED with exit 1 when it cannot', () => {
    const ok = kindling(['smoke']);
    assert.equal(ok.status, 0, ok.stderr);
    const m = /^smoke: OK — loss ([\d.]+) → ([\d.]+), accuracy ([\d.]+)%/m.exec(ok.stdout);
    assert.ok(m, ok.stdout);
    assert.ok(Number(m[2]) < Number(m[1]) / 10, `loss fell: ${m[0]}`);
    const few = kindling(['smoke', '--steps', '3']);
    assert.equal(few.status, 1);
    assert.match(few.stdout, /^smoke: FAILED — loss/m);
  });
});

describe('kindling bench', () => {
  it('matmul prints GFLOP/s for the size, dtype and device asked', () => {
    const r = JSON.parse(
      kindlingOk(['bench', 'matmul', '--size', '48', '--seconds', '0.05', '--dtype', 'float64', '--json']),
    );
    assert.deepEqual([r.size, r.dtype, r.device], [48, 'float64', 'cpu']);
    assert.ok(r.iters >= 1 && r.gflops > 0 && Number.isFinite(r.gflops), JSON.stringify(r));
  });

  it('train: the parameter count of the config, one time per measured step; --amp trains under bfloat16 autocast', () => {
    const args = ['bench', 'train', '--config', config, '--batch', '2', '--seq', '16', '--steps', '3', '--json'];
    const plain = JSON.parse(kindlingOk(args));
    const h = SHAPE.hidden_size;
    const kv = (h / SHAPE.num_attention_heads) * SHAPE.num_key_value_heads;
    // embeddings (tied) + q/k/v (with bias) + o + gate/up/down + two norms per layer + the final norm
    const params =
      SHAPE.vocab_size * h + (h * h + h + 2 * (h * kv + kv) + h * h + 3 * h * SHAPE.intermediate_size + 2 * h) + h;
    assert.equal(plain.params, params);
    assert.deepEqual([plain.mode, plain.batch, plain.seq, plain.dtype], ['train', 2, 16, 'float32']);
    assert.equal(plain.all_ms.length, 3);
    assert.ok(plain.tokens_per_s > 0);
    const amp = JSON.parse(kindlingOk([...args, '--amp']));
    assert.equal(amp.dtype, 'float32+autocast(bfloat16)');
    assert.equal(amp.params, params);
  });

  it('generate shares each prompt prefill among its samples unless --no-shared-prefix', () => {
    const args = ['bench', 'generate', '--config', config, '--batch', '2', '--prompt-len', '64'];
    const more = ['--new-tokens', '4', '--n', '3', '--reps', '1', '--json'];
    const shared = JSON.parse(kindlingOk([...args, ...more]));
    assert.deepEqual(
      [shared.mode, shared.batch, shared.n, shared.rows, shared.new_tokens, shared.shared_prefix],
      ['generate', 2, 3, 6, 4, true],
    );
    assert.ok(shared.tokens_per_s > 0);
    const plain = JSON.parse(kindlingOk([...args, ...more, '--no-shared-prefix']));
    assert.equal(plain.shared_prefix, false);
    assert.equal(plain.rows, 6);
  });
});
