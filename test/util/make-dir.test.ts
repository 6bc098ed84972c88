import assert from 'node:assert/strict';
import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { makeDirectory } from '../../src/util/make-dir.js';
import { tempDir } from '../helpers/tmp.js';

test('makeDirectory: missing parents made, an existing directory is fine, ten at once on one path all succeed', async () => {
  const dir = await tempDir();
  const deep = join(dir, 'a', 'b', 'c');
  await makeDirectory(deep);
  assert.ok((await stat(deep)).isDirectory());
  await makeDirectory(deep);
  await Promise.all(Array.from({ length: 10 }, () => makeDirectory(join(dir, 'x', 'y', 'z'))));
  assert.ok((await stat(join(dir, 'x', 'y', 'z'))).isDirectory());
});

test('makeDirectory: a file in the way is EEXIST (itself or a parent); /proc answers at once (Node\'s mkdir -p spins there)', async () => {
  const dir = await tempDir();
  await writeFile(join(dir, 'f'), 'file');
  await assert.rejects(makeDirectory(join(dir, 'f')), { code: 'EEXIST' });
  await assert.rejects(makeDirectory(join(dir, 'f', 'below')), (e: NodeJS.ErrnoException) => e.code === 'EEXIST' || e.code === 'ENOTDIR');
  await assert.rejects(makeDirectory('/proc/warckit-no-such/dir'), (e: NodeJS.ErrnoException) => ['ENOENT', 'EACCES', 'EPERM', 'EROFS'].includes(e.code ?? ''));
});
