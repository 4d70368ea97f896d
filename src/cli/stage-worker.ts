// The child process of one `kindling run` stage: src/pipeline/runner.ts passes the stage's typed
// call as JSON in argv[2] and it runs through the command's own function (src/cli/stage-calls.ts).
import type { StageCall } from '../pipeline/calls.js';
import { exitWithError } from './main.js';
import { runCall } from './stage-calls.js';

try {
  await runCall(JSON.parse(process.argv[2] ?? 'null') as StageCall);
} catch (e) {
  exitWithError(e);
}
