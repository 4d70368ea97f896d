// One builder per output file: two runs appending to the same file would each skip only the keys
// they saw at start and write duplicates. The lock is "<out>.lock" holding the owner's pid; a lock
// whose process is gone (a killed run) is taken over.
import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class FileLock {
  private constructor(readonly path: string) {}

  static acquire(target: string): FileLock {
    const path = `${target}.lock`;
    // The output's folder is made here, as every command makes its --out folder.
    try {
      mkdirSync(dirname(target), { recursive: true });
    } catch (e) {
      throw new Error(`${target}: cannot create its folder (${(e as Error).message})`);
    }
    for (let tries = 0; tries < 3; tries++) {
      try {
        writeFileSync(path, `${process.pid}\n`, { flag: 'wx' });
        return new FileLock(path);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST')
          throw new Error(`${path}: cannot create lock (${(e as Error).message})`);
      }
      let pid = Number.NaN;
      try {
        pid = Number.parseInt(readFileSync(path, 'utf8'), 10);
      } catch {}
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid))
        throw new Error(
          `${target} is being written by another process (pid ${pid}, lock ${path}); wait for it or stop it`,
        );
      try {
        unlinkSync(path); // stale: its owner is gone
      } catch {}
    }
    throw new Error(`${path}: cannot take the lock`);
  }

  release(): void {
    try {
      unlinkSync(this.path);
    } catch {}
  }
}
