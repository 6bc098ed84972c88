/** A signal ends a stuck run within a second, with its outputs put back. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { PTY, PYTHON } from '../helpers/pty.js';
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

/** A run stuck with an append open; prints "ready <pid>". */
function stuckRun(dir: string): string {
  return `
    const { onInterrupt } = await import(${JSON.stringify(resolve('dist/src/cli/signals.js'))});
    const { openAtomic } = await import(${JSON.stringify(resolve('dist/src/util/atomic.js'))});
    onInterrupt(new AbortController(), { forceExitMs: 300 });
    const a = await openAtomic(${JSON.stringify(join(dir, 'w.warc'))}, 'append');
    await a.handle.write(Buffer.from(' + half a record'), 0, 16, a.startOffset);
    process.stdout.write('ready ' + process.pid + ' ');
    setInterval(() => undefined, 1000);`;
}

test('SIGHUP in a terminal (the terminal closed): the run stops as for Ctrl-C, its append truncated back; not in a terminal (nohup, output to a file), it goes on', { skip: PYTHON ? false : 'no python3 for a pseudo-terminal' }, async () => {
  const dir = await tempDir();
  await writeFile(join(dir, 'w.warc'), 'existing');
  const inTty = spawn(PYTHON!, ['-c', PTY, process.execPath, '--input-type=module', '-e', stuckRun(dir)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let screen = '';
  const pid = await new Promise<number>((r) => inTty.stdout.on('data', (c: Buffer) => {
    screen += c.toString();
    const m = /ready (\d+) /.exec(screen);
    if (m) r(Number(m[1]));
  }));
  process.kill(pid, 'SIGHUP');
  assert.equal(await new Promise<number | null>((r) => inTty.on('exit', (c) => r(c))), 130);
  assert.equal(await readFile(join(dir, 'w.warc'), 'utf8'), 'existing');
  assert.deepEqual(await readdir(dir), ['w.warc']);

  // Node.js undoes nohup's ignoring of SIGHUP: without a handler, a hangup would kill the run.
  const piped = spawn(process.execPath, ['--input-type=module', '-e', stuckRun(dir)], { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((r) => piped.stdout.once('data', () => r()));
  piped.kill('SIGHUP');
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(piped.exitCode, null, 'still running after SIGHUP');
  piped.kill('SIGTERM');
  assert.equal(await new Promise<number | null>((r) => piped.on('exit', (c) => r(c))), 130);
  assert.equal(await readFile(join(dir, 'w.warc'), 'utf8'), 'existing');
});
