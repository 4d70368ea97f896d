// Where computed expected outputs are cached: $KINDLING_CACHE, else ~/.cache/kindling.
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export function kindlingCacheDir(): string {
  const env = process.env.KINDLING_CACHE;
  if (env) return resolve(env);
  const xdg = process.env.XDG_CACHE_HOME;
  return join(xdg ? resolve(xdg) : join(homedir(), '.cache'), 'kindling');
}
