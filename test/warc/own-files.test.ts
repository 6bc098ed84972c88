/** A run's own files (its WARC, temp, lock, marker) are not inputs of that run. */
import assert from 'node:assert/strict';
import { mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { isOwnFileName, withoutOwnFiles } from '../../src/warc/own-files.js';
import { tempDir } from '../helpers/tmp.js';

test('own file names', () => {
  for (const name of ['site.warc.gz', '.site.warc.gz.partial-12-ab', 'site.warc.gz.lock', 'site.warc.gz.lock.break-x', 'site.warc.gz.appending', 'site.warc.gz.appending.77']) {
    assert.equal(isOwnFileName(name, 'site.warc.gz'), true, name);
  }
  for (const name of ['site.warc', 'other.warc.gz', 'site.warc.gz.txt.bak'.replace('.txt', ''), 'xsite.warc.gz', '.site.warc.gz']) {
    assert.equal(isOwnFileName(name, 'site.warc.gz'), false, name);
  }
});

test('matched by real directory: the same name elsewhere is kept, the same directory through a link is not', async () => {
  const dir = await tempDir();
  await mkdir(join(dir, 'out'));
  await mkdir(join(dir, 'other'));
  await symlink(join(dir, 'out'), join(dir, 'via'));
  const entries = [{ filePath: join(dir, 'via', 'site.warc.gz') }, { filePath: join(dir, 'other', 'site.warc.gz') }, { filePath: join(dir, 'out', 'page.html') }, {}];
  const { kept, excluded } = await withoutOwnFiles(entries, join(dir, 'out', 'site.warc.gz'));
  assert.deepEqual(excluded, [entries[0]]);
  assert.deepEqual(kept, [entries[1], entries[2], entries[3]]);
});
