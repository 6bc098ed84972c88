/** The output lock: O_EXCL lock file naming its owner; stale ones taken over, exactly once. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { acquireLock, OutputLockedError, ownerAlive } from '../../src/util/file-lock.js';
import { tempDir } from '../helpers/tmp.js';

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  return new Promise((r) => child.on('exit', () => r(child.pid!)));
}

test('a second lock on the same path names the holder: pid, host, since, command', async () => {
  const dir = await tempDir();
  const path = join(dir, 'x.warc.gz');
  const lock = await acquireLock(path, { command: 'warckit http://x/ site' });
  const owner = JSON.parse(await readFile(`${path}.lock`, 'utf8')) as Record<string, unknown>;
  assert.equal(owner.pid, process.pid);
  assert.equal(owner.host, hostname());
  await assert.rejects(acquireLock(path), (e: Error) => {
    assert.ok(e instanceof OutputLockedError);
    assert.match(e.message, new RegExp(`x\\.warc\\.gz is in use by another warckit run: pid ${process.pid} on host ${hostname()} since \\d{4}-\\d\\d-\\d\\dT.* \\(warckit http://x/ site\\); wait for it to finish`));
    return true;
  });
  await lock.release();
  assert.deepEqual(await readdir(dir), []);
  await (await acquireLock(path)).release();
});

test('a lock whose process is gone is taken over, by exactly one of many contenders', async () => {
  const dir = await tempDir();
  const path = join(dir, 'x.warc.gz');
  const pid = await deadPid();
  await writeFile(`${path}.lock`, JSON.stringify({ pid, host: hostname(), since: '2020-01-01T00:00:00.000Z', token: 'stale' }));
  const attempts = await Promise.allSettled(Array.from({ length: 8 }, () => acquireLock(path)));
  const won = attempts.filter((a) => a.status === 'fulfilled');
  assert.equal(won.length, 1);
  assert.equal((won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof acquireLock>>>).value.tookOver?.pid, pid);
  for (const a of attempts) if (a.status === 'rejected') assert.ok(a.reason instanceof OutputLockedError, String(a.reason));
  await (won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof acquireLock>>>).value.release();
  assert.deepEqual(await readdir(dir), [], 'no breaker file left');
});

test('a lock from another host is never taken over: the message says how to clear it', async () => {
  const dir = await tempDir();
  const path = join(dir, 'x.warc.gz');
  await writeFile(`${path}.lock`, JSON.stringify({ pid: 1, host: 'other-host', since: '2020-01-01T00:00:00.000Z', token: 't' }));
  await assert.rejects(acquireLock(path), /x\.warc\.gz is in use by a warckit run on another host: pid 1 on host other-host since 2020-01-01T00:00:00\.000Z; if no such run is active on other-host, delete .*x\.warc\.gz\.lock/);
});

test('a reused pid (different process start time) or another boot does not keep a lock alive', async () => {
  const me = { pid: process.pid, host: hostname(), since: '', token: '' };
  assert.equal(ownerAlive(me), true);
  assert.equal(ownerAlive({ ...me, started: '1' }), false, 'same pid, another process');
  assert.equal(ownerAlive({ ...me, boot: 'another-boot' }), false);
  assert.equal(ownerAlive({ ...me, pid: await deadPid() }), false);
});

test('an owner that died but is not reaped yet (a zombie: its parent killed too, PID 1 slow to reap) does not keep a lock alive', { skip: existsSync('/proc/self/stat') ? false : 'no /proc' }, async () => {
  // `exec sleep` replaces the shell without reaping the child it started: that child is a zombie until sleep ends.
  const child = spawn('/bin/sh', ['-c', 'sleep 0 & echo $!; exec sleep 5'], { stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    const pid = Number((await new Promise<Buffer>((done) => child.stdout!.once('data', done))).toString().trim());
    for (let i = 0; i < 100 && !readFileSync(`/proc/${pid}/stat`, 'latin1').includes(') Z '); i++) await new Promise((r) => setTimeout(r, 20));
    assert.match(readFileSync(`/proc/${pid}/stat`, 'latin1'), /\) Z /, 'a zombie');
    assert.equal(ownerAlive({ pid, host: hostname(), since: '', token: '' }), false);
  } finally {
    child.kill();
  }
});

test('an empty lock file (its creator killed before writing it) is broken after a grace period', async () => {
  const dir = await tempDir();
  const path = join(dir, 'x.warc.gz');
  await writeFile(`${path}.lock`, '');
  const lock = await acquireLock(path, { incompleteGraceMs: 50 });
  assert.equal(JSON.parse(await readFile(`${path}.lock`, 'utf8')).pid, process.pid);
  lock.releaseSync();
  assert.deepEqual(await readdir(dir), []);
});

test('release leaves a lock that is no longer ours alone', async () => {
  const dir = await tempDir();
  const path = join(dir, 'x.warc.gz');
  const lock = await acquireLock(path);
  await writeFile(`${path}.lock`, JSON.stringify({ pid: 1, host: 'h', since: 's', token: 'someone else' }));
  await lock.release();
  assert.deepEqual(await readdir(dir), ['x.warc.gz.lock']);
});
