/** The append marker: a crash-safe record of the length to go back to, for that very file. */
import assert from 'node:assert/strict';
import { appendFile, open, readdir, readFile, rename, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { AppendMarkerError, markerPathFor, repairInterruptedAppend, writeAppendMarker } from '../../src/util/append-marker.js';
import { tempDir } from '../helpers/tmp.js';

async function mark(path: string): Promise<void> {
  const fh = await open(path, 'r+');
  await writeAppendMarker(path, fh, (await fh.stat()).size);
  await fh.close();
}

test('a marker left by a killed append: the file goes back to the recorded length, the marker goes', async () => {
  const dir = await tempDir();
  const path = join(dir, 'w.warc');
  await writeFile(path, 'original');
  await mark(path);
  await appendFile(path, 'half of a record');
  const repair = await repairInterruptedAppend(path);
  assert.equal(repair?.removed, 16);
  assert.equal(repair?.marker.pid, process.pid);
  assert.equal(await readFile(path, 'utf8'), 'original');
  assert.deepEqual(await readdir(dir), ['w.warc']);
  assert.equal(await repairInterruptedAppend(path), undefined, 'nothing to do without a marker');
});

test('a marker that cannot be trusted, or a file changed since, stops the run instead of cutting the file', async () => {
  const dir = await tempDir();
  const path = join(dir, 'w.warc');
  await writeFile(path, 'original');
  await writeFile(markerPathFor(path), 'not json');
  await assert.rejects(repairInterruptedAppend(path), (e: Error) => e instanceof AppendMarkerError && /w\.warc\.appending: not a valid append marker/.test(e.message));
  await mark(path);
  await truncate(path, 4);
  await assert.rejects(repairInterruptedAppend(path), /the file is now 4 bytes, shorter than the 8 it had then; check the file/);
  await writeFile(path, 'ORIGINAL and more');
  await assert.rejects(repairInterruptedAppend(path), /its content before the append point has changed since; check the file, then delete the marker/);
  await writeFile(join(dir, 'other'), 'original and more');
  await rename(join(dir, 'other'), path);
  await assert.rejects(repairInterruptedAppend(path), /it has been replaced by another file since/);
  assert.equal(await readFile(path, 'utf8'), 'original and more', 'never cut');
});
