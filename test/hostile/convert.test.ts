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
import { readWarc } from '../helpers/warc-check.js';
import { runOnScratchMount, scratchMountsAvailable } from '../helpers/scratch-mount.js';
import { tempDir } from '../helpers/tmp.js';
import { flipStoredByte } from '../helpers/zip-fixture.js';

const P = 'http://www.example.com/';
const BIN = resolve('bin/warckit-convert.js');
const WARCKIT = resolve('bin/warckit.js');
const RESULTS = 'warcit-conversion-results.yaml';

/** Rules whose one rule, `copy` (to `.txt`), runs `node -e code {input} {output}` (braces in the code written as the template's {{ and }}). */
function nodeRules(code: string, ext = '.flv'): string {
  return `file_types:\n  - ext: '${ext}'\n    conversion_rules:\n      - name: copy\n        ext: txt\n        args: [${JSON.stringify(process.execPath)}, -e, ${JSON.stringify(code.replace(/[{}]/g, (c) => c + c))}, '{input}', '{output}']\n`;
}

/** A rule that copies its input after `ms` milliseconds (a stand-in for a slow encoder). */
function slowCopyRules(ms: number, ext = '.flv'): string {
  return nodeRules(`setTimeout(()=>require('fs').copyFileSync(process.argv[1],process.argv[2]),${ms})`, ext);
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
  assert.match(second.stderr, new RegExp(`${RESULTS} is in use by another warckit run: pid ${first.child.pid} on host \\S+ since \\d{4}-\\d\\d-\\d\\dT\\S+ \\(.*\\); wait for it to finish, or convert into another --output-dir`));
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

test('snapshots 2009/www/ then 2010/www/ into one output directory: the second is refused, the 2009 results and outputs stay intact', async () => {
  const dir = await tempDir();
  await writeFile(join(dir, 'cp.yaml'), CP_RULES);
  await site(dir, '2009/www', 1, 'v', () => 'old\n');
  await site(dir, '2010/www', 1, 'v', () => 'new\n');
  const out = join(dir, 'out');
  const first = await runToEnd([P, join(dir, '2009/www/'), '--rules', join(dir, 'cp.yaml'), '--output-dir', out]);
  assert.equal(first.code, 0, first.stderr);
  const before = await readFile(join(out, RESULTS), 'utf8');
  const second = await runToEnd([P, join(dir, '2010/www/'), '--rules', join(dir, 'cp.yaml'), '--output-dir', out]);
  assert.equal(second.code, 2, second.stderr);
  assert.match(second.stderr, /outputs would collide, nothing was converted:\n {2}http:\/\/www\.example\.com\/v0\.flv is recorded in .* as converted from .*2009\/www\/v0\.flv; .*2010\/www\/v0\.flv is a different file/);
  assert.equal(await readFile(join(out, RESULTS), 'utf8'), before, 'results untouched');
  const [entry] = (await readConversionResults(join(out, RESULTS))).conversions[`${P}v0.flv`]!;
  assert.equal(await readFile(entry!.output, 'utf8'), 'old\n', "the 2009 output is the 2009 file's");
  // Entering each snapshot and converting www/ puts both on conversions/www/…: refused too.
  const out2 = join(dir, 'out2');
  assert.equal((await runToEnd([P, 'www/', '--rules', join(dir, 'cp.yaml'), '--output-dir', out2], { cwd: join(dir, '2009') })).code, 0);
  const inner = await runToEnd([P, 'www/', '--rules', join(dir, 'cp.yaml'), '--output-dir', out2], { cwd: join(dir, '2010') });
  assert.equal(inner.code, 2, inner.stderr);
  assert.match(inner.stderr, /would replace that record/);
  // One run given both snapshots: refused before anything runs.
  const both = await runToEnd([P, join(dir, '2009/www/v0.flv'), join(dir, '2010/www/v0.flv'), '--rules', join(dir, 'cp.yaml'), '--output-dir', join(dir, 'out3')]);
  assert.equal(both.code, 2, both.stderr);
  assert.match(both.stderr, /v0\.flv is the URL of both .*2009\/www\/v0\.flv and .*2010\/www\/v0\.flv/);
  assert.ok(!existsSync(join(dir, 'out3', RESULTS)));
});

test('a catastrophic rules regex ([^!]+)+$ on a long name: the run finishes at once (RE2), and SIGTERM ends a run within a second', { timeout: 30_000 }, async () => {
  const dir = await tempDir();
  const root = join(dir, 'site');
  await mkdir(root);
  await writeFile(join(root, `${'a'.repeat(60)}!`), 'x');
  await writeFile(join(root, 'ok.flv'), 'x');
  await writeFile(join(dir, 'evil.yaml'), "file_types:\n  - regex: '([^!]+)+$'\n    conversion_rules:\n      - {name: copy, ext: txt, command: 'cp {input} {output}'}\n");
  const r = await runToEnd([P, root, '--rules', join(dir, 'evil.yaml'), '--output-dir', join(dir, 'out')]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /1 converted, 0 skipped/);
  await writeFile(join(dir, 'slow.yaml'), slowCopyRules(60_000));
  const run = start([P, root, '--rules', join(dir, 'slow.yaml'), '--output-dir', join(dir, 'out2')]);
  await until('the slow command to start', async () => (await readdir(join(dir, 'out2'), { recursive: true }).catch(() => [])).some((f) => f.endsWith('.lock')));
  await new Promise((done) => setTimeout(done, 300));
  const sent = Date.now();
  run.child.kill('SIGTERM');
  const { code } = await run.exited;
  assert.equal(code, 130);
  assert.ok(Date.now() - sent < 2000, `ended ${Date.now() - sent} ms after SIGTERM`);
});

test('misspelt keys: rules mmie: and manifest selecter:/tiemstamp: are errors with a did-you-mean naming the file and the place', async () => {
  const dir = await tempDir();
  const root = await site(dir, 'site', 1);
  await writeFile(join(dir, 'rules.yaml'), "file_types:\n  - ext: '.flv'\n    conversion_rules:\n      - {name: copy, ext: txt, mmie: text/plain, command: 'cp {input} {output}'}\n");
  const r = await runToEnd([P, root, '--rules', join(dir, 'rules.yaml'), '--output-dir', join(dir, 'out')]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /rules\.yaml: file_types\[0\]\.conversion_rules\[0\]\.mmie: unknown key \(did you mean mime\?\)/);
  assert.ok(!existsSync(join(dir, 'out')), 'nothing run or written');
  for (const [key, meant] of [['selecter', 'selector'], ['tiemstamp', 'timestamp']]) {
    await writeFile(join(dir, 'm.yaml'), `transclusions:\n  ${P}v0.flv:\n    - url: ${P}page.html\n      ${key}: 2009\n`);
    const w = await runToEnd([P, root, '--transclusions', join(dir, 'm.yaml'), '-n', join(dir, 'x'), '-q'], { bin: WARCKIT });
    assert.equal(w.code, 2, w.stderr);
    assert.match(w.stderr, new RegExp(`m\\.yaml: transclusions\\["${P.replace(/\./g, '\\.')}v0\\.flv"\\]\\[0\\]\\.${key}: unknown key \\(did you mean ${meant}\\?\\)`));
  }
});

test('impossible dates (20111301 in a manifest, -d 2011-02-30) are errors; a manifest timestamp 20160102 dates the page 2016-01-02T23:59:59Z as warcit does', async () => {
  const dir = await tempDir();
  const root = await site(dir, 'site', 1);
  await writeFile(join(dir, 'm.yaml'), `transclusions:\n  ${P}v0.flv:\n    - url: ${P}page.html\n      timestamp: 20111301\n`);
  const bad = await runToEnd([P, root, '--transclusions', join(dir, 'm.yaml'), '-n', join(dir, 'x'), '-q'], { bin: WARCKIT });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /m\.yaml: transclusions\[.*\]\[0\]\.timestamp: "20111301" is not a date \(month 13/);
  const d = await runToEnd([P, root, '-d', '2011-02-30', '-n', join(dir, 'y'), '-q'], { bin: WARCKIT });
  assert.equal(d.code, 2);
  assert.match(d.stderr, /"2011-02-30" is not a date \(day 30; expected 1-28\)/);
  await writeFile(join(dir, 'm.yaml'), `transclusions:\n  ${P}v0.flv:\n    - url: ${P}page.html\n      timestamp: 20160102\n`);
  const ok = await runToEnd([P, root, '--transclusions', join(dir, 'm.yaml'), '-n', join(dir, 'z'), '-q'], { bin: WARCKIT });
  assert.equal(ok.code, 0, ok.stderr);
  const meta = (await readWarc(join(dir, 'z.warc.gz'))).records.find((x) => x.targetUri === `urn:embeds:${P}page.html`)!;
  assert.equal(meta.header('WARC-Date'), '2016-01-02T23:59:59Z');
});

test('results files: a file that is not one is refused naming it; an empty one is warned about; a duplicate key is named with its line', async () => {
  const dir = await tempDir();
  const root = await site(dir, 'site', 1);
  await writeFile(join(dir, 'm.yaml'), `transclusions:\n  ${P}v0.flv: {url: ${P}page.html}\n`);
  const notResults = await runToEnd([P, root, '--conversions', join(dir, 'm.yaml'), '-n', join(dir, 'a'), '-q'], { bin: WARCKIT });
  assert.equal(notResults.code, 2);
  assert.match(notResults.stderr, /m\.yaml: not a conversion results file: no "conversions:" mapping \(this looks like a transclusion manifest/);
  await writeFile(join(dir, 'empty.yaml'), '');
  const empty = await runToEnd([P, root, '--conversions', join(dir, 'empty.yaml'), '-n', join(dir, 'b')], { bin: WARCKIT });
  assert.equal(empty.code, 0, empty.stderr);
  assert.match(empty.stderr, /\[WARNING\] .*empty\.yaml: empty results file: no conversions recorded/);
  await writeFile(join(dir, 'dup.yaml'), `transclusions:\n  ${P}v0.flv: {url: a}\n  ${P}v1.flv: {url: b}\n  ${P}v0.flv: {url: c}\n`);
  const dup = await runToEnd([P, root, '--transclusions', join(dir, 'dup.yaml'), '-n', join(dir, 'c'), '-q'], { bin: WARCKIT });
  assert.equal(dup.code, 2);
  assert.match(dup.stderr, /dup\.yaml: duplicate key "http:\/\/www\.example\.com\/v0\.flv" at line 4, column 3/);
});

test('converting . does not convert its own earlier outputs again; an output path that is a directory fails that conversion, not the batch', async () => {
  const dir = await tempDir();
  const root = await site(dir, 'site', 2);
  await writeFile(join(dir, 'cp.yaml'), "file_types:\n  - ext: '.flv'\n    conversion_rules:\n      - {name: copy, ext: flv, command: 'cp {input} {output}'}\n");
  for (let i = 0; i < 2; i++) {
    const r = await runToEnd([P, '.', '--rules', join(dir, 'cp.yaml')], { cwd: root });
    assert.equal(r.code, 0, r.stderr);
  }
  const outputs = (await readdir(join(root, 'conversions'), { recursive: true })).filter((f) => f.endsWith('.flv')).sort();
  assert.deepEqual(outputs, ['v0.flv.flv', 'v1.flv.flv'], 'no v0.flv.flv.flv from converting the outputs');
  await site(dir, 'site2', 2);
  await mkdir(join(dir, 'out', 'site2', 'v0.flv.flv'), { recursive: true });
  const r = await runToEnd([P, 'site2', '--rules', 'cp.yaml', '--output-dir', 'out'], { cwd: dir });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /v0\.flv: copy failed \(.*v0\.flv\.flv is a directory\)/);
  assert.match(r.stderr, /1 converted, 0 skipped \(up to date\), 1 failed/);
});

test('long file names: an output whose name fits (249 bytes) is written, though its temporary name would not have fit; one whose name does not fit is written under that name cut to fit (tagged with a hash), recorded in the results, and archived at its URL', async () => {
  const dir = await tempDir();
  await mkdir(join(dir, 'site'));
  const fits = `${'f'.repeat(241)}.flv`; // output f….flv.txt: 249 bytes; `.f….flv.txt.partial-<pid>-<hex>.txt` would be 270
  const longest = `${'t'.repeat(247)}.flv`; // output t….flv.txt: 255 bytes, the most that fits
  const tooLong = `${'u'.repeat(250)}.flv`; // output u….flv.txt: 258 bytes
  for (const name of [fits, longest, tooLong]) await writeFile(join(dir, 'site', name), `clip ${name.length}\n`);
  await writeFile(join(dir, 'copy.yaml'), nodeRules(`require('fs').copyFileSync(process.argv[1],process.argv[2])`));
  const r = await runToEnd([P, 'site', '--rules', 'copy.yaml', '--output-dir', 'out'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /3 converted, 0 skipped \(up to date\), 0 failed/);
  const written = (await readdir(join(dir, 'out', 'site'))).filter((n) => n.endsWith('.txt')).sort();
  const cut = written.find((n) => n.startsWith('u'))!;
  assert.match(cut, /^u+~[0-9a-f]{8}\.txt$/);
  assert.ok(Buffer.byteLength(cut) <= 255, `${Buffer.byteLength(cut)} bytes`);
  assert.deepEqual(written, [`${fits}.txt`, `${longest}.txt`, cut].sort(), 'nothing partial left');
  const results = await readFile(join(dir, 'out', 'warcit-conversion-results.yaml'), 'utf8');
  assert.ok(results.includes(`output: ${join(dir, 'out', 'site', cut)}`), 'the results name the file as written');
  const warc = await runToEnd([P, 'site', '-n', 'w', '--conversions', join('out', 'warcit-conversion-results.yaml')], { cwd: dir, bin: WARCKIT });
  assert.equal(warc.code, 0, warc.stderr);
  const { records } = await readWarc(join(dir, 'w.warc.gz'));
  const record = records.find((rec) => rec.targetUri === `${P}${tooLong}.txt`);
  assert.equal(record?.payload.toString(), `clip ${tooLong.length}\n`, 'archived at its URL, whatever its file name');
});

test('a full TMPDIR while a ZIP member is copied out says so (no space, in TMPDIR), not "cannot read"; the run goes on', { skip: scratchMountsAvailable() ? false : 'no user/mount namespaces (unshare -rm)' }, async () => {
  const dir = await tempDir();
  const zipPath = join(dir, 'site.zip');
  const zip = new yazl.ZipFile();
  zip.addBuffer(Buffer.alloc(400 * 1024, 7), 'media/big.flv', { compress: false });
  zip.addBuffer(Buffer.from('small clip'), 'media/small.flv');
  zip.end();
  await new Promise<void>((done, fail) => zip.outputStream.pipe(createWriteStream(zipPath)).on('close', done).on('error', fail));
  await writeFile(join(dir, 'rules.yaml'), CP_RULES);
  const mnt = join(dir, 'tmp');
  const r = runOnScratchMount({
    mountPoint: mnt,
    sizeKb: 256,
    leaveFreeKb: 64,
    argv: [process.execPath, BIN, P, zipPath, '--rules', join(dir, 'rules.yaml'), '--output-dir', join(dir, 'out'), '-j', '1'],
    cwd: dir,
    env: { TMPDIR: mnt },
  });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, new RegExp(`big\\.flv: cannot copy it out of the ZIP file to a temporary file in ${mnt.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: no space left on device`));
  assert.doesNotMatch(r.stderr, /cannot read/);
  const results = await readConversionResults(join(dir, 'out', RESULTS));
  assert.equal(Object.values(results.conversions).flat().filter((c) => c.success).length, 1, `the small member still converted: ${r.stderr}`);
});

test('a disk that fills while ffmpeg writes: ffmpeg 5.1 exits 0 after "Error writing trailer", the conversion fails and nothing takes the output\'s name', { skip: scratchMountsAvailable() ? false : 'no user/mount namespaces (unshare -rm)' }, async () => {
  const dir = await tempDir();
  // 3 s of 16-bit PCM (265 KB) kept as PCM in Matroska: the output cannot fit in 64 KB.
  await makeClip(join(dir, 'site', 'talk.wav'), 'audio', 'wav', 3);
  await writeFile(join(dir, 'rules.yaml'), "file_types:\n  - ext: '.wav'\n    conversion_rules:\n      - name: pcm_mkv\n        ext: mkv\n        command: 'ffmpeg -y -nostdin -i {input} -c:a pcm_s16le {output}'\n");
  const out = join(dir, 'out');
  const results = join(dir, 'results.yaml');
  const r = runOnScratchMount({
    mountPoint: out,
    sizeKb: 256,
    leaveFreeKb: 64,
    argv: [process.execPath, BIN, P, 'site', '--rules', 'rules.yaml', '--output-dir', out, '--results', results, '-j', '1'],
    cwd: dir,
  });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /talk\.wav: pcm_mkv failed \(ffmpeg could not write its output: .*No space left on device/);
  assert.deepEqual(Object.keys(r.files).filter((f) => /mkv|partial/.test(f)), [], `no output, no partial left on the full disk: ${JSON.stringify(r.files)}`);
  const recorded = Object.values((await readConversionResults(results)).conversions).flat();
  assert.equal(recorded.length, 1);
  assert.equal(recorded[0]!.success, false);
  assert.equal(recorded[0]!.output_sha256, undefined, 'no digest of a truncated file is recorded');
});

test('a disk that fills mid-stream (ffmpeg exits 1, "Conversion failed!"): the failure says no space left, not only the exit code', { skip: scratchMountsAvailable() ? false : 'no user/mount namespaces (unshare -rm)' }, async () => {
  const dir = await tempDir();
  // 3 s of lossless FFV1 (about 650 KB): the muxer's writes fail long before the trailer.
  await makeClip(join(dir, 'site', 'tour.flv'), 'video', 'flv', 3);
  await writeFile(join(dir, 'rules.yaml'), "file_types:\n  - ext: '.flv'\n    conversion_rules:\n      - name: ffv1_mkv\n        ext: mkv\n        command: 'ffmpeg -y -nostdin -i {input} -c:v ffv1 {output}'\n");
  const out = join(dir, 'out');
  const r = runOnScratchMount({
    mountPoint: out,
    sizeKb: 256,
    leaveFreeKb: 64,
    argv: [process.execPath, BIN, P, 'site', '--rules', 'rules.yaml', '--output-dir', out, '--results', join(dir, 'results.yaml'), '-j', '1'],
    cwd: dir,
  });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /tour\.flv: ffv1_mkv failed \(ffmpeg could not write its output: .*No space left on device; exit code 1\)/);
  assert.doesNotMatch(r.stderr, /Conversion failed!/, 'ffmpeg\'s last line says nothing a reader can act on');
  assert.doesNotMatch(r.stderr, /\.partial-/, 'the message names the output, not its temporary name');
  const [recorded] = Object.values((await readConversionResults(join(dir, 'results.yaml'))).conversions).flat();
  assert.match(String(recorded!.failure), /No space left on device; exit code 1$/);
});

test('a converter that hangs (nothing printed, no output growing) is stopped after --stall-seconds and fails; a slow one that shows signs of life is not', { timeout: 60_000 }, async () => {
  const dir = await tempDir();
  await mkdir(join(dir, 'site'), { recursive: true });
  await writeFile(join(dir, 'site', 'hang.flv'), 'hang');
  await writeFile(join(dir, 'site', 'slow.flv'), 'slow');
  // A stand-in for an encoder stuck on a corrupt file, and one that works for 2.5 s, printing as it goes.
  const code = "const [i,o]=process.argv.slice(1); if (require('fs').readFileSync(i,'utf8')==='hang') setTimeout(()=>{},60000); else { let n=0; const t=setInterval(()=>{ process.stderr.write('frame='+(++n)+'\\\\n'); if (n===10) { clearInterval(t); require('fs').copyFileSync(i,o); } },250); }";
  await writeFile(join(dir, 'rules.yaml'), nodeRules(code));
  const started = Date.now();
  const r = await runToEnd([P, 'site', '--rules', 'rules.yaml', '--output-dir', 'out', '--stall-seconds', '1', '-j', '2'], { cwd: dir });
  assert.ok(Date.now() - started < 15_000, `ended after ${Date.now() - started} ms`);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /hang\.flv: copy failed \(stalled: nothing printed and no output written for 1 s; stopped\)/);
  assert.doesNotMatch(r.stderr, /slow\.flv: copy failed/);
  const results = await readConversionResults(join(dir, 'out', RESULTS));
  assert.deepEqual(Object.entries(results.conversions).map(([url, [c]]) => [url, c!.success]).sort(), [[`${P}hang.flv`, false], [`${P}slow.flv`, true]]);
  assert.deepEqual((await readdir(join(dir, 'out'), { recursive: true })).filter((f) => f.includes('.partial-')), []);
});

test('a source written to by another process while it is converted: that conversion fails saying so, nothing takes the output\'s name, the others stand', async () => {
  const dir = await tempDir();
  await mkdir(join(dir, 'site'), { recursive: true });
  await writeFile(join(dir, 'site', 'growing.flv'), 'first bytes');
  await writeFile(join(dir, 'site', 'still.flv'), 'unchanged');
  // A stand-in for a copy still arriving: the source grows while the converter reads it.
  const code = "const fs=require('fs'); const [i,o]=process.argv.slice(1); if (i.endsWith('growing.flv')) fs.appendFileSync(i,' and more'); fs.copyFileSync(i,o);";
  await writeFile(join(dir, 'rules.yaml'), nodeRules(code));
  const r = await runToEnd([P, 'site', '--rules', 'rules.yaml', '--output-dir', 'out'], { cwd: dir });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /growing\.flv: copy failed \(the source changed while it was converted/);
  const results = await readConversionResults(join(dir, 'out', RESULTS));
  assert.deepEqual(Object.entries(results.conversions).map(([url, [c]]) => [url, c!.success]).sort(), [[`${P}growing.flv`, false], [`${P}still.flv`, true]]);
  assert.deepEqual((await readdir(join(dir, 'out', 'site'))).sort(), ['still.flv.txt']);
});

test('a characterization sidecar that cannot be written (a directory in its place): named as an error, exit 1, the conversion itself stands', async () => {
  const dir = await tempDir();
  await makeClip(join(dir, 'site', 'talk.wav'), 'audio', 'wav', 1);
  await writeFile(join(dir, 'rules.yaml'), "file_types:\n  - ext: '.wav'\n    conversion_rules:\n      - name: flac\n        ext: flac\n        command: 'ffmpeg -y -nostdin -i {input} -c:a flac {output}'\n");
  await mkdir(join(dir, 'out', 'site', 'talk.wav.ffprobe.json'), { recursive: true });
  const r = await runToEnd([P, 'site', '--rules', 'rules.yaml', '--output-dir', 'out'], { cwd: dir });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /talk\.wav\.ffprobe\.json: characterization not written \(.*\); the next run writes it/);
  const [flac] = (await readConversionResults(join(dir, 'out', RESULTS))).conversions[`${P}talk.wav`]!;
  assert.equal(flac!.success, true);
});

test('a damaged ZIP member under the default rules gets one failure in the results, naming the member and why, not one per alternative rule; the other member converts', { timeout: 120_000 }, async () => {
  const dir = await tempDir();
  await makeClip(join(dir, 'good.flv'), 'av', 'flv', 1);
  const bad = Buffer.from(`FLV${'damaged clip '.repeat(2000)}`);
  const zip = new yazl.ZipFile();
  zip.addFile(join(dir, 'good.flv'), 'media/good.flv', { compress: false });
  zip.addBuffer(bad, 'media/bad.flv', { compress: false });
  zip.end();
  await new Promise<void>((done, fail) => zip.outputStream.pipe(createWriteStream(join(dir, 'site.zip'))).on('close', done).on('error', fail));
  await flipStoredByte(join(dir, 'site.zip'), bad);
  const r = await runToEnd([P, 'site.zip', '--output-dir', 'out', '-j', '2'], { cwd: dir });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /site\.zip\/media\/bad\.flv: cannot read \(bad CRC-32 for member "media\/bad\.flv"/);
  assert.match(r.stderr, /\d+ converted, 0 skipped \(up to date\), 1 failed, 2 file\(s\)/);
  const results = await readConversionResults(join(dir, 'out', RESULTS));
  const entries = results.conversions[`${P}media/bad.flv`]!;
  assert.equal(entries.length, 1, JSON.stringify(entries.map((e) => e.metadata.name)));
  assert.equal(entries[0]!.type, 'unreadable');
  assert.equal(entries[0]!.success, false);
  assert.match(String(entries[0]!.failure), /bad CRC-32/);
  assert.ok(results.conversions[`${P}media/good.flv`]!.every((e) => e.success), 'the good member converts');
});

test('control characters in file names (a newline, a tab): the source is converted as any other (its URL escapes them, %0A, %09), and its conversion is archived referring to it', async () => {
  const dir = await tempDir();
  await mkdir(join(dir, 'site'));
  for (const name of ['new\nline.flv', 'tab\there.flv', 'plain.flv']) await writeFile(join(dir, 'site', name), `FLV ${name}`);
  await writeFile(join(dir, 'rules.yaml'), CP_RULES);
  const converted = await runToEnd([P, 'site', '--rules', 'rules.yaml', '--output-dir', 'conv', '-q'], { cwd: dir });
  assert.equal(converted.code, 0, converted.stderr);
  const results = await readConversionResults(join(dir, 'conv', RESULTS));
  assert.deepEqual(Object.keys(results.conversions).sort(), [`${P}new%0Aline.flv`, `${P}plain.flv`, `${P}tab%09here.flv`]);
  const written = await runToEnd([P, 'site', '-n', 'out', '--conversions', join('conv', RESULTS), '-q'], { cwd: dir, bin: WARCKIT });
  assert.equal(written.code, 0, written.stderr);
  const { records, problems } = await readWarc(join(dir, 'out.warc.gz'));
  assert.deepEqual(problems, []);
  const source = records.find((r) => r.targetUri === `${P}new%0Aline.flv`);
  const conversion = records.find((r) => r.targetUri === `${P}new%0Aline.flv.txt`);
  assert.ok(source && conversion, records.map((r) => r.targetUri).join(' '));
  assert.equal(conversion.header('WARC-Refers-To'), source.header('WARC-Record-ID'));
  assert.equal(conversion.payload.toString(), 'FLV new\nline.flv');
});

test('outputs whose directory would pass through a file (a ZIP converted with --output-dir beside it: site.zip/…) stop the run before anything is converted, naming the file; nothing is left behind', async () => {
  const dir = await tempDir();
  const zip = new yazl.ZipFile();
  zip.addBuffer(Buffer.from('FLV'), 'media/a.flv');
  await new Promise<void>((done, fail) => {
    zip.outputStream.pipe(createWriteStream(join(dir, 'site.zip'))).on('close', done).on('error', fail);
    zip.end();
  });
  await writeFile(join(dir, 'rules.yaml'), CP_RULES);
  const run = await runToEnd([P, 'site.zip', '--rules', 'rules.yaml', '--output-dir', '.'], { cwd: dir });
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.stderr, /outputs of site\.zip would be written in .*site\.zip\/media\/, but .*site\.zip is a file: give another --output-dir/);
  assert.doesNotMatch(run.stderr, /ENOTDIR/);
  assert.deepEqual((await readdir(dir)).sort(), ['rules.yaml', 'site.zip']);
});

test('--results naming a file of the run (an output, a source, the rules, a sidecar): exit 2 before anything runs, naming what it is; the file untouched', async () => {
  const dir = await tempDir();
  await mkdir(join(dir, 'site'));
  await writeFile(join(dir, 'site', 'a.flv'), 'FLV-ish bytes');
  await writeFile(join(dir, 'rules.yaml'), CP_RULES);
  const first = await runToEnd([P, 'site', '--rules', 'rules.yaml', '--output-dir', 'conv', '-q'], { cwd: dir });
  assert.equal(first.code, 0, first.stderr);
  const cases: Array<[string, RegExp]> = [
    ['conv/site/a.flv.txt', /conv\/site\/a\.flv\.txt is the output of rule copy for http:\/\/www\.example\.com\/a\.flv: give the results file another path/],
    ['site/a.flv', /site\/a\.flv is a source of this run \(http:\/\/www\.example\.com\/a\.flv\): give the results file another path/],
    ['rules.yaml', /rules\.yaml is the rules file of this run: give the results file another path/],
    ['conv/site/a.flv.ffprobe.json', /conv\/site\/a\.flv\.ffprobe\.json is the characterization sidecar of http:\/\/www\.example\.com\/a\.flv: give the results file another path/],
  ];
  for (const [results, message] of cases) {
    const before = await readFile(join(dir, results)).catch(() => undefined);
    const run = await runToEnd([P, 'site', '--rules', 'rules.yaml', '--output-dir', 'conv', '--results', join(dir, results), '--force'], { cwd: dir });
    assert.equal(run.code, 2, `--results ${results}: ${run.stderr}`);
    assert.match(run.stderr, message);
    assert.deepEqual(await readFile(join(dir, results)).catch(() => undefined), before, `${results} untouched`);
    assert.equal(existsSync(join(dir, `${results}.journal`)), false);
  }
});

test('stderr on a pipe its reader closes (2>&1 | head -c1): the conversions run, the results file is written, exit 0, no lock or journal left', async () => {
  const dir = await tempDir();
  await mkdir(join(dir, 'site'));
  for (let i = 0; i < 20; i++) await writeFile(join(dir, 'site', `a${i}.flv`), `FLV ${i}`);
  await writeFile(join(dir, 'rules.yaml'), CP_RULES);
  const child = spawn(process.execPath, [BIN, P, 'site', '--rules', 'rules.yaml', '--output-dir', 'conv', '-v'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr!.once('data', () => child.stderr!.destroy());
  const code = await new Promise<number | null>((done) => child.on('exit', done));
  assert.equal(code, 0);
  const { conversions } = await readConversionResults(join(dir, 'conv', RESULTS));
  assert.equal(Object.keys(conversions).length, 20);
  assert.deepEqual((await readdir(join(dir, 'conv'))).sort(), ['site', RESULTS]);
});

test('a relative TMPDIR (with a colon: tmp:rel): a ZIP member is copied out to an absolute path, so ffmpeg never takes tmp: for a protocol', async () => {
  const dir = await tempDir();
  await mkdir(join(dir, 'tmp:rel'));
  const zip = new yazl.ZipFile();
  zip.addBuffer(Buffer.from('FLV'), 'media/a.flv');
  await new Promise<void>((done, fail) => {
    zip.outputStream.pipe(createWriteStream(join(dir, 'site.zip'))).on('close', done).on('error', fail);
    zip.end();
  });
  await writeFile(join(dir, 'rules.yaml'), nodeRules("require('fs').writeFileSync(process.argv[2], process.argv[1])"));
  const run = await runToEnd([P, 'site.zip', '--rules', 'rules.yaml', '--output-dir', 'conv'], { cwd: dir, env: { ...process.env, TMPDIR: 'tmp:rel' } });
  assert.equal(run.code, 0, run.stderr);
  const input = await readFile(join(dir, 'conv', 'site.zip', 'media', 'a.flv.txt'), 'utf8');
  assert.ok(input.startsWith(`${join(dir, 'tmp:rel')}/`), input);
});

test('the results cannot be written mid-run (ulimit -f: file too large) while other sources are under way (-j 2): the error names the file and says why, never "The operation was aborted" (tried 8 times: the timing varies)', async () => {
  const dir = await tempDir();
  await mkdir(join(dir, 'site'));
  for (let i = 0; i < 30; i++) await writeFile(join(dir, 'site', `f${i}.flv`), `x${i}\n`);
  await writeFile(join(dir, 'rules.yaml'), CP_RULES);
  const node = JSON.stringify(process.execPath);
  for (let attempt = 0; attempt < 8; attempt++) {
    const child = spawn('/bin/sh', ['-c', `rm -rf conv; ulimit -f 20; exec ${node} ${JSON.stringify(BIN)} ${P} site --rules rules.yaml --output-dir conv -j 2 -q`], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((done) => child.on('exit', done));
    assert.notEqual(code, 0, stderr);
    assert.match(stderr, /warcit-conversion-results\.yaml(\.journal)?: (cannot write: )?file too large/, `attempt ${attempt}`);
    assert.doesNotMatch(stderr, /operation was aborted/i, `attempt ${attempt}`);
  }
});

test('--results through a symbolic link to an output whose directory is not made yet (lnk -> .: lnk/conv/site/a.flv.txt): refused before anything runs, the output then written and kept', async () => {
  const dir = await tempDir();
  await mkdir(join(dir, 'site'));
  await writeFile(join(dir, 'site', 'a.flv'), 'FLV-ish bytes');
  await writeFile(join(dir, 'rules.yaml'), CP_RULES);
  const { symlink } = await import('node:fs/promises');
  await symlink('.', join(dir, 'lnk'));
  await mkdir(join(dir, 'conv'));
  const run = await runToEnd([P, 'site', '--rules', 'rules.yaml', '--output-dir', 'conv', '--results', join(dir, 'lnk', 'conv', 'site', 'a.flv.txt')], { cwd: dir });
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.stderr, /a\.flv\.txt is the output of rule copy/);
  assert.equal(existsSync(join(dir, 'conv', 'site', 'a.flv.txt')), false, 'nothing ran');
});

test("a results file of an older warckit (or warcit-converter) naming café.flv raw: a new run into that directory takes its entries as the file's (up to date, nothing refused); converted again, they are written back once, under caf%C3%A9.flv", async () => {
  const dir = await tempDir();
  await mkdir(join(dir, 'site'));
  await writeFile(join(dir, 'site', 'café.flv'), 'FLV-ish bytes');
  await writeFile(join(dir, 'rules.yaml'), CP_RULES);
  const first = await runToEnd([P, 'site', '--rules', 'rules.yaml', '--output-dir', 'conv', '-q'], { cwd: dir });
  assert.equal(first.code, 0, first.stderr);
  const file = join(dir, 'conv', RESULTS);
  // As an older warckit wrote it: the URLs raw.
  await writeFile(file, (await readFile(file, 'utf8')).replaceAll('caf%C3%A9', 'café'));
  const again = await runToEnd([P, 'site', '--rules', 'rules.yaml', '--output-dir', 'conv'], { cwd: dir });
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /0 converted, 1 skipped \(up to date\)/);
  // Converted again (--force), its list is written back once, under the spelling warckit gives the file.
  const forced = await runToEnd([P, 'site', '--rules', 'rules.yaml', '--output-dir', 'conv', '--force', '-q'], { cwd: dir });
  assert.equal(forced.code, 0, forced.stderr);
  const { conversions } = await readConversionResults(file);
  assert.deepEqual(Object.keys(conversions), [`${P}caf%C3%A9.flv`]);
  assert.equal(conversions[`${P}caf%C3%A9.flv`]!.length, 1);
  assert.doesNotMatch(await readFile(file, 'utf8'), /^ {2}http:\/\/www\.example\.com\/café\.flv:$/m);
});
