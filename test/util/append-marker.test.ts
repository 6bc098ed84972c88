/** The append marker: a crash-safe record of the length to go back to. */
import assert from 'node:assert/strict';
import { appendFile, readdir, readFile, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { AppendMarkerError, markerPathFor, repairInterruptedAppend, writeAppendMarker } from '../../src/util/append-marker.js';
import { tempDir } from '../helpers/tmp.js';

test('a marker left by a killed append: the file goes back to the recorded length, the marker goes', async () => {
  const dir = await tempDir();
  const path = join(dir, 'w.warc');
  await writeFile(path, 'original');
  await writeAppendMarker(path, 8);
  await appendFile(path, 'half of a record');
  const repair = await repairInterruptedAppend(path);
  assert.equal(repair?.removed, 16);
  assert.equal(repair?.marker.pid, process.pid);
  assert.equal(await readFile(path, 'utf8'), 'original');
  assert.deepEqual(await readdir(dir), ['w.warc']);
  assert.equal(await repairInterruptedAppend(path), undefined, 'nothing to do without a marker');
});

test('a marker that cannot be trusted stops the run instead of cutting the file', async () => {
  const dir = await tempDir();
  const path = join(dir, 'w.warc');
  await writeFile(path, 'original');
  await writeFile(markerPathFor(path), 'not json');
  await assert.rejects(repairInterruptedAppend(path), (e: Error) => e instanceof AppendMarkerError && /w\.warc\.appending: not a valid append marker/.test(e.message));
  await writeAppendMarker(path, 8);
  await truncate(path, 4);
  await assert.rejects(repairInterruptedAppend(path), /is 4 bytes, shorter than the 8 bytes it had when an interrupted append began/);
  assert.equal(await readFile(path, 'utf8'), 'orig');
});
