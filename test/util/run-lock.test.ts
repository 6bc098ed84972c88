import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { acquireRunLock, isProcessAlive, RunLockedError } from '../../src/util/run-lock.js';
import { tempDir } from '../helpers/tmp.js';

/** The pid of a process that has already exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  const pid = Number(child.stdout.toString());
  assert.ok(pid > 0 && !isProcessAlive(pid));
  return pid;
}

test('a second holder is refused with the first one\'s pid, host and start time; release frees it', async () => {
  const dir = await tempDir();
  const target = join(dir, 'results.yaml');
  const first = await acquireRunLock(target, { hint: 'wait' });
  const owner = JSON.parse(await readFile(`${target}.lock`, 'utf8'));
  assert.equal(owner.pid, process.pid);
  assert.equal(owner.host, hostname());
  await assert.rejects(acquireRunLock(target, { hint: 'wait for it' }), (e: Error) => {
    assert.ok(e instanceof RunLockedError);
    assert.match(e.message, new RegExp(`results\\.yaml is in use by another run \\(pid ${process.pid} on ${hostname()}, since ${owner.since}.*wait for it$`));
    return true;
  });
  await first.release();
  const again = await acquireRunLock(target, { hint: 'wait' });
  assert.equal(again.tookOverFrom, undefined);
  await again.release();
});

test("a dead run's lock on this host is taken over and said so; another host's is not", async () => {
  const dir = await tempDir();
  const target = join(dir, 'results.yaml');
  const pid = deadPid();
  await writeFile(`${target}.lock`, JSON.stringify({ pid, host: hostname(), since: '2020-01-01T00:00:00.000Z' }));
  const lock = await acquireRunLock(target, { hint: 'wait' });
  assert.equal(lock.tookOverFrom?.pid, pid);
  assert.equal(JSON.parse(await readFile(`${target}.lock`, 'utf8')).pid, process.pid);
  await lock.release();

  await writeFile(`${target}.lock`, JSON.stringify({ pid, host: 'elsewhere', since: '2020-01-01T00:00:00.000Z' }));
  await assert.rejects(acquireRunLock(target, { hint: 'wait' }), /pid \d+ on elsewhere, since 2020-01-01/);
  await writeFile(`${target}.lock`, 'garbage');
  await assert.rejects(acquireRunLock(target, { hint: 'remove it if no run is going' }), /results\.yaml\.lock, which cannot be read: remove it/);
});

test('a pid reused by another process does not keep a dead run\'s lock (start time differs)', { skip: !existsSync('/proc/self/stat') && 'needs /proc' }, async () => {
  const dir = await tempDir();
  const target = join(dir, 'results.yaml');
  // Our own pid with another start time: alive, but not the process that took the lock.
  await writeFile(`${target}.lock`, JSON.stringify({ pid: process.ppid, host: hostname(), since: '2020-01-01T00:00:00.000Z', start: 1 }));
  const lock = await acquireRunLock(target, { hint: 'wait' });
  assert.equal(lock.tookOverFrom?.pid, process.ppid);
  await lock.release();
});
