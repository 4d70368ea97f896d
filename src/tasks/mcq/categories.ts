// MMLU-Pro category selectors, shared by evaluation (`--tasks mmlu-pro:…`) and training
// (`--task mcq:…`) so that both accept and refuse the same spellings.
import { MMLU_PRO_CATEGORIES } from './data.js';

/** Throws naming every value that is not an MMLU-Pro category, and listing the valid ones. */
export function checkMmluProCategories(categories: readonly string[]): void {
  const unknown = categories.filter((c) => !(MMLU_PRO_CATEGORIES as readonly string[]).includes(c));
  if (unknown.length)
    throw new Error(`mmlu-pro: unknown categories ${unknown.join(', ')} (known: ${MMLU_PRO_CATEGORIES.join(', ')})`);
}

/**
 * `computer_science, Physics` → ['computer science', 'physics']: lower-case, `_` for a space (no
 * quoting needed on a command line), trimmed, deduplicated, sorted, each a known category.
 */
export function parseMmluProCategories(args: string): string[] {
  const categories = [
    ...new Set(
      args
        .split(',')
        .map((s) => s.trim().toLowerCase().replace(/_/g, ' '))
        .filter(Boolean),
    ),
  ].sort();
  checkMmluProCategories(categories);
  return categories;
}

/** The selector argument for parsed categories: ['computer science', 'physics'] → `computer_science,physics`. */
export function mmluProCategoryArgs(categories: readonly string[]): string {
  return categories.map((c) => c.replace(/ /g, '_')).join(',');
}
