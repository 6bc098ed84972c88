/** Partials that killed runs left beside an output: removed only when theirs, only when the run is gone. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { removeDeadPartials, removedPartialsNotice } from '../../src/util/dead-partials.js';
import { tempDir } from '../helpers/tmp.js';

/** The pid of a process that has already exited. */
function exitedPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString());
}

test("an output's partials whose run is gone are removed; live runs', other outputs', odd names and directories stay", async () => {
  const dir = await tempDir();
  const [a, b] = [exitedPid(), exitedPid()];
  const gone = [`.w.warc.gz.partial-${a}-0a1b2c3d`, `.w.warc.gz.partial-${b}-ffee0011`];
  const kept = [
    `.w.warc.gz.partial-${process.pid}-0a1b2c3d`, // this run's own
    `.w.warc.gz.partial-${process.ppid}-0a1b2c3d`, // a live process
    `.v.warc.gz.partial-${a}-0a1b2c3d`, // another output's
    `.w.warc.gz.partial-${a}-0a1b2c3d.bak`, // not a name this program makes
    `.w.warc.gz.partial-x-1`,
    'w.warc.gz',
  ];
  for (const name of [...gone, ...kept]) await writeFile(join(dir, name), 'four');
  await mkdir(join(dir, `.w.warc.gz.partial-${a}-99999999`));
  const removed = await removeDeadPartials(join(dir, 'w.warc.gz'));
  assert.deepEqual(removed.paths.sort(), gone.map((n) => join(dir, n)).sort());
  assert.equal(removed.bytes, 8);
  assert.deepEqual(removed.pids.sort(), [a, b].sort());
  assert.deepEqual((await readdir(dir)).sort(), [...kept, `.w.warc.gz.partial-${a}-99999999`].sort());
  assert.match(removedPartialsNotice(join(dir, 'w.warc.gz'), removed), new RegExp(`w\\.warc\\.gz: removed 2 partial files \\(8 bytes\\) left by runs that were killed \\(pids ${removed.pids.join(', ')}\\): `));
  assert.deepEqual(await removeDeadPartials(join(dir, 'missing-dir', 'w.warc.gz')), { paths: [], bytes: 0, pids: [] });
});
