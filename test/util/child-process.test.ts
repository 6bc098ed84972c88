import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { runChild } from '../../src/util/child-process.js';
import { tempDir } from '../helpers/tmp.js';

const node = (code: string, ...args: string[]): string[] => [process.execPath, '-e', code, ...args];

test('stall: a silent command whose file does not grow is stopped; output on stderr or a growing file keeps one alive', async () => {
  const dir = await tempDir();
  const file = join(dir, 'out');
  const silent = await runChild(node('setTimeout(() => {}, 30000)'), { stall: { ms: 400, file } });
  assert.equal(silent.stalled, true);
  assert.equal(silent.signal, 'SIGTERM');

  // Writes a byte every 150 ms for 1.5 s, printing nothing: alive by its file alone.
  const writing = await runChild(node("const fs=require('fs'); let n=0; const t=setInterval(()=>{ fs.appendFileSync(process.argv[1],'x'); if (++n===10) clearInterval(t); },150)", file), { stall: { ms: 400, file } });
  assert.equal(writing.stalled, undefined);
  assert.equal(writing.exitCode, 0);

  // Prints every 150 ms for 1.5 s, writing nothing.
  const printing = await runChild(node("let n=0; const t=setInterval(()=>{ process.stderr.write('.'); if (++n===10) clearInterval(t); },150)"), { stall: { ms: 400 } });
  assert.equal(printing.stalled, undefined);
  assert.equal(printing.exitCode, 0);
});
