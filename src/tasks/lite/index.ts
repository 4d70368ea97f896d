export { FAMILIES, type Family, type FuncSpec, type Group } from './code-families.js';
export {
  CODE_LITE_SIZES,
  type CodeLiteExample,
  codeLitePool,
  functionPrompt,
  type LiteFunction,
  pyRepr,
  testInputs,
} from './code-items.js';
export { type CodeLiteTask, type CodeLiteTaskOptions, createCodeLiteTask } from './code-lite.js';
export { LITE_SPLITS, type LiteTaskOptions } from './common.js';
export {
  buildCorpus,
  CORPUS_SECTIONS,
  type CorpusOptions,
  type CorpusSection,
  corpusDocuments,
  DEFAULT_MIX,
  DOCUMENT_SEPARATOR,
  PROMPTED,
  PROMPTED_CLOSED,
} from './corpus.js';
export { QUESTION, question, STATEMENTS, statement } from './fact-text.js';
export { kkCorpusDocuments, kkCorpusSeed } from './kk-corpus.js';
export {
  drawProblem,
  MATH_LITE_SIZES,
  type MathLiteExample,
  type MathProblem,
  mathLiteItems,
  TEMPLATES,
} from './math-items.js';
export { createMathLiteTask, type MathLiteTaskOptions, mathLiteTask } from './math-lite.js';
export { LETTERS, MCQ_LITE_SIZES, type McqLiteExample, mcqLiteItems, splitFacts } from './mcq-items.js';
export { createMcqLiteTask, type McqLiteTaskOptions, mcqLiteTask } from './mcq-lite.js';
export { checkStyle, PROMPT_STYLES, type PromptStyle, SHORT_PROMPTS } from './prompts.js';
export { LITE_TASK_DEFINITIONS, LITE_TASK_NAMES, registerLiteTasks } from './register.js';
export {
  ATTRIBUTES,
  type Attribute,
  buildWorld,
  CATEGORY_OF,
  type Fact,
  getWorld,
  kindOf,
  LITE_WORLD_SEED,
  WORLD_DEFAULTS,
  type World,
  type WorldOptions,
} from './world.js';
