// Training metrics: one JSON object per line in metrics.jsonl (TRL's metric names), optionally
// mirrored to TensorBoard event files under <run>/tensorboard/.
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TensorBoardWriter } from './tensorboard.js';

export class MetricsLog {
  readonly path: string;
  readonly #tb: TensorBoardWriter | null;
  /** dropAfterStep: on resume, rows logged after the checkpoint's step by the interrupted run are removed. */
  constructor(runDir: string, o: { tensorboard?: boolean; dropAfterStep?: number } = {}) {
    mkdirSync(runDir, { recursive: true });
    this.path = join(runDir, 'metrics.jsonl');
    if (o.dropAfterStep !== undefined && existsSync(this.path)) {
      const kept = readFileSync(this.path, 'utf8')
        .split('\n')
        .filter((l) => {
          if (!l.trim()) return false;
          try {
            return (JSON.parse(l) as { step: number }).step <= o.dropAfterStep!;
          } catch {
            return false; // a half-written last line from a kill
          }
        });
      writeFileSync(this.path, kept.map((l) => `${l}\n`).join(''));
    }
    this.#tb = o.tensorboard ? new TensorBoardWriter(join(runDir, 'tensorboard')) : null;
  }
  log(row: Record<string, unknown> & { step: number }): void {
    appendFileSync(this.path, `${JSON.stringify(row)}\n`);
    this.#tb?.scalars(row.step, row);
  }
}
