// Where the repository and the shared data live (data is read in place, never copied).
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository (or installed package) root: the folder holding package.json. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** ../shared/data beside the checkout, or $KINDLING_DATA. */
export function sharedDataDir(): string {
  const env = process.env.KINDLING_DATA;
  if (env) return resolve(env);
  const beside = resolve(REPO_ROOT, '..', 'shared', 'data');
  if (existsSync(beside)) return beside;
  return join(REPO_ROOT, 'data');
}
