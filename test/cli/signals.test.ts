/** A signal ends a stuck run within a second, with its outputs put back. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../helpers/tmp.js';

test('SIGTERM while the run is stuck: exit 130 after forceExitMs, append truncated back, temp file, lock and marker gone', async () => {
  const dir = await tempDir();
  await writeFile(join(dir, 'w.warc'), 'existing');
  const script = `
    const { onInterrupt } = await import(${JSON.stringify(resolve('dist/src/cli/signals.js'))});
    const { openAtomic } = await import(${JSON.stringify(resolve('dist/src/util/atomic.js'))});
    onInterrupt(new AbortController(), { forceExitMs: 300 });
    const a = await openAtomic(${JSON.stringify(join(dir, 'w.warc'))}, 'append');
    await a.handle.write(Buffer.from(' + half a record'), 0, 16, a.startOffset);
    await openAtomic(${JSON.stringify(join(dir, 'new.warc'))}, 'create');
    process.stdout.write('ready');
    setInterval(() => undefined, 1000); // stuck: never looks at the abort signal`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((r) => child.stdout.once('data', () => r()));
  const sent = Date.now();
  child.kill('SIGTERM');
  const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  const took = Date.now() - sent;
  assert.equal(code, 130);
  assert.ok(took >= 250 && took < 1000, `${took} ms`);
  assert.equal(await readFile(join(dir, 'w.warc'), 'utf8'), 'existing');
  assert.deepEqual(await readdir(dir), ['w.warc']);
});
