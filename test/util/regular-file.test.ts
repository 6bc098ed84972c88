import assert from 'node:assert/strict';
import { symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { openRegularFile, readRegularFile, readRegularFileSync, RegularFileError } from '../../src/util/regular-file.js';
import { makeSpecialFiles } from '../helpers/special-files.js';
import { tempDir } from '../helpers/tmp.js';

async function rejection(promise: Promise<unknown>): Promise<RegularFileError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof RegularFileError, `expected a RegularFileError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a rejection');
}

function thrown(fn: () => unknown): RegularFileError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof RegularFileError, `expected a RegularFileError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected an error');
}

test('special files are refused at once, named with what they are (async and sync)', async () => {
  const dir = await tempDir();
  const special = await makeSpecialFiles(dir);
  try {
    const cases: Array<[string, RegExp]> = [
      [special.fifo, /pipe\.csv: the mapfile is not a regular file but a FIFO \(named pipe\)$/],
      [special.socket, /sock\.csv: the mapfile is not a regular file but a socket$/],
      [special.zero, /zero\.csv: the mapfile is not a regular file but a character device \(symbolic link to \/dev\/zero\)$/],
      [special.dangling, /dangling\.csv: the mapfile is a broken symbolic link \(to .*nowhere\)$/],
      [special.directory, /dir\.csv: the mapfile is not a regular file but a directory$/],
      [join(dir, 'absent.csv'), /absent\.csv: the mapfile does not exist$/],
    ];
    for (const [path, message] of cases) {
      const started = Date.now();
      const error = await rejection(readRegularFile(path, { maxBytes: 1024, what: 'mapfile' }));
      assert.match(error.message, message);
      assert.equal(error.path, path);
      assert.match(thrown(() => readRegularFileSync(path, { maxBytes: 1024, what: 'mapfile' })).message, message);
      assert.ok(Date.now() - started < 2000, `${path} took ${Date.now() - started} ms`);
    }
    assert.equal((await rejection(openRegularFile(special.fifo))).message, `${special.fifo}: is not a regular file but a FIFO (named pipe)`);
  } finally {
    await special.close();
  }
});

test('regular files are read whole up to the limit, and refused past it', async () => {
  const dir = await tempDir();
  const file = join(dir, 'rules.yaml');
  await writeFile(file, 'x'.repeat(100));
  assert.equal((await readRegularFile(file, { maxBytes: 100 })).toString(), 'x'.repeat(100));
  assert.equal(readRegularFileSync(file, { maxBytes: 100 }).length, 100);
  const error = await rejection(readRegularFile(file, { maxBytes: 99, what: 'rules file' }));
  assert.equal(error.problem, 'too-large');
  assert.match(error.message, /rules\.yaml: the rules file is too large to read: 100 bytes or more \(the limit is 99\)/);
  assert.equal(thrown(() => readRegularFileSync(file, { maxBytes: 99 })).problem, 'too-large');
  const empty = join(dir, 'empty');
  await writeFile(empty, '');
  assert.equal((await readRegularFile(empty, { maxBytes: 0 })).length, 0);
  // A symlink to a regular file is followed.
  await symlink(file, join(dir, 'link.yaml'));
  assert.equal((await readRegularFile(join(dir, 'link.yaml'), { maxBytes: 1000 })).length, 100);
});

test('a file named by non-UTF-8 bytes is opened through a Buffer path', async () => {
  const dir = await tempDir();
  const raw = Buffer.concat([Buffer.from(`${dir}/caf`), Buffer.from([0xe9]), Buffer.from('.html')]);
  await writeFile(raw, 'café');
  const { handle, stats } = await openRegularFile(raw);
  await handle.close();
  assert.equal(stats.size, 5);
  assert.equal((await readRegularFile(raw, { maxBytes: 10 })).toString(), 'café');
});
