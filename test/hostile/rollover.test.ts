/**
 * Hostile cases for `--max-size` rollover and `--cdxj` (issue 12). Each test: what was tried,
 * and what must hold. The rule they check: the parts of a run are moved into place together
 * at the end, so a run that fails or is stopped leaves no part (and no temporary, lock or index)
 * behind, and an earlier set it would replace or append to is as it was, byte for byte.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFile, mkdir, open, readdir, readFile, truncate, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { main } from '../../src/cli/warckit.js';
import { writeWarc } from '../../src/warc/build.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { readWarc } from '../helpers/warc-check.js';

const P = 'http://www.example.com/';
const BIN = resolve('bin/warckit.js');

/** `n` random files of `size` bytes in `dir` (random: gzip stores them, so sizes are predictable). */
async function files(dir: string, n: number, size: number): Promise<string> {
  await mkdir(dir, { recursive: true });
  for (let i = 0; i < n; i++) await writeFile(join(dir, `f${String(i).padStart(2, '0')}.bin`), randomBytes(size));
  return dir;
}

/** Every WARC-related file of `dir` (directories left out), with its bytes. */
async function snapshot(dir: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const item of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    if (item.isFile() && item.name.includes('.warc')) out.set(item.name, await readFile(join(dir, item.name)));
  }
  return out;
}

/** An input whose stream stalls until `release` is called, then fails or ends. */
function stalledEntry(fail: boolean): { entry: { url: string; size: number; open: () => Readable }; release: () => void; opened: Promise<void> } {
  let release!: () => void;
  let opened!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const openedP = new Promise<void>((r) => (opened = r));
  const open = (): Readable =>
    Readable.from(
      (async function* () {
        opened();
        yield Buffer.alloc(1000, 1);
        await gate;
        if (fail) throw Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' });
        yield Buffer.alloc(2_000_000 - 1000, 2);
      })(),
    );
  return { entry: { url: `${P}zz-stalled.bin`, size: 2_000_000, open }, release, opened: openedP };
}

test('an input failing after three parts are written: the run fails naming it, no part, temporary, lock or index is left', async () => {
  const dir = await tempDir();
  const site = await files(join(dir, 'site'), 8, 60_000);
  const stalled = stalledEntry(true);
  await mkdir(join(dir, 'out'));
  const run = writeWarc({ urlPrefix: P, inputs: [site, stalled.entry], name: join(dir, 'out', 'w'), maxSize: 130_000, cdxj: true });
  await stalled.opened;
  assert.ok((await readdir(join(dir, 'out'))).filter((n) => n.includes('.partial-')).length >= 3, 'parts under way');
  stalled.release();
  await assert.rejects(run, /zz-stalled\.bin|EIO/);
  assert.deepEqual(await readdir(join(dir, 'out')), []);
});

test('a second run on the same set while the first is writing is refused at once, naming the lock holder; the first completes', async () => {
  const dir = await tempDir();
  const site = await files(join(dir, 'site'), 4, 60_000);
  const stalled = stalledEntry(false);
  const first = writeWarc({ urlPrefix: P, inputs: [site, stalled.entry], name: join(dir, 'w'), maxSize: 130_000 });
  await stalled.opened;
  for (const mode of ['create', 'overwrite', 'append'] as const) {
    await assert.rejects(writeWarc({ urlPrefix: P, inputs: [site], name: join(dir, 'w'), maxSize: 130_000, mode }), (error: Error) => {
      assert.equal(error.name, 'OutputLockedError', `${mode}: ${error.message}`);
      assert.match(error.message, /w-00000\.warc\.gz is in use by another warckit run: pid \d+/);
      return true;
    });
  }
  stalled.release();
  const result = await first;
  assert.equal(result.parts.length, 3);
  for (const part of result.parts) assert.deepEqual((await readWarc(part.path, false)).problems, []);
  assert.deepEqual((await readdir(dir)).filter((n) => n.startsWith('w') || n.startsWith('.w')).sort(), ['w-00000.warc.gz', 'w-00001.warc.gz', 'w-00002.warc.gz']);
});

test('-o over an earlier set when a later part\'s name is taken by a directory: fails naming it; the earlier set is untouched', async () => {
  const dir = await tempDir();
  const site = await files(join(dir, 'site'), 6, 60_000);
  const out = join(dir, 'out');
  await mkdir(out);
  await writeWarc({ urlPrefix: P, inputs: [join(site, 'f00.bin'), join(site, 'f01.bin')], name: join(out, 'w'), maxSize: 70_000, cdxj: true });
  const before = await snapshot(out);
  assert.deepEqual([...before.keys()], ['w-00000.warc.gz', 'w-00000.warc.gz.cdxj', 'w-00001.warc.gz', 'w-00001.warc.gz.cdxj']);
  await mkdir(join(out, 'w-00003.warc.gz'));
  await assert.rejects(writeWarc({ urlPrefix: P, inputs: [site], name: join(out, 'w'), maxSize: 70_000, mode: 'overwrite', cdxj: true }), /w-00003\.warc\.gz: is a directory/);
  assert.deepEqual(await snapshot(out), before, 'byte for byte as before');
  assert.deepEqual((await readdir(out)).sort(), ['w-00000.warc.gz', 'w-00000.warc.gz.cdxj', 'w-00001.warc.gz', 'w-00001.warc.gz.cdxj', 'w-00003.warc.gz']);
});

test('-a with --max-size onto a cut-off last part: refused naming the part and offset; nothing is changed or added', async () => {
  const dir = await tempDir();
  const site = await files(join(dir, 'site'), 3, 60_000);
  await writeWarc({ urlPrefix: P, inputs: [site], name: join(dir, 'w'), maxSize: 100_000 });
  const last = join(dir, 'w-00002.warc.gz');
  const fh = await open(last, 'r');
  const size = (await fh.stat()).size;
  await fh.close();
  await truncate(last, size - 100);
  const before = await snapshot(dir);
  await assert.rejects(writeWarc({ urlPrefix: P, inputs: [site], name: join(dir, 'w'), maxSize: 100_000, mode: 'append' }), /w-00002\.warc\.gz.*(cut off|incomplete|offset)/i);
  assert.deepEqual(await snapshot(dir), before);
});

test('-a with --max-size stopped after it rolled over: the appended part is put back, no new part is left', async () => {
  const dir = await tempDir();
  const site = await files(join(dir, 'site'), 6, 60_000);
  await writeWarc({ urlPrefix: P, inputs: [join(site, 'f00.bin')], name: join(dir, 'w'), maxSize: 130_000, cdxj: true });
  const before = await snapshot(dir);
  const controller = new AbortController();
  let records = 0;
  const onEvent = (event: { type: string }): void => {
    if (event.type === 'record' && ++records === 5) controller.abort();
  };
  await assert.rejects(writeWarc({ urlPrefix: P, inputs: [site], name: join(dir, 'w'), maxSize: 130_000, mode: 'append', cdxj: true, signal: controller.signal, onEvent }), { name: 'WarcAbortedError' });
  assert.deepEqual(await snapshot(dir), before, 'byte for byte as before');
  assert.deepEqual((await readdir(dir)).sort(), ['site', 'w-00000.warc.gz', 'w-00000.warc.gz.cdxj']);
});

test('SIGINT to warckit --max-size while it writes its fifth part: exit 130 within a second, no part of the set left', async () => {
  const dir = await tempDir();
  await files(join(dir, 'site'), 4, 300_000);
  // Sparse, so it costs no disk; at level 9 it takes seconds to write.
  const fh = await open(join(dir, 'site', 'zz-large.bin'), 'w');
  await fh.truncate(3 * 1024 ** 3);
  await fh.close();
  const child = spawn(process.execPath, [BIN, P, 'site', '-n', 'w', '--max-size', '400KB', '--cdxj', '--gzip-level', '9'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  for (let i = 0; i < 400 && !(await readdir(dir)).some((n) => n.startsWith('.w-00004.warc.gz.partial-')); i++) await new Promise((r) => setTimeout(r, 25));
  assert.ok((await readdir(dir)).filter((n) => n.includes('.partial-')).length === 5, 'five parts under way');
  const sent = Date.now();
  child.kill('SIGINT');
  const code = await exited;
  assert.ok(Date.now() - sent < 1000, `ended ${Date.now() - sent} ms after SIGINT`);
  assert.equal(code, 130, stderr);
  assert.match(stderr, /interrupted; no WARC written \(no part of the set/);
  assert.deepEqual(await readdir(dir), ['site']);
});

test('--max-size smaller than any record: each input file in a part of its own, over the size, whole and valid', async () => {
  const dir = await tempDir();
  const site = await files(join(dir, 'site'), 3, 5_000);
  await appendFile(join(site, 'index.html'), '<p>index</p>');
  const result = await writeWarc({ urlPrefix: P, inputs: [site], name: join(dir, 'w'), maxSize: 1 });
  assert.equal(result.parts.length, 4);
  for (const part of result.parts) {
    const { records, problems } = await readWarc(part.path, false);
    assert.deepEqual(problems, []);
    assert.deepEqual(records.map((r) => r.type).filter((t) => t !== 'revisit'), ['warcinfo', 'resource']);
  }
});

test('an index that cannot be written (a directory at its name): the WARCs are in place, the run says which index failed, exit 1', async () => {
  const dir = await tempDir();
  const site = await files(join(dir, 'site'), 3, 60_000);
  await mkdir(join(dir, 'w-00001.warc.gz.cdxj'));
  const result = await writeWarc({ urlPrefix: P, inputs: [site], name: join(dir, 'w'), maxSize: 100_000, cdxj: true });
  assert.equal(result.parts.length, 3);
  assert.match(result.indexError ?? '', /w-00001\.warc\.gz\.cdxj/);
  assert.deepEqual(result.parts.map((p) => p.index !== undefined), [true, false, true], 'the other indexes are written');
  for (const part of result.parts) assert.deepEqual((await readWarc(part.path, false)).problems, []);
  const cli = await runCli(main, [P, site, '-n', join(dir, 'w'), '--max-size', '100000', '--cdxj', '-o']);
  assert.equal(cli.code, 1, cli.stderr);
  assert.match(cli.stderr, /the WARC\(s\) were written, but an index was not: .*w-00001\.warc\.gz\.cdxj/);
});
