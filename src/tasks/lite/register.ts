// Registry entries for the demo's mini domains; registry.ts calls registerLiteTasks() once, after
// the built-in entries. This file imports only the mechanism (registry-core.ts), never registry.ts.
//   math-lite   300 integer word problems (categories: 1-op, 2-op, 3-op)
//   code-lite   300 small Python functions in the sandbox (categories: int, list, str)
//   mcq-lite    300 10-option questions about the synthetic world (categories: geography, people, animals)
// Each entry's `domain` is its own name, so `+rlvr:math-lite` labels match (the real benchmarks
// keep `math`, `code`, `mmlu-pro`). The one argument is the split (`math-lite:validation`); the data
// is generated, so dataDir is ignored.
import { registerTask, type TaskDefinition, type TaskEntry } from '../registry-core.js';
import type { Example } from '../types.js';
import type { CodeLiteExample } from './code-items.js';
import { LITE_SPLITS, type LiteSplit } from './common.js';
import type { MathLiteExample } from './math-items.js';
import { createMathLiteTask } from './math-lite.js';
import type { McqLiteExample } from './mcq-items.js';
import { createMcqLiteTask } from './mcq-lite.js';

export const LITE_TASK_NAMES = ['math-lite', 'code-lite', 'mcq-lite'] as const;

/**
 * The split an entry evaluates: the test split unless the selector names another
 * (`math-lite:validation` for choices made before the test evaluation, `math-lite:train`).
 * Example ids differ across splits, so cells of two splits never share a key.
 */
function splitOf(name: string, args: string | undefined): { split: LiteSplit; selector: string } {
  if (!args || args === 'test') return { split: 'test', selector: name };
  if (!(LITE_SPLITS as readonly string[]).includes(args))
    throw new Error(`${name}: unknown split '${args}' (${LITE_SPLITS.join(', ')}; test when none is given)`);
  return { split: args as LiteSplit, selector: `${name}:${args}` };
}

const asEntry = <E extends Example>(e: TaskEntry<E>): TaskEntry => e as unknown as TaskEntry;

export const LITE_TASK_DEFINITIONS: Record<(typeof LITE_TASK_NAMES)[number], TaskDefinition> = {
  'math-lite': {
    describe:
      'demo mini domain: 300 integer word problems, 1–3 operations (math reward and MATH-500 scoring); :validation for 50 others',
    create(args) {
      const { split, selector } = splitOf('math-lite', args);
      const task = createMathLiteTask();
      return asEntry<MathLiteExample>({
        selector,
        name: 'math-lite',
        domain: 'math-lite',
        task,
        overall: 'micro',
        load: () => task.load(split),
        category: (e) => `${e.level}-op`,
        gold: (e) => e.answer,
      });
    },
  },
  'code-lite': {
    describe:
      'demo mini domain: 300 small Python functions, base ∧ plus tests in the Pyodide sandbox; :validation for 50 others',
    async create(args) {
      const { split, selector } = splitOf('code-lite', args);
      // Loaded on first use: the Pyodide sandbox is heavy and most runs never touch code-lite.
      const { createCodeLiteTask } = await import('./code-lite.js');
      const task = createCodeLiteTask();
      return asEntry<CodeLiteExample>({
        selector,
        name: 'code-lite',
        domain: 'code-lite',
        task,
        overall: 'micro',
        load: () => task.load(split),
        category: (e) => e.group,
        gold: (e) => e.prompt + e.canonical_solution,
        close: () => task.close(),
      });
    },
  },
  'mcq-lite': {
    describe:
      'demo mini domain: 300 10-option questions about the synthetic world (MMLU-Pro reward and extraction); :validation for 50 others',
    create(args) {
      const { split, selector } = splitOf('mcq-lite', args);
      const task = createMcqLiteTask();
      return asEntry<McqLiteExample>({
        selector,
        name: 'mcq-lite',
        domain: 'mcq-lite',
        task,
        overall: 'micro',
        load: () => task.load(split),
        category: (e) => e.category,
        gold: (e) => `${e.answer}. ${e.options[e.answerIndex]}`,
      });
    },
  },
};

export function registerLiteTasks(): void {
  for (const name of LITE_TASK_NAMES) registerTask(name, LITE_TASK_DEFINITIONS[name]);
}
