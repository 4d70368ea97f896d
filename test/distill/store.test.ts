// The append-only keyed file and its lock: a half-written last line is repaired, a whole last row
// without its newline is kept, a bad line elsewhere is an error naming the line, no key twice, and
// one writer per file (a dead writer's lock is taken over).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { FileLock, KeyedJsonl, type Row } from '../../src/distill/index.js';

const dir = mkdtempSync(join(tmpdir(), 'distill-store-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const row = (p: string, s: number) => ({ id: `${p}-s${s}`, puzzle_id: p, sample: s, completion: 'x'.repeat(50) });
const lines = (f: string) => readFileSync(f, 'utf8').split('\n');

describe('keyed JSONL store', () => {
  it('drops a half-written last line, then appends cleanly', async () => {
    const f = join(dir, 'a.jsonl');
    writeFileSync(
      f,
      `${JSON.stringify(row('p', 0))}\n${JSON.stringify(row('p', 1))}\n${JSON.stringify(row('p', 2)).slice(0, 30)}`,
    );
    const seen: Row[] = [];
    const [store, r] = await KeyedJsonl.open(f, (x) => seen.push(x));
    assert.match(r.repaired!, /a\.jsonl:3: dropped a half-written last line \(30 bytes\)/);
    assert.deepEqual(
      seen.map((x) => x.sample),
      [0, 1],
    );
    assert.ok(store.has('p', 1) && !store.has('p', 2));
    await store.append(row('p', 2));
    await assert.rejects(store.append(row('p', 2)), /already has/, 'never a duplicate');
    await store.close();
    assert.deepEqual(
      lines(f).map((l) => (l ? JSON.parse(l).sample : '')),
      [0, 1, 2, ''],
    );
  });

  it('keeps a whole last row that lost only its newline', async () => {
    const f = join(dir, 'b.jsonl');
    writeFileSync(f, `${JSON.stringify(row('p', 0))}\n${JSON.stringify(row('p', 1))}`);
    const [store, r] = await KeyedJsonl.open(f);
    assert.match(r.repaired!, /kept it and added the newline/);
    await store.append(row('p', 2));
    await store.close();
    assert.equal(lines(f).filter(Boolean).length, 3);
    for (const l of lines(f).filter(Boolean)) JSON.parse(l);
  });

  it('reports a bad line that is not the last, and rows without a key', async () => {
    const f = join(dir, 'c.jsonl');
    writeFileSync(f, `${JSON.stringify(row('p', 0))}\n{oops\n${JSON.stringify(row('p', 1))}\n`);
    await assert.rejects(KeyedJsonl.open(f), /c\.jsonl:2: not JSON .*only the last line can be half-written/);
    writeFileSync(f, `${JSON.stringify({ id: 'x', sample: 0 })}\n`);
    await assert.rejects(KeyedJsonl.open(f), /c\.jsonl:1: field 'puzzle_id' must be a non-empty string/);
  });

  it('counts a repeated key once', async () => {
    const f = join(dir, 'd.jsonl');
    writeFileSync(f, `${JSON.stringify(row('p', 0))}\n${JSON.stringify(row('p', 0))}\n`);
    const [store, r] = await KeyedJsonl.open(f);
    assert.equal(r.duplicates, 1);
    assert.equal(store.keys.size, 1);
    await store.close();
  });

  it('reads a file larger than one read chunk', async () => {
    const f = join(dir, 'e.jsonl');
    const big = Array.from({ length: 300 }, (_, i) =>
      JSON.stringify({ ...row('p', i), completion: 'y'.repeat(1000 + i) }),
    );
    writeFileSync(f, `${big.join('\n')}\n${big[0]!.slice(0, 500)}`);
    let n = 0;
    const [store, r] = await KeyedJsonl.open(f, () => n++);
    assert.equal(n, 300);
    assert.match(r.repaired!, /:301: dropped/);
    await store.close();
    assert.equal(readFileSync(f, 'utf8'), `${big.join('\n')}\n`);
  });

  it('creates side files only when written, and removes them when emptied', async () => {
    const f = join(dir, 'side.jsonl');
    let [store] = await KeyedJsonl.open(f, () => {}, { removeIfEmpty: true });
    await store.close();
    assert.equal(existsSync(f), false);
    [store] = await KeyedJsonl.open(f, () => {}, { removeIfEmpty: true });
    await store.append(row('q', 0));
    await store.close();
    assert.equal(existsSync(f), true);
    [store] = await KeyedJsonl.open(f, () => {}, { removeIfEmpty: true });
    await store.clear();
    await store.close();
    assert.equal(existsSync(f), false);
  });
});

describe('output lock', () => {
  it('refuses a second writer while the first lives, takes over a dead one', async () => {
    const target = join(dir, 'locked.jsonl');
    const lock = FileLock.acquire(target);
    const other = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { FileLock } from ${JSON.stringify(new URL('../../src/distill/lock.js', import.meta.url).href)}; FileLock.acquire(${JSON.stringify(target)});`,
      ],
      { encoding: 'utf8' },
    );
    assert.notEqual(other.status, 0);
    assert.match(other.stderr, new RegExp(`is being written by another process \\(pid ${process.pid}`));
    lock.release();

    // A lock left by a process that is gone (a killed run) is taken over.
    const dead = spawn(process.execPath, ['-e', '0']);
    await new Promise((r) => dead.on('exit', r));
    writeFileSync(`${target}.lock`, `${dead.pid}\n`);
    const again = FileLock.acquire(target);
    assert.equal(readFileSync(`${target}.lock`, 'utf8').trim(), String(process.pid));
    again.release();
    appendFileSync(`${target}.lock`, 'garbage');
    FileLock.acquire(target).release();
    assert.equal(existsSync(`${target}.lock`), false);
  });
});
