/** Outputs: a new file appears whole or not at all; an append is undone on failure; both locked. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { lstat, readdir, readFile, readlink, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { openAtomic, OutputError, OutputExistsError, writeFileAtomic } from '../../src/util/atomic.js';
import { OutputLockedError } from '../../src/util/file-lock.js';
import { tempDir } from '../helpers/tmp.js';

test('append writes in place after the existing bytes; commit keeps them, abort truncates back', async () => {
  const dir = await tempDir();
  const path = join(dir, 'w.warc');
  await writeFile(path, 'existing');
  const inode = (await stat(path)).ino;
  const out = await openAtomic(path, 'append');
  assert.equal(out.startOffset, 8);
  assert.deepEqual((await readdir(dir)).sort(), ['w.warc', 'w.warc.appending', 'w.warc.lock']);
  await out.handle.write(Buffer.from(' + new'), 0, 6, out.startOffset);
  await out.commit();
  assert.equal(await readFile(path, 'utf8'), 'existing + new');
  assert.equal((await stat(path)).ino, inode);
  const again = await openAtomic(path, 'append');
  await again.handle.write(Buffer.from(' + lost'), 0, 7, again.startOffset);
  await again.abort();
  assert.equal(await readFile(path, 'utf8'), 'existing + new');
  const sync = await openAtomic(path, 'append');
  await sync.handle.write(Buffer.from(' + lost'), 0, 7, sync.startOffset);
  sync.abortSync();
  assert.equal(await readFile(path, 'utf8'), 'existing + new');
  assert.deepEqual(await readdir(dir), ['w.warc']);
});

test('a refused append target (checkAppendTarget throws) is left untouched and unlocked', async () => {
  const dir = await tempDir();
  const path = join(dir, 'w.warc');
  await writeFile(path, 'damaged');
  await assert.rejects(openAtomic(path, 'append', { checkAppendTarget: async () => Promise.reject(new Error('nope')) }), /nope/);
  assert.deepEqual(await readdir(dir), ['w.warc']);
});

test('create: refused if it exists, also when it appears while the run writes; locked against a second run', async () => {
  const dir = await tempDir();
  const path = join(dir, 'w.warc');
  const out = await openAtomic(path, 'create', { existsHint: 'use -a' });
  await assert.rejects(openAtomic(path, 'create'), OutputLockedError);
  await writeFile(path, 'made by another program meanwhile');
  await assert.rejects(out.commit(), (e: Error) => e instanceof OutputExistsError && /w\.warc already exists: use -a/.test(e.message));
  assert.equal(await readFile(path, 'utf8'), 'made by another program meanwhile');
  assert.deepEqual(await readdir(dir), ['w.warc']);
});

test('a symbolic link, a directory or a device as the output is refused', async () => {
  const dir = await tempDir();
  await writeFile(join(dir, 'real.warc'), 'x');
  await symlink(join(dir, 'real.warc'), join(dir, 'link.warc'));
  for (const mode of ['append', 'overwrite', 'create'] as const) {
    await assert.rejects(openAtomic(join(dir, 'link.warc'), mode), (e: Error) => e instanceof OutputError && /link\.warc is a symbolic link \(to .*real\.warc\)/.test(e.message));
  }
  await assert.rejects(openAtomic(dir, 'overwrite'), /is a directory/);
  await assert.rejects(openAtomic('/dev/null', 'append'), /^OutputError: \/dev\/null is a character device, not a regular file: refusing to replace it$/);
  assert.equal(await readFile(join(dir, 'real.warc'), 'utf8'), 'x');
});

test('small outputs (results, indexes, sidecars, replay -o) are never renamed over a device, FIFO or link: a null device, a FIFO and a link to stdout stay what they are', async () => {
  const dir = await tempDir();
  const fifo = join(dir, 'fifo');
  execFileSync('mkfifo', [fifo]);
  await symlink('/proc/self/fd/1', join(dir, 'stdout'));
  // A device of our own (root only), not the machine's /dev/null: a failing test must not replace that.
  const device = join(dir, 'null');
  const root = process.getuid?.() === 0;
  if (root) execFileSync('mknod', ['-m', '666', device, 'c', '1', '3']);
  await assert.rejects(writeFileAtomic(fifo, 'x'), /^OutputError: .*fifo is a FIFO \(named pipe\), not a regular file: refusing to replace it$/);
  await assert.rejects(writeFileAtomic(join(dir, 'stdout'), 'x'), /stdout is a symbolic link \(to \/proc\/self\/fd\/1\): refusing to write through it/);
  if (root) {
    await assert.rejects(writeFileAtomic(device, 'x'), /null is a character device, not a regular file: refusing to replace it$/);
    assert.ok((await lstat(device)).isCharacterDevice());
  }
  assert.ok((await lstat(fifo)).isFIFO());
  assert.equal(await readlink(join(dir, 'stdout')), '/proc/self/fd/1');
  assert.deepEqual((await readdir(dir)).sort(), root ? ['fifo', 'null', 'stdout'] : ['fifo', 'stdout'], 'no temporary file left');
});
