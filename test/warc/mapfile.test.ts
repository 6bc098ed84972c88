import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadMapfile, MapfileError } from '../../src/warc/mapfile.js';
import { within } from '../helpers/deadline.js';
import { makeSpecialFiles } from '../helpers/special-files.js';
import { tempDir } from '../helpers/tmp.js';

test('a mapfile that is a FIFO, a socket or /dev/zero is an error naming it, at once', async () => {
  const dir = await tempDir();
  const special = await makeSpecialFiles(dir);
  try {
    for (const [path, kind] of [
      [special.fifo, 'a FIFO \\(named pipe\\)'],
      [special.socket, 'a socket'],
      [special.zero, 'a character device \\(symbolic link to /dev/zero\\)'],
    ] as const) {
      const error = await within(
        loadMapfile(path).then(
          () => undefined,
          (e: unknown) => e,
        ),
        3000,
        `loadMapfile(${path})`,
        [special.fifo],
      );
      assert.ok(error instanceof MapfileError, String(error));
      assert.match(error.message, new RegExp(`^${path.replace(/[.]/g, '\\.')}: the mapfile is not a regular file but ${kind}$`));
    }
  } finally {
    await special.close();
  }
});

test('a mapfile is read whole only up to a size limit', async () => {
  const dir = await tempDir();
  const file = join(dir, 'map.csv');
  await writeFile(file, 'file,URL\nindex.html,http://example.com/\n');
  assert.equal((await loadMapfile(file, 1024)).length, 1);
  await assert.rejects(loadMapfile(file, 20), (e: Error) => e instanceof MapfileError && /map\.csv: the mapfile is too large to read: \d+ bytes or more \(the limit is 20\)/.test(e.message));
  await assert.rejects(loadMapfile(join(dir, 'absent.csv')), /absent\.csv: the mapfile does not exist/);
});
