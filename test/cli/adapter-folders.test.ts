// Every command that takes a model takes a PEFT adapter folder, with --base naming its base when the
// adapter's base_model_name_or_path is not at hand (here: an adapter without tokenizer files whose
// recorded base folder is gone). The outputs are those of the merged model.
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generate } from '../../src/generate/index.js';
import { type CausalLM, LoraAdapter, loadModel, saveAdapter } from '../../src/model/index.js';
import { type RunningServer, startServer } from '../../src/serve/index.js';
import { loadTokenizer } from '../../src/tokenizer/index.js';
import * as torch from '../../src/torch/index.js';
import { resolveConfig } from '../../src/train/config-load.js';
import { runSft } from '../../src/train/sft.js';
import { SftConfigSchema } from '../../src/train/sft-config.js';
import { tinyModelFolder } from '../serve/fixture.js';
import { kindling, kindlingOk } from './run.js';

const { dir: base, cleanup } = tinyModelFolder('base');
after(cleanup);
const root = dirname(base);
const adapter = join(root, 'adapter');
const PROMPT = 'Knights always';

function adapted(): CausalLM {
  const m = loadModel(base);
  for (const p of m.params.values()) p.requiresGrad_(false);
  m.adapter = LoraAdapter.init(
    m.config,
    { r: 4, lora_alpha: 16, lora_dropout: 0, target_modules: 'all-linear', use_rslora: false },
    { seed: 5 },
  );
  torch.noGrad(() => {
    const g = new torch.Generator(6);
    for (const [n, p] of m.adapter!.params) if (n.includes('lora_B')) p.normal_(0, 0.3, g);
  });
  return m;
}

const greedy = (m: CausalLM) =>
  generate(m, loadTokenizer(base), [PROMPT], { maxNewTokens: 12, temperature: 0, seed: 1 })[0]![0]!.text;

let want: string;
before(() => {
  // The adapter records a base folder that no longer exists, and carries no tokenizer.
  saveAdapter(adapted(), adapter, { baseModel: join(root, 'gone') });
  want = greedy(loadModel(adapter, { base }));
  assert.notEqual(want, greedy(loadModel(base)), 'the adapter changes the greedy completion');
});

describe('adapter folders in every command (--base)', () => {
  it('generate: without --base a clear error; with it, the merged model’s completion', () => {
    const args = ['generate', '--model', adapter, '--prompt', PROMPT, '--max-new-tokens', '12', '--temperature', '0'];
    const missing = kindling(args);
    assert.notEqual(missing.status, 0);
    assert.match(missing.stderr, /base_model_name_or_path.*--base/);
    assert.equal(kindlingOk([...args, '--base', base, '--json']).includes(JSON.stringify(want)), true);
  });

  it('model logits --base equals the merged model; model merge --base writes it with the base’s tokenizer', () => {
    const merged = loadModel(adapter, { base });
    const ref = torch.noGrad(() =>
      torch.scope(() =>
        merged
          .forward(torch.tensor([[3, 1, 4]], { dtype: 'int64' }))
          .select(0, 0)
          .tolist(),
      ),
    );
    const printed = JSON.parse(
      kindlingOk(['model', 'logits', '--model', adapter, '--base', base, '--tokens', '3,1,4', '--json']),
    ) as { logits: number[][][] };
    printed.logits[0]!.flat().forEach((x, i) => assert.ok(Math.abs(x - (ref as number[][]).flat()[i]!) < 1e-5));
    const out = join(root, 'merged');
    kindlingOk(['model', 'merge', '--adapter', adapter, '--base', base, '--out', out]);
    assert.ok(existsSync(join(out, 'tokenizer.json')), "the base's tokenizer");
    assert.equal(greedy(loadModel(out)), want);
  });

  it('serve --base: /v1/completions gives the merged model’s completion', async () => {
    let server: RunningServer | null = null;
    try {
      server = await startServer({ modelDir: adapter, base, port: 0, log: () => {} });
      const r = await fetch(`${server.url}/v1/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: server.modelName, prompt: PROMPT, max_tokens: 12, temperature: 0 }),
      });
      const body = (await r.json()) as { choices: { text: string }[] };
      assert.equal(body.choices[0]!.text, want);
    } finally {
      await server?.close();
    }
  });

  it('sft with base: continues the adapter (its r), tokenizer from the base', async () => {
    const data = join(root, 'rows.jsonl');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(data, `${JSON.stringify({ prompt: 'Q: ', completion: 'knights' })}\n`);
    const out = join(root, 'sft');
    const r = await runSft({
      model: adapter,
      base,
      data,
      out,
      config: resolveConfig(SftConfigSchema, undefined, { use_peft: true, max_steps: 1, learning_rate: 1e-3 }),
      progress: false,
      log: () => {},
    });
    assert.ok(existsSync(join(r.modelDir, 'adapter_model.safetensors')));
    assert.equal(loadModel(r.modelDir, { adapter: 'train' }).adapter!.settings.r, 4);
    rmSync(out, { recursive: true, force: true });
  });
});
