// kindling select-model on real validation folders (tiny random models evaluated by runEval on the report fixture's byte task, where they differ): the
// best mean accuracy is kept and copied, a tie goes to the first candidate, and folders that cannot
// be compared (other tasks, an incomplete evaluation, a label twice) are refused with the folder named.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { runEval } from '../../src/eval/harness.js';
import { readResults } from '../../src/eval/results.js';
import { readSelection, selectModel } from '../../src/eval/select.js';
import { kindling } from '../cli/run.js';
import { byteEntry } from '../report/fixture.js';
import { tinyModelDir } from './helpers.js';

const root = mkdtempSync(join(tmpdir(), 'kindling-select-'));
const LABELS = ['lr-a', 'lr-b', 'lr-c', 'lr-d'];
const dirs: string[] = [];
// Under a folder named 'checkpoints', as a trainer's checkpoint chosen as a candidate would be.
const MODELS = join(root, 'checkpoints', 'models');

describe('select-model', () => {
  before(async () => {
    for (const [i, label] of LABELS.entries()) {
      const dir = join(root, `val-${label}`);
      await runEval({
        out: dir,
        models: [{ label, dir: tinyModelDir(MODELS, label, i + 1) }],
        tasks: [byteEntry()],
        protocol: { maxNewTokens: 6, trials: 2 },
      });
      // a trainer's checkpoints inside the model folder are not part of the model
      mkdirSync(join(MODELS, label, 'checkpoints', 'step-1'), { recursive: true });
      writeFileSync(join(MODELS, label, 'checkpoints', 'step-1', 'state.json'), '{}');
      dirs.push(dir);
    }
  });

  const meanOf = (dir: string) => readResults(dir).results[0]!.score.mean;

  it('keeps the candidate with the best validation mean, copies its model and records every score', () => {
    const out = join(root, 'chosen');
    const s = selectModel({ dirs, out });
    const means = dirs.map(meanOf);
    assert.ok(new Set(means).size > 1, `the random candidates score differently (${means})`);
    const best = means.indexOf(Math.max(...means));
    assert.equal(s.chosen, LABELS[best]);
    assert.deepEqual(
      s.candidates.map((c) => [c.label, c.mean, c.scores.byte]),
      LABELS.map((l, i) => [l, means[i], means[i]]),
    );
    assert.deepEqual(
      readFileSync(join(out, 'model', 'model.safetensors')),
      readFileSync(join(MODELS, LABELS[best]!, 'model.safetensors')),
    );
    assert.ok(!existsSync(join(out, 'model', 'checkpoints')), "the model's checkpoints/ is left out");
    assert.deepEqual(readSelection(out), s);
  });

  it('a tie goes to the candidate given first', () => {
    // The same folder's model under two orders: whichever comes first is kept.
    const twin = join(root, 'twin');
    const r = readResults(dirs[0]!);
    const copy = {
      ...r,
      models: [{ ...r.models[0]!, label: 'twin' }],
      results: r.results.map((x) => ({ ...x, model: 'twin' })),
    };
    mkdirSync(twin, { recursive: true });
    writeFileSync(join(twin, 'results.json'), JSON.stringify(copy));
    assert.equal(selectModel({ dirs: [dirs[0]!, twin], out: join(root, 't1') }).chosen, LABELS[0]);
    assert.equal(selectModel({ dirs: [twin, dirs[0]!], out: join(root, 't2') }).chosen, 'twin');
  });

  it('refuses folders that cannot be compared, naming them', () => {
    const edited = (name: string, f: (r: Record<string, any>) => void) => {
      const d = join(root, name);
      const r = JSON.parse(readFileSync(join(dirs[1]!, 'results.json'), 'utf8'));
      f(r);
      mkdirSync(d, { recursive: true });
      writeFileSync(join(d, 'results.json'), JSON.stringify(r));
      return d;
    };
    const other = edited('other-task', (r) => {
      r.tasks[0].selector = 'byte:validation';
      r.results[0].task = 'byte:validation';
    });
    assert.throws(
      () => selectModel({ dirs: [dirs[0]!, other], out: join(root, 'x1') }),
      /other-task evaluated byte:validation but .* evaluated byte: candidates must be scored on the same tasks/,
    );
    const half = edited('half', (r) => {
      r.results[0].complete = false;
      r.results[0].cells = 3;
    });
    assert.throws(
      () => selectModel({ dirs: [half], out: join(root, 'x2') }),
      /half: 'lr-b' on 'byte' is incomplete \(3 of 16 samples\)/,
    );
    assert.throws(
      () => selectModel({ dirs: [dirs[1]!, dirs[1]!], out: join(root, 'x3') }),
      /model label 'lr-b' appears twice/,
    );
    assert.throws(() => selectModel({ dirs: [], out: join(root, 'x4') }), /give at least one/);
    assert.ok(!existsSync(join(root, 'x1')), 'nothing written on an error');
  });

  it('kindling select-model (CLI) prints every candidate and the choice', () => {
    const r = kindling(['select-model', ...dirs, '--out', join(root, 'cli')]);
    assert.equal(r.status, 0, r.stderr);
    const s = readSelection(join(root, 'cli'));
    for (const l of LABELS)
      assert.match(r.stdout, new RegExp(`^${l === s.chosen ? '\\*' : ' '} ${l}  mean [\\d.]+ %`, 'm'));
    assert.match(r.stdout, new RegExp(`chose ${s.chosen} → `));
  });
});
