import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { removeStaleTemps } from '../../src/convert/stale-temps.js';
import { tempDir } from '../helpers/tmp.js';

test("only temporaries whose run's pid is gone are removed; ours, live runs' and other files stay", async () => {
  const dir = await tempDir();
  const dead = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString());
  const out = join(dir, 'out');
  const tmp = join(dir, 'tmp');
  await mkdir(out);
  await mkdir(join(tmp, `warckit-convert-${dead}-abc123`, 'm1'), { recursive: true });
  await mkdir(join(tmp, `warckit-convert-${process.pid}-abc123`));
  const names = [`.a.flv.webm.partial-${dead}-0a1b2c.webm`, `.results.yaml.partial-${dead}-0a1b2c3d`, `.a.flv.mp4.partial-${process.pid}-0a1b2c.mp4`, `.a.flv.mkv.partial-${process.ppid}-0a1b2c.mkv`, 'a.flv.webm', `.hidden.partial-x-1`];
  for (const name of names) await writeFile(join(out, name), '');
  const r = await removeStaleTemps([out, out, join(dir, 'missing')], tmp);
  assert.deepEqual(r.pids, [dead]);
  assert.equal(r.removed.length, 3);
  assert.deepEqual((await readdir(out)).sort(), names.slice(2).sort());
  assert.deepEqual(await readdir(tmp), [`warckit-convert-${process.pid}-abc123`]);
});
