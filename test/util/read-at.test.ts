import assert from 'node:assert/strict';
import { open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { readAt } from '../../src/util/read-at.js';
import { tempDir } from '../helpers/tmp.js';

test('readAt: the bytes asked for from a position; fewer where the file ends, none past its end', async () => {
  const dir = await tempDir();
  await writeFile(join(dir, 'f'), '0123456789');
  const fh = await open(join(dir, 'f'), 'r');
  try {
    assert.equal((await readAt(fh, 2, 3)).toString(), '234');
    assert.equal((await readAt(fh, 7, 100)).toString(), '789');
    assert.equal((await readAt(fh, 20, 4)).length, 0);
    assert.equal((await readAt(fh, 0, 0)).length, 0);
  } finally {
    await fh.close();
  }
});
