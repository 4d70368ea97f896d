export { boxedContents, lastBoxed, matchingBrace } from './boxed.js';
export {
  type CompareOptions,
  type Comparison,
  compareValues,
  compareWith,
  DEFAULT_COMPARE,
  type Rule,
} from './compare.js';
export { loadMath500, type MathExample, parseMathJsonl } from './data.js';
export { CheckTimeout, Deadline } from './deadline.js';
export { type Extraction, extractAnswer } from './extract.js';
export { fixFracs, fixSqrt, type NormalizeOptions, normalizeLatex } from './normalize.js';
export { ParseError, parseAnswer } from './parse.js';
export { MathCheckPool, type MathCheckPoolOptions } from './pool.js';
export { createMathTask, MATH_REWARDS, type MathLoadOptions, type MathTaskOptions, mathTask } from './task.js';
export type { Json, RelOp, Value } from './value.js';
export {
  checkVerifyOptions,
  compareOptions,
  extractGold,
  judge,
  type MathVerdict,
  type VerifyOptions,
  verifyMath,
} from './verify.js';
