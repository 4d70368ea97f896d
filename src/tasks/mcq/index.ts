export { checkMmluProCategories, mmluProCategoryArgs, parseMmluProCategories } from './categories.js';
export { type McqExample, MMLU_PRO_CATEGORIES, mmluProFile, readMmluPro } from './data.js';
export { CHAINS, type Chain, extractLetter, type LetterExtraction } from './extract.js';
export { hash32, mulberry32, randomGuess, shuffled } from './random.js';
export { type SplitOptions, splitByCategory } from './split.js';
export { createMmluProTask, MCQ_REWARDS, type McqLoadOptions, type McqTaskOptions, mmluProTask } from './task.js';
