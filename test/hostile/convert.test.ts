/**
 * warckit-convert and its YAML files, tried as a hostile user would (issue 9): two runs on one
 * output directory, SIGKILL at any point, catastrophic regexes, snapshots that share URLs,
 * misspelt keys, impossible dates. Each case says what was tried and what must hold; real
 * processes, real signals, real ffmpeg where a conversion runs.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import yazl from 'yazl';
import { makeClip } from '../convert/clips.js';
import { readConversionResults } from '../../src/convert/results.js';
import { tempDir } from '../helpers/tmp.js';

const P = 'http://www.example.com/';
const BIN = resolve('bin/warckit-convert.js');
const WARCKIT = resolve('bin/warckit.js');
const RESULTS = 'warcit-conversion-results.yaml';

/** A rule that copies its input after `ms` milliseconds (a stand-in for a slow encoder). */
function slowCopyRules(ms: number, ext = '.flv'): string {
  const code = `setTimeout(()=>require('fs').copyFileSync(process.argv[1],process.argv[2]),${ms})`;
  return `file_types:\n  - ext: '${ext}'\n    conversion_rules:\n      - name: copy\n        ext: txt\n        args: [${JSON.stringify(process.execPath)}, -e, ${JSON.stringify(code)}, '{input}', '{output}']\n`;
}

const CP_RULES = "file_types:\n  - ext: '.flv'\n    conversion_rules:\n      - name: copy\n        ext: txt\n        command: 'cp {input} {output}'\n";

interface Running {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
  stderr: () => string;
}

function start(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Running {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'], cwd: options.cwd, env: options.env ?? process.env });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((done) => child.on('exit', (code, signal) => done({ code, signal, stderr })));
  return { child, exited, stderr: () => stderr };
}

async function runToEnd(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; bin?: string } = {}): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [options.bin ?? BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'], cwd: options.cwd, env: options.env ?? process.env });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const code = await new Promise<number | null>((done) => child.on('exit', done));
  return { code, stderr };
}

async function until(what: string, check: () => Promise<boolean> | boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function site(dir: string, name: string, files: number, stem = 'v', content = (i: number) => `clip ${i}\n`): Promise<string> {
  const root = join(dir, name);
  await mkdir(root, { recursive: true });
  for (let i = 0; i < files; i++) await writeFile(join(root, `${stem}${i}.flv`), content(i));
  return root;
}

const journalLines = async (file: string): Promise<number> => (await readFile(`${file}.journal`, 'utf8').catch(() => '')).split('\n').filter(Boolean).length;

test('two runs on one output directory at once: the second fails at once naming the first (pid, host, since); no entry is lost', async () => {
  const dir = await tempDir();
  await writeFile(join(dir, 'slow.yaml'), slowCopyRules(400));
  const a = await site(dir, 'a', 3);
  const b = await site(dir, 'b', 2, 'w');
  const out = join(dir, 'out');
  const first = start([P, a, '--rules', join(dir, 'slow.yaml'), '--output-dir', out, '-j', '1']);
  await until('the first run to take the lock', () => existsSync(join(out, `${RESULTS}.lock`)));
  const started = Date.now();
  const second = await runToEnd([P, b, '--rules', join(dir, 'slow.yaml'), '--output-dir', out, '-j', '1']);
  assert.equal(second.code, 2, second.stderr);
  assert.match(second.stderr, new RegExp(`${RESULTS} is in use by another run \\(pid ${first.child.pid} on [^,]+, since \\d{4}-\\d\\d-\\d\\dT[^)]*\\)`));
  assert.ok(Date.now() - started < 5000, 'refused at once, not after waiting');
  assert.equal((await first.exited).code, 0);
  assert.equal((await runToEnd([P, b, '--rules', join(dir, 'slow.yaml'), '--output-dir', out, '-j', '1'])).code, 0);
  const results = await readConversionResults(join(out, RESULTS));
  assert.equal(Object.keys(results.conversions).length, 5, 'both runs\' sources recorded');
  assert.ok(!existsSync(join(out, `${RESULTS}.lock`)), 'lock released');
});

test('SIGKILL mid-run: the finished sources are in the journal, the next run takes over the dead lock, recovers them and does not redo them', async () => {
  const dir = await tempDir();
  await writeFile(join(dir, 'slow.yaml'), slowCopyRules(250));
  const root = await site(dir, 'site', 8);
  const out = join(dir, 'out');
  const file = join(out, RESULTS);
  const run = start([P, root, '--rules', join(dir, 'slow.yaml'), '--output-dir', out, '-j', '1']);
  await until('three sources journaled', async () => (await journalLines(file)) >= 3);
  run.child.kill('SIGKILL');
  await run.exited;
  const done = await journalLines(file);
  assert.ok(existsSync(`${file}.lock`), 'the killed run left its lock');
  // Readers see the journaled entries before any run folds them in.
  assert.equal(Object.keys((await readConversionResults(file)).conversions).length, done);
  const again = await runToEnd([P, root, '--rules', join(dir, 'slow.yaml'), '--output-dir', out, '-j', '1']);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, new RegExp(`took over the lock of a run that is gone \\(pid ${run.child.pid} on `));
  assert.match(again.stderr, new RegExp(`recovered ${done} source\\(s\\)`));
  assert.match(again.stderr, new RegExp(`${8 - done} converted, ${done} skipped`));
  assert.ok(!existsSync(`${file}.journal`) && !existsSync(`${file}.lock`));
  const yaml = await readFile(file, 'utf8');
  assert.equal((yaml.match(/^ {2}http:/gm) ?? []).length, 8, 'all eight sources in the YAML itself');
});

test('Ctrl-C: exits 130, every finished source is in the YAML (journal folded in), nothing left behind', async () => {
  const dir = await tempDir();
  await writeFile(join(dir, 'slow.yaml'), slowCopyRules(200));
  const root = await site(dir, 'site', 10);
  const out = join(dir, 'out');
  const file = join(out, RESULTS);
  const run = start([P, root, '--rules', join(dir, 'slow.yaml'), '--output-dir', out, '-j', '1']);
  await until('two sources journaled', async () => (await journalLines(file)) >= 2);
  run.child.kill('SIGINT');
  const { code, stderr } = await run.exited;
  assert.equal(code, 130, stderr);
  const recorded = Object.keys((await readConversionResults(file)).conversions).length;
  assert.ok(recorded >= 2);
  const left = (await readdir(out, { recursive: true })).filter((f) => /\.journal|\.lock|\.partial-/.test(f));
  assert.deepEqual(left, [], 'no journal, lock or temporary file');
});

/** Processes whose command line mentions `marker` (our temp dir), from /proc. */
async function processesMentioning(marker: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of (await readdir('/proc').catch(() => [])).filter((p) => /^\d+$/.test(p))) {
    const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).replace(/\0/g, ' ');
    if (cmdline.includes(marker) && !cmdline.includes(BIN)) found.push(`${pid}: ${cmdline}`);
  }
  return found;
}

const ffmpegRules = (seconds: number, realtime: boolean): string =>
  `file_types:\n  - ext: '.flv'\n    conversion_rules:\n      - name: mkv\n        ext: mkv\n        command: 'ffmpeg -y -nostdin -loglevel quiet -nostats -stream_loop -1 ${realtime ? '-re ' : ''}-i {input} -t ${seconds} -c copy -f matroska {output}'\n`;

test('SIGKILL while ffmpeg runs: ffmpeg dies with warckit-convert; the rerun removes the dead run\'s .partial outputs and ZIP member copies', { skip: !existsSync('/proc/self/cmdline') }, async () => {
  const dir = await tempDir();
  const root = join(dir, 'site');
  await makeClip(join(root, 'a.flv'), 'video', 'flv');
  const zip = new yazl.ZipFile();
  zip.addBuffer(await readFile(join(root, 'a.flv')), 'media/b.flv');
  await new Promise<void>((done, fail) => {
    zip.outputStream.pipe(createWriteStream(join(dir, 'site.zip'))).on('close', done).on('error', fail);
    zip.end();
  });
  await writeFile(join(dir, 'slow.yaml'), ffmpegRules(60, true));
  await writeFile(join(dir, 'fast.yaml'), ffmpegRules(0.2, false));
  const tmp = join(dir, 'tmp');
  await mkdir(tmp);
  const out = join(dir, 'out');
  const env = { ...process.env, TMPDIR: tmp };
  const run = start([P, root, join(dir, 'site.zip'), '--rules', join(dir, 'slow.yaml'), '--output-dir', out, '-j', '2'], { env });
  await until('both ffmpeg processes writing', async () => (await readdir(out, { recursive: true }).catch(() => [])).filter((f) => f.includes('.partial-')).length === 2);
  assert.equal((await processesMentioning(dir)).length, 2, 'two ffmpeg processes');
  run.child.kill('SIGKILL');
  await run.exited;
  await until('ffmpeg to die with its parent', async () => (await processesMentioning(dir)).length === 0, 3000).catch(async () => {
    const left = await processesMentioning(dir);
    for (const p of left) process.kill(Number(p.split(':')[0]), 'SIGKILL'); // ours: do not leave them running
    assert.fail(`still running after the parent was killed: ${left.join('; ')}`);
  });
  const partials = (await readdir(out, { recursive: true })).filter((f) => f.includes('.partial-'));
  assert.equal(partials.length, 2, 'the killed run left its partial outputs');
  assert.equal((await readdir(tmp)).filter((f) => f.startsWith(`warckit-convert-${run.child.pid}-`)).length, 1, 'and its copy of the ZIP member');

  const again = await runToEnd([P, root, join(dir, 'site.zip'), '--rules', join(dir, 'fast.yaml'), '--output-dir', out, '-j', '2'], { env });
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, new RegExp(`removed 3 temporary file\\(s\\) left by runs that were killed \\(pid ${run.child.pid}\\)`));
  assert.deepEqual((await readdir(out, { recursive: true })).filter((f) => f.includes('.partial-')), []);
  assert.deepEqual(await readdir(tmp), [], 'no temporary copies left');
});
