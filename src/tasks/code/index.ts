export { kindlingCacheDir } from './cache.js';
export {
  defaultHumanEvalPath,
  defaultHumanEvalPlusPath,
  defaultMbppPlusPath,
  jsonlLines,
  loadHumanEval,
  loadHumanEvalPlus,
  loadMbppPlus,
  type ParsedRow,
  parseCodeRow,
  readJsonlText,
} from './dataset.js';
export {
  evalplusRules,
  type InputRule,
  MBPP_RULE_EXAMPLES,
  mbppTaskNumber,
  type Oracle,
} from './evalplus-rules.js';
export {
  type CheckOptions,
  type CodeStatus,
  type CodeVerdict,
  checkEvalplus,
  checkHumanEvalTest,
  checkProgram,
  type PhaseStatus,
} from './evaluate.js';
export { extractEvalCode, extractRewardCode, pyStrip } from './extract.js';
export { clearGroundTruthMemory, type GroundTruth, groundTruth, groundTruthKey } from './ground-truth.js';
export { type LooseValue, parseLooseJson, parseLooseObjectSpans, stringifyLooseJson } from './json-loose.js';
export { inputLimitsMs, planSteps, type TimeLimitOptions } from './limits.js';
export { meanPassAtK, passAtK } from './pass-at-k.js';
export { type CodeProblem, hasEvalplusInputs, ReferenceSolutionError, referenceProgram } from './problem.js';
export { numpyPermutation, PAPER_SPLIT_SEED, PAPER_TRAIN_SIZE, trainTestSplit } from './split.js';
export {
  CODE_REWARD,
  type CodeTask,
  type CodeTaskOptions,
  createHumanEvalPlusTask,
  createHumanEvalTask,
  createMbppPlusTask,
  humanEvalPlusTask,
} from './task.js';
