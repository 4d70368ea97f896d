// The task registry as the rest of the code uses it: the mechanism (registry-core.ts) with the
// built-in benchmarks (builtin-tasks.ts) and the demo's mini domains (lite/register.ts) registered.
// Evaluation (`kindling eval --tasks`, `--eval-tasks`, the pipeline) and training (`kindling grpo
// --task`, src/train/training-tasks.ts) both resolve names here, so one alias table serves both.
// A user domain is one registerTask() call; the harness only sees TaskEntry and the Task interface.
import { registerBuiltinTasks } from './builtin-tasks.js';
import { registerLiteTasks } from './lite/register.js';

export { parseSizes } from './builtin-tasks.js';
export * from './registry-core.js';

registerBuiltinTasks();
registerLiteTasks();
