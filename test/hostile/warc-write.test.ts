/**
 * Hostile cases for writing WARCs with `warckit` (issue 9): concurrent runs, appending onto
 * damaged WARCs, files changing during a run, results files that match no input or point
 * outside their directory, symlinked outputs, `warckit .`, full disks, read-only directories,
 * failing logs, and signals. Each test: what was tried, and what must hold. Real files, real
 * processes, every WARC read back with the independent reader.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { appendFile, mkdir, open, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { main as convertMain } from '../../src/cli/convert.js';
import { main } from '../../src/cli/warckit.js';
import { writeWarc } from '../../src/warc/build.js';
import { runCli } from '../helpers/cli.js';
import { runOnScratchMount, scratchMountsAvailable } from '../helpers/scratch-mount.js';
import { makeSite } from '../helpers/site.js';
import { tempDir } from '../helpers/tmp.js';
import { readWarc } from '../helpers/warc-check.js';

const P = 'http://www.example.com/';
const BIN = resolve('bin/warckit.js');
const run = promisify(execFile);
const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

/** A site of `n` small pages. */
async function pages(dir: string, n: number): Promise<string> {
  const files: Record<string, string> = {};
  for (let i = 0; i < n; i++) files[`p${i}.html`] = `<p>page ${i}</p>\n`;
  await makeSite(dir, files);
  return dir;
}

/** A sparse file: slow to write at gzip level 9, cheap on disk. */
async function sparse(path: string, bytes: number): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  const fh = await open(path, 'w');
  await fh.truncate(bytes);
  await fh.close();
}

function cli(args: string[], cwd: string): ChildProcess & { done: Promise<{ code: number | null; stderr: string; ms: number }> } {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const started = Date.now();
  const done = new Promise<{ code: number | null; stderr: string; ms: number }>((r) => child.on('exit', (code) => r({ code, stderr, ms: Date.now() - started })));
  return Object.assign(child, { done });
}

async function waitFor(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const count = async (path: string): Promise<number> => {
  const { records, problems } = await readWarc(path, false);
  assert.deepEqual(problems, [], `${path}: digests`);
  return records.length;
};

// --- 1. concurrent runs -------------------------------------------------------------------

test('two `-a` runs on one WARC at once: never lose a run (both written, or one refused naming the other)', async () => {
  const dir = await tempDir();
  await pages(join(dir, 'site'), 300);
  await sparse(join(dir, 'site', 'large.bin'), 256 * 1024 ** 2); // both runs are still writing when either could finish
  await run(process.execPath, [BIN, P, 'site', '-n', 'shared', '-q', '--gzip-level', '1'], { cwd: dir });
  const one = await count(join(dir, 'shared.warc.gz'));
  const append = (): ReturnType<typeof cli>['done'] => cli([P, 'site', '-a', '-n', 'shared', '--gzip-level', '1'], dir).done;
  const results = await Promise.all([append(), append()]);
  const ok = results.filter((r) => r.code === 0).length;
  for (const r of results.filter((x) => x.code !== 0)) {
    assert.equal(r.code, 2);
    assert.match(r.stderr, new RegExp(`shared\\.warc\\.gz is in use by another warckit run: pid \\d+ on host ${hostname()} since \\d{4}-`));
  }
  assert.ok(ok >= 1);
  assert.equal(await count(join(dir, 'shared.warc.gz')), one * (1 + ok), 'every run that said it wrote is in the WARC');
  assert.deepEqual((await readdir(dir)).sort(), ['shared.warc.gz', 'site'], 'no lock or marker left');
});

test('two runs creating the same WARC at once: one writes it, the other is refused', async () => {
  const dir = await tempDir();
  await pages(join(dir, 'site'), 3);
  await sparse(join(dir, 'site', 'large.bin'), 256 * 1024 ** 2); // both runs are still writing when either could finish
  const results = await Promise.all([cli([P, 'site', '-n', 'new', '--gzip-level', '1'], dir).done, cli([P, 'site', '-n', 'new', '--gzip-level', '1'], dir).done]);
  assert.deepEqual(results.map((r) => r.code).sort(), [0, 2], results.map((r) => r.stderr).join('\n'));
  assert.match(results.find((r) => r.code === 2)!.stderr, /new\.warc\.gz (is in use by another warckit run|already exists)/);
  assert.equal(await count(join(dir, 'new.warc.gz')), 5);
});

test('a lock left by a killed run is taken over (same host); one from another host is refused with how to clear it', async () => {
  const dir = await tempDir();
  await pages(join(dir, 'site'), 3);
  const dead = spawn(process.execPath, ['-e', '']);
  const deadPid = await new Promise<number>((r) => dead.on('exit', () => r(dead.pid!)));
  await writeFile(join(dir, 'x.warc.gz.lock'), JSON.stringify({ pid: deadPid, host: hostname(), since: '2020-01-01T00:00:00.000Z', token: 'abc' }));
  const taken = await runCli(main, [P, join(dir, 'site'), '-n', join(dir, 'x')]);
  assert.equal(taken.code, 0, taken.stderr);
  assert.match(taken.stderr, new RegExp(`took over the lock left by pid ${deadPid}`));
  await writeFile(join(dir, 'y.warc.gz.lock'), JSON.stringify({ pid: process.pid, host: 'elsewhere.example', since: '2020-01-01T00:00:00.000Z', token: 'def' }));
  const refused = await runCli(main, [P, join(dir, 'site'), '-n', join(dir, 'y')]);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /y\.warc\.gz is in use by a warckit run on another host: pid \d+ on host elsewhere\.example since 2020-01-01T00:00:00\.000Z; if no such run is active on elsewhere\.example, delete .*y\.warc\.gz\.lock/);
  await assert.rejects(stat(join(dir, 'y.warc.gz')));
});

// --- 2. appending onto damaged WARCs, in place ------------------------------------------

test('-a onto a cut-off, foreign or mis-compressed WARC is refused naming the file and offset; the file is untouched', async () => {
  const dir = await tempDir();
  const site = await pages(join(dir, 'site'), 3);
  await runCli(main, [P, site, '-n', join(dir, 'good'), '-q']);
  await runCli(main, [P, site, '-n', join(dir, 'good'), '-q', '--no-gzip']);
  const gz = await readFile(join(dir, 'good.warc.gz'));
  const plain = await readFile(join(dir, 'good.warc'));
  const cases: Array<[string, Buffer, string[], RegExp]> = [
    ['cut.warc.gz', gz.subarray(0, gz.length - 20), [], /cut\.warc\.gz: its last record, at offset \d+, is cut off/],
    ['cut.warc', plain.subarray(0, plain.length - 20), ['--no-gzip'], /cut\.warc: its last record, at offset \d+, is cut off/],
    ['random.warc.gz', createHash('sha512').update('x').digest(), [], /random\.warc\.gz: not a gzip-compressed WARC file/],
    ['plain-inside.warc.gz', plain, [], /plain-inside\.warc\.gz: it holds an uncompressed WARC/],
    ['gzip-inside.warc', gz, ['--no-gzip'], /gzip-inside\.warc: it holds gzip-compressed data/],
    ['garbage-after.warc.gz', Buffer.concat([gz, Buffer.from('trailing junk')]), [], /garbage-after\.warc\.gz: the 13 bytes from offset \d+ to the end are not a complete WARC record/],
  ];
  for (const [name, bytes, flags, message] of cases) {
    await writeFile(join(dir, name), bytes);
    const r = await runCli(main, [P, site, '-n', join(dir, name), '-a', ...flags]);
    assert.equal(r.code, 2, `${name}: ${r.stderr}`);
    assert.match(r.stderr, message, name);
    assert.match(r.stderr, /nothing was added/);
    assert.ok((await readFile(join(dir, name))).equals(bytes), `${name} untouched`);
  }
  const cutAt = Number(/at offset (\d+)/.exec((await runCli(main, [P, site, '-n', join(dir, 'cut.warc.gz'), '-a'])).stderr)![1]);
  const { records } = await readWarc(join(dir, 'good.warc.gz'), false);
  assert.equal(cutAt, records[records.length - 1]!.offset, 'the offset named is where the cut record starts');
});

test('-a appends in place (same file, no copy); a gzip WARC written as one member is refused, left as it was (warcio cannot index it, nor what would follow)', async () => {
  const dir = await tempDir();
  const site = await pages(join(dir, 'site'), 3);
  await runCli(main, [P, site, '-n', join(dir, 'w'), '-q']);
  const before = await stat(join(dir, 'w.warc.gz'));
  const r = await runCli(main, [P, site, '-n', join(dir, 'w'), '-a']);
  assert.equal(r.code, 0, r.stderr);
  const after = await stat(join(dir, 'w.warc.gz'));
  assert.equal(after.ino, before.ino, 'appended in place');
  assert.equal(await count(join(dir, 'w.warc.gz')), 8);
  // A WARC gzipped as a whole (one member, several records): readers that seek to records stop at it.
  await runCli(main, [P, site, '-n', join(dir, 'whole'), '-q', '--no-gzip']);
  const whole = gzipSync(await readFile(join(dir, 'whole.warc')));
  await writeFile(join(dir, 'whole.warc.gz'), whole);
  const refused = await runCli(main, [P, site, '-n', join(dir, 'whole.warc.gz'), '-a', '-q']);
  assert.equal(refused.code, 2, refused.stderr);
  assert.match(refused.stderr, /holds 4 records, not one: a WARC gzipped whole.*warcio recompress/);
  assert.deepEqual(await readFile(join(dir, 'whole.warc.gz')), whole);
});

test('SIGKILL mid-append: the next run repairs the WARC (truncates to the recorded length) and says so', async () => {
  const dir = await tempDir();
  await pages(join(dir, 'site'), 3);
  await sparse(join(dir, 'big', 'large.bin'), 2 * 1024 ** 3);
  await run(process.execPath, [BIN, P, 'site', '-n', 'w', '-q'], { cwd: dir });
  const original = await readFile(join(dir, 'w.warc.gz'));
  const child = cli([P, 'big', '-n', 'w', '-a', '--gzip-level', '9'], dir);
  await waitFor(async () => (await stat(join(dir, 'w.warc.gz'))).size > original.length, 'the append to start');
  child.kill('SIGKILL');
  await child.done;
  assert.ok((await readdir(dir)).includes('w.warc.gz.appending'), 'the marker survives the kill');
  const next = await runCli(main, [P, join(dir, 'site'), '-n', join(dir, 'w'), '-a']);
  assert.equal(next.code, 0, next.stderr);
  assert.match(next.stderr, /took over the lock left by pid \d+/);
  assert.match(next.stderr, new RegExp(`w\\.warc\\.gz: repaired an append interrupted at .* removed the \\d+ bytes it had added; the file is back to its ${original.length} bytes`));
  assert.ok((await readFile(join(dir, 'w.warc.gz'))).subarray(0, original.length).equals(original));
  assert.equal(await count(join(dir, 'w.warc.gz')), 8);
  assert.deepEqual((await readdir(dir)).sort(), ['big', 'site', 'w.warc.gz']);
});

test('SIGKILL mid-write of a new WARC: the next run on that WARC removes the hidden partial the killed run left, and says so', async () => {
  const dir = await tempDir();
  await pages(join(dir, 'site'), 3);
  await sparse(join(dir, 'big', 'large.bin'), 2 * 1024 ** 3);
  const partials = async (): Promise<string[]> => (await readdir(dir)).filter((n) => n.startsWith('.w.warc.gz.partial-'));
  const child = cli([P, 'big', '-n', 'w', '--gzip-level', '9'], dir);
  await waitFor(async () => (await partials()).length === 1 && (await stat(join(dir, (await partials())[0]!))).size > 0, 'the partial WARC to be written');
  child.kill('SIGKILL');
  await child.done;
  const [left] = await partials();
  assert.match(left!, new RegExp(`^\\.w\\.warc\\.gz\\.partial-${child.pid!}-[0-9a-f]+$`), 'a SIGKILL leaves the partial behind');
  // A partial of a run that still lives (this test's pid) is not touched; nor is another WARC's.
  const live = `.w.warc.gz.partial-${process.pid}-0a1b2c3d`;
  const other = `.v.warc.gz.partial-${child.pid!}-0a1b2c3d`;
  await writeFile(join(dir, live), 'live');
  await writeFile(join(dir, other), 'other');
  const next = await runCli(main, [P, join(dir, 'site'), '-n', join(dir, 'w')]);
  assert.equal(next.code, 0, next.stderr);
  assert.match(next.stderr, /took over the lock left by pid \d+/);
  assert.match(next.stderr, new RegExp(`w\\.warc\\.gz: removed 1 partial file \\(\\d+ bytes\\) left by a run that was killed \\(pid ${child.pid!}\\): \\S*${left!.replace(/\./g, '\\.')}`));
  assert.deepEqual((await readdir(dir)).sort(), [live, other, 'big', 'site', 'w.warc.gz'].sort());
  assert.equal(await count(join(dir, 'w.warc.gz')), 4);
});

// --- 3. a file rewritten during the run --------------------------------------------------

for (const gzip of [true, false]) {
  test(`a file rewritten in place (same size) during the run: digests always match the bytes written (${gzip ? 'gzip' : 'plain'})`, async () => {
    const dir = await tempDir();
    const size = 24 * 1024 * 1024;
    await mkdir(join(dir, 'site'));
    await writeFile(join(dir, 'site', 'moving.bin'), Buffer.alloc(size, 1));
    // Another process keeps rewriting the file in place, same size, different bytes each time.
    const writer = spawn(process.execPath, ['-e', `const fs = require('fs'); const fd = fs.openSync(process.argv[1], 'r+'); let i = 0;
      setInterval(() => { fs.writeSync(fd, Buffer.alloc(${size}, ++i % 250), 0, ${size}, 0); }, 5);`, join(dir, 'site', 'moving.bin')]);
    try {
      for (let round = 0; round < 2; round++) {
        const name = join(dir, `r${round}`);
        const r = await runCli(main, [P, join(dir, 'site'), '-n', name, ...(gzip ? ['--gzip-level', '1'] : ['--no-gzip'])]);
        if (r.code === 0) {
          const { problems } = await readWarc(`${name}.warc${gzip ? '.gz' : ''}`, false);
          assert.deepEqual(problems, [], 'the digest written is the digest of the bytes written');
        } else assert.match(r.stderr, /moving\.bin/);
      }
    } finally {
      writer.kill();
    }
  });
}

// --- 4/5. results files that match no input or point outside ----------------------------

async function converted(dir: string, prefix: string, input: string): Promise<string> {
  await writeFile(join(dir, 'rules.yaml'), "rules:\n  - &copy {name: copy, ext: webm, args: [cp, '{input}', '{output}'], mime: video/webm}\nfile_types:\n  - {ext: .flv, conversion_rules: [*copy]}\n");
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    const r = await runCli(convertMain, [prefix, input, '--rules', 'rules.yaml', '-q']);
    assert.equal(r.code, 0, r.stderr);
  } finally {
    process.chdir(cwd);
  }
  return join(dir, 'conversions', 'warcit-conversion-results.yaml');
}

test('a source changed since it was converted (other bytes, same length): its conversions are not written as conversions of it, named with both sha256s, exit 1; the source itself is archived', async () => {
  const dir = await tempDir();
  await makeSite(join(dir, 'site'), { 'index.html': '<p>x</p>', 'media/a.flv': 'FLV-ish bytes', 'media/b.flv': 'other bytes' });
  const results = await converted(dir, P, 'site/');
  await writeFile(join(dir, 'site', 'media', 'a.flv'), 'FLV-ish BYTES');
  const r = await runCli(main, [P, join(dir, 'site'), '-n', join(dir, 'out'), '--conversions', results]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, new RegExp(`not writing conversion .*a\\.flv\\.webm: its source .*media/a\\.flv changed since it was converted \\(sha256 ${sha256('FLV-ish BYTES')}, recorded ${sha256('FLV-ish bytes')}\\): convert it again`));
  const { records, problems } = await readWarc(join(dir, 'out.warc.gz'));
  assert.deepEqual(problems, []);
  assert.deepEqual(records.filter((x) => x.type === 'conversion').map((x) => x.targetUri), [`${P}media/b.flv.webm`]);
  assert.equal(records.find((x) => x.targetUri === `${P}media/a.flv`)?.payload.toString(), 'FLV-ish BYTES');
});

test('a source changed after its conversions were checked, before it is archived (a large file, read as its record is written): its conversions are not written as conversions of the bytes archived', async () => {
  const dir = await tempDir();
  const original = randomBytes(3 * 1024 * 1024);
  // media/0.html comes just before a.flv, in the same batch of the walk: checked together, written in turn.
  await makeSite(join(dir, 'site'), { 'index.html': '<p>x</p>', 'media/0.html': '<p>0</p>', 'media/a.flv': original, 'media/b.flv': 'other bytes' });
  const results = await converted(dir, P, 'site/');
  const media = join(dir, 'site', 'media', 'a.flv');
  let changed = false;
  const result = await writeWarc({
    urlPrefix: P,
    inputs: [join(dir, 'site')],
    name: join(dir, 'out'),
    conversions: results,
    onEvent: (event) => {
      // a.flv (3 MiB) is read only when its turn comes, after 0.html is written: same length, other bytes.
      if (event.type !== 'record' || event.record.targetUri !== `${P}media/0.html`) return;
      writeFileSync(media, Buffer.from(original).reverse());
      changed = true;
    },
  });
  assert.ok(changed);
  assert.deepEqual(
    result.skippedConversions.map((s) => [s.source, s.url]),
    [[`${P}media/a.flv`, `${P}media/a.flv.webm`]],
  );
  assert.match(result.skippedConversions[0]!.reason, /its source .*media\/a\.flv changed after its conversions were checked: the WARC holds other bytes than those converted/);
  const { records, problems } = await readWarc(join(dir, 'out.warc.gz'));
  assert.deepEqual(problems, []);
  assert.deepEqual(records.filter((x) => x.type === 'conversion').map((x) => x.targetUri), [`${P}media/b.flv.webm`]);
  assert.ok(records.find((x) => x.targetUri === `${P}media/a.flv`)?.payload.equals(Buffer.from(original).reverse()));
});

test('a converted file given another URL by the mapfile (media/a.flv → getvideo.php?id=3): its conversions are written, referring to the record at the mapped URL, not silently dropped', async () => {
  const dir = await tempDir();
  await makeSite(join(dir, 'site'), { 'index.html': '<p>x</p>', 'media/a.flv': 'FLV-ish bytes' });
  const results = await converted(dir, P, 'site/');
  await writeFile(join(dir, 'map.csv'), `file,URL\nmedia/a.flv,${P}getvideo.php?id=3\n`);
  const r = await runCli(main, [P, join(dir, 'site'), '-n', join(dir, 'out'), '--conversions', results, '--mapfile', join(dir, 'map.csv')]);
  assert.equal(r.code, 0, r.stderr);
  const { records, problems } = await readWarc(join(dir, 'out.warc.gz'));
  assert.deepEqual(problems, []);
  const source = records.find((x) => x.targetUri === `${P}getvideo.php?id=3`);
  assert.ok(source, records.map((x) => x.targetUri).join(' '));
  const conversion = records.find((x) => x.type === 'conversion');
  assert.equal(conversion?.targetUri, `${P}media/a.flv.webm`);
  assert.equal(conversion?.header('WARC-Refers-To'), source.header('WARC-Record-ID'));
  assert.equal(conversion?.header('WARC-Refers-To-Target-URI'), `${P}getvideo.php?id=3`);
});

test('a results file written with raw non-ASCII URLs (warcit-converter, or warckit before it escaped them: café.flv): its conversions match the file, now at caf%C3%A9.flv, and are written at escaped URLs', async () => {
  const dir = await tempDir();
  await makeSite(join(dir, 'site'), { 'media/café.flv': 'FLV-ish bytes' });
  await mkdir(join(dir, 'conv', 'site', 'media'), { recursive: true });
  await writeFile(join(dir, 'conv', 'site', 'media', 'café.flv.webm'), 'webm bytes');
  const entry = { url: `${P}media/café.flv.webm`, output: join(dir, 'conv', 'site', 'media', 'café.flv.webm'), metadata: { mime: 'video/webm' }, type: 'conversion', success: true };
  await writeFile(join(dir, 'conv', 'warcit-conversion-results.yaml'), `conversions:\n  ${P}media/café.flv:\n  - ${JSON.stringify(entry)}\n`);
  const r = await runCli(main, [P, join(dir, 'site'), '-n', join(dir, 'out'), '--conversions', join(dir, 'conv', 'warcit-conversion-results.yaml')]);
  assert.equal(r.code, 0, r.stderr);
  const { records, problems } = await readWarc(join(dir, 'out.warc.gz'));
  assert.deepEqual(problems, []);
  assert.deepEqual(records.filter((x) => x.type !== 'warcinfo').map((x) => [x.type, x.targetUri]), [['resource', `${P}media/caf%C3%A9.flv`], ['conversion', `${P}media/caf%C3%A9.flv.webm`]]);
  assert.equal(records.find((x) => x.type === 'conversion')?.header('WARC-Refers-To-Target-URI'), `${P}media/caf%C3%A9.flv`);
});

test('conversions whose source matches no input are reported by name with the cause, exit 1 unless ignored', async () => {
  const dir = await tempDir();
  await makeSite(join(dir, 'site'), { 'index.html': '<p>x</p>', 'media/a.flv': 'FLV-ish bytes' });
  const results = await converted(dir, 'http://www.example.com/', 'site/');
  const prefix = await runCli(main, ['http://example.com/', join(dir, 'site'), '-n', join(dir, 'a'), '--conversions', results]);
  assert.equal(prefix.code, 1, prefix.stderr);
  assert.match(prefix.stderr, /conversions of http:\/\/www\.example\.com\/media\/a\.flv not written, it matches no input: the URL prefix differs: the results file has http:\/\/www\.example\.com\/, the inputs give http:\/\/example\.com\//);
  assert.match(prefix.stderr, /1 results entry matched no input/);
  const root = await runCli(main, ['http://www.example.com/', dir, '-n', join(dir, 'b'), '--conversions', results, '--exclude', '*.warc.gz']);
  assert.equal(root.code, 1, root.stderr);
  assert.match(root.stderr, /media\/a\.flv not written, it matches no input: the input root differs: the results file has it under http:\/\/www\.example\.com\/, the inputs give http:\/\/www\.example\.com\/site\/media\/a\.flv/);
  const ignored = await runCli(main, ['http://example.com/', join(dir, 'site'), '-n', join(dir, 'c'), '--conversions', results, '--ignore-unmatched-conversions']);
  assert.equal(ignored.code, 0, ignored.stderr);
  assert.match(ignored.stderr, /matched no input.*ignored/);
  const same = await runCli(main, ['http://www.example.com/', join(dir, 'site'), '-n', join(dir, 'd'), '--conversions', results]);
  assert.equal(same.code, 0, same.stderr);
  assert.ok((await readWarc(join(dir, 'd.warc.gz'))).records.some((r) => r.type === 'conversion' || r.targetUri === 'http://www.example.com/media/a.flv.webm'));
});

test('results entries pointing outside their directory (/etc/passwd, ../ with a matching sha256, a link out) are refused, per entry, exit 1', async () => {
  const dir = await tempDir();
  await makeSite(join(dir, 'site'), { 'media/a.flv': 'FLV-ish bytes' });
  await mkdir(join(dir, 'results', 'conv'), { recursive: true });
  const secret = 'secret: do not archive\n';
  await writeFile(join(dir, 'secret.txt'), secret);
  await writeFile(join(dir, 'results', 'conv', 'ok.webm'), 'webm bytes');
  await symlink(join(dir, 'secret.txt'), join(dir, 'results', 'conv', 'link.webm'));
  const escape = relative(process.cwd(), join(dir, 'secret.txt')); // relative to the working directory, as warcit reads it
  const entry = (ext: string, output: string, digest?: string): string =>
    `  - {url: '${P}media/a.flv.${ext}', output: '${output}', metadata: {name: ${ext}, ext: ${ext}}, type: conversion, success: true${digest ? `, output_sha256: '${digest}'` : ''}}\n`;
  await writeFile(
    join(dir, 'results', 'warcit-conversion-results.yaml'),
    `conversions:\n  ${P}media/a.flv:\n` + entry('passwd', '/etc/passwd') + entry('shadow', escape, sha256(secret)) + entry('link', join(dir, 'results', 'conv', 'link.webm')) + entry('webm', join(dir, 'results', 'conv', 'ok.webm')),
  );
  const results = join(dir, 'results', 'warcit-conversion-results.yaml');
  const r = await runCli(main, [P, join(dir, 'site'), '-n', join(dir, 'out'), '--conversions', results]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /refusing conversion \/etc\/passwd: outside .*results, the directory the results file speaks for/);
  assert.match(r.stderr, new RegExp(`refusing conversion ${escape.replace(/[.]/g, '\\.')}: outside`));
  assert.match(r.stderr, /refusing conversion .*link\.webm: outside .* \(through a link: .*secret\.txt\)/);
  assert.match(r.stderr, /3 conversion\(s\) refused/);
  const { records } = await readWarc(join(dir, 'out.warc.gz'));
  assert.deepEqual(records.filter((x) => x.type === 'conversion').map((x) => x.targetUri), [`${P}media/a.flv.webm`]);
  assert.ok(!records.some((x) => x.payload.includes('root:') || x.payload.includes('secret')), 'no refused file archived');
  // An explicit --conversions-dir allows it.
  const allowed = await runCli(main, [P, join(dir, 'site'), '-n', join(dir, 'out2'), '--conversions', results, '--conversions-dir', dir]);
  assert.match(allowed.stderr, /1 conversion\(s\) refused/, 'only /etc/passwd is still outside');
});

// --- 6. symlinked outputs, `warckit .`, -a -o -----------------------------------------------

test('-a/-o on a WARC that is a symbolic link is refused; the real file is untouched', async () => {
  const dir = await tempDir();
  const site = await pages(join(dir, 'site'), 2);
  await runCli(main, [P, site, '-n', join(dir, 'real'), '-q']);
  const before = await readFile(join(dir, 'real.warc.gz'));
  await symlink(join(dir, 'real.warc.gz'), join(dir, 'link.warc.gz'));
  for (const flag of ['-a', '-o']) {
    const r = await runCli(main, [P, site, '-n', join(dir, 'link'), flag]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /link\.warc\.gz is a symbolic link \(to .*real\.warc\.gz\): refusing to write through it; give the real path instead/);
  }
  assert.ok((await readFile(join(dir, 'real.warc.gz'))).equals(before));
});

test('`warckit . -o` and `warckit . -a` never put the previous WARC (or its temp, lock, marker) into the new one', async () => {
  const dir = await tempDir();
  await pages(dir, 3);
  await run(process.execPath, [BIN, P, '.', '-n', 'self', '-q'], { cwd: dir });
  await writeFile(join(dir, 'self.warc.gz.appending.123'), 'left over');
  for (const flag of ['-o', '-a']) {
    const { stderr } = await run(process.execPath, [BIN, P, '.', '-n', 'self', flag], { cwd: dir });
    assert.match(stderr, /leaving out .*self\.warc\.gz: it is the WARC this run writes \(self\.warc\.gz\)/);
    const { records } = await readWarc(join(dir, 'self.warc.gz'), false);
    assert.ok(!records.some((r) => /self\.warc/.test(r.targetUri ?? '')), `${flag}: ${records.map((r) => r.targetUri).join(' ')}`);
  }
});

test('-a -o together append, as warcit does, and say so', async () => {
  const dir = await tempDir();
  const site = await pages(join(dir, 'site'), 2);
  await runCli(main, [P, site, '-n', join(dir, 'w'), '-q']);
  const r = await runCli(main, [P, site, '-n', join(dir, 'w'), '-a', '-o']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /both -a\/--append and -o\/--overwrite given: appending, as warcit does/);
  assert.equal(await count(join(dir, 'w.warc.gz')), 6);
});

// --- 7. errors name the file; --log; signals ---------------------------------------------

const mounts = scratchMountsAvailable();

test('disk full names the WARC; a full TMPDIR is not a read error; nothing is left behind', { skip: mounts ? false : 'no user/mount namespaces (unshare -rm)' }, async () => {
  const dir = await tempDir();
  const mnt = join(dir, 'mnt');
  const r = runOnScratchMount({
    mountPoint: mnt,
    sizeKb: 1024,
    files: { 'site/big.bin': 600 * 1024, 'site/a.html': '<p>a</p>' },
    leaveFreeKb: 200,
    argv: [process.execPath, BIN, P, 'site', '-n', 'out', '--gzip-level', '0'],
    cwd: mnt,
    env: { TMPDIR: mnt },
  });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /out\.warc\.gz: cannot write: no space left on device/);
  assert.doesNotMatch(r.stderr, /cannot read/);
  assert.deepEqual(r.after, ['filler', 'site']);
});

test('a read-only output directory says read-only, also for -a and for a --log in a new subdirectory (not ENOENT)', { skip: mounts ? false : 'no user/mount namespaces (unshare -rm)' }, async () => {
  const dir = await tempDir();
  const site = await pages(join(dir, 'site'), 2);
  const mnt = join(dir, 'ro');
  const cases: Array<[string[], RegExp]> = [
    [['-n', join(mnt, 'out')], /cannot write .*ro\/out\.warc\.gz: read-only file system/],
    [['-n', join(mnt, 'old'), '-a'], /cannot (write|append to) .*ro\/old\.warc\.gz: read-only file system/],
    [['-n', join(dir, 'w'), '--log', join(mnt, 'sub', 'log.csv')], /the WARC .*w\.warc\.gz was written, but the log was not: cannot write .*ro\/sub\/log\.csv: read-only file system/],
  ];
  for (const [args, message] of cases) {
    const r = runOnScratchMount({ mountPoint: mnt, sizeKb: 256, files: { 'old.warc.gz': '' }, readOnly: true, argv: [process.execPath, BIN, P, site, ...args], cwd: dir });
    assert.match(r.stderr, message);
    assert.doesNotMatch(r.stderr, /ENOENT|no such/);
    assert.equal(r.code, args.includes('--log') ? 1 : 2);
  }
});

test('--log failing after the WARC was written: the WARC is there, the message says so, exit 1 (not 2)', async () => {
  const dir = await tempDir();
  const site = await pages(join(dir, 'site'), 2);
  await writeFile(join(dir, 'afile'), '');
  const r = await runCli(main, [P, site, '-n', join(dir, 'w'), '--log', join(dir, 'afile', 'log.csv')]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /the WARC .*w\.warc\.gz was written, but the log was not: cannot write .*afile\/log\.csv/);
  assert.equal(await count(join(dir, 'w.warc.gz')), 3);
});

test('--log naming a file of the run (the WARC, a part, its index or lock, the mapfile, results, manifest, a conversion output): exit 2 naming it, the file untouched, nothing written', async () => {
  const dir = await tempDir();
  await makeSite(join(dir, 'site'), { 'index.html': '<p>x</p>', 'media/a.flv': 'FLV-ish bytes' });
  const results = await converted(dir, P, 'site/');
  const at = (name: string): string => join(dir, name);
  await writeFile(at('map.csv'), 'file,URL\nindex.html,http://www.example.com/home.html\n');
  await writeFile(at('tc.yaml'), `transclusions:\n  ${P}media/a.flv:\n    - url: ${P}index.html\n      timestamp: '20090101000000'\n      selector: object\n`);
  await run(process.execPath, [BIN, P, 'site', '-n', 'old', '-q'], { cwd: dir });
  const output = join(dir, 'conversions', 'site', 'media', 'a.flv.webm');
  const cases: Array<[string[], string, RegExp]> = [
    [['-n', at('new')], at('new.warc.gz'), /new\.warc\.gz is the WARC this run writes/],
    [['-n', at('old'), '-o'], at('old.warc.gz'), /old\.warc\.gz is the WARC this run writes/],
    [['-n', at('old'), '-a'], at('old.warc.gz'), /old\.warc\.gz is the WARC this run writes/],
    [['-n', at('new'), '--max-size', '1000'], at('new-00001.warc.gz'), /new-00001\.warc\.gz is a part of the WARC this run writes/],
    [['-n', at('new'), '--cdxj'], at('new.warc.gz.cdxj'), /new\.warc\.gz\.cdxj is the index of the WARC this run writes/],
    [['-n', at('new')], at('new.warc.gz.lock'), /new\.warc\.gz\.lock is kept beside the WARC this run writes/],
    [['-n', at('new'), '--mapfile', at('map.csv')], at('map.csv'), /map\.csv is the mapfile of this run/],
    [['-n', at('new'), '--conversions', results], results, /warcit-conversion-results\.yaml is the results file of this run's conversions/],
    [['-n', at('new'), '--transclusions', at('tc.yaml')], at('tc.yaml'), /tc\.yaml is the transclusion manifest of this run/],
    [['-n', at('new'), '--conversions', results], output, /a\.flv\.webm is a file of this run's conversions/],
  ];
  for (const [args, log, message] of cases) {
    const before = await readFile(log).catch(() => undefined);
    const r = await runCli(main, [P, at('site'), ...args, '--log', log]);
    assert.equal(r.code, 2, `--log ${log}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.match(r.stderr, /give the log another path/);
    assert.deepEqual(await readFile(log).catch(() => undefined), before, `${log} untouched`);
    assert.deepEqual((await readdir(dir)).filter((n) => /^\.?new/.test(n)), [], `nothing written with --log ${log}`);
  }
  assert.equal(await count(at('old.warc.gz')), 4);
});

test('--log naming an input file through a symbolic link (lnk -> .: lnk/site/p0.html), or an input given through one: exit 2, the file untouched', async () => {
  const dir = await tempDir();
  await pages(join(dir, 'site'), 2);
  await symlink('.', join(dir, 'lnk'));
  const before = await readFile(join(dir, 'site', 'p0.html'));
  for (const [input, log] of [[join(dir, 'site'), join(dir, 'lnk', 'site', 'p0.html')], [join(dir, 'lnk', 'site'), join(dir, 'site', 'p0.html')]]) {
    const r = await runCli(main, [P, input!, '-n', join(dir, 'w'), '--log', log!]);
    assert.equal(r.code, 2, `${input} --log ${log}: ${r.stderr}`);
    assert.match(r.stderr, /is one of the files to archive/);
    assert.deepEqual(await readFile(join(dir, 'site', 'p0.html')), before);
  }
});

for (const [signal, mode] of [['SIGINT', 'append'], ['SIGTERM', 'create']] as const) {
  test(`${signal} during a large ${mode} ends the run within a second and leaves the existing WARC as it was`, async () => {
    const dir = await tempDir();
    await pages(join(dir, 'site'), 2);
    await sparse(join(dir, 'big', 'large.bin'), 3 * 1024 ** 3);
    if (mode === 'append') await run(process.execPath, [BIN, P, 'site', '-n', 'w', '-q'], { cwd: dir });
    const before = mode === 'append' ? await readFile(join(dir, 'w.warc.gz')) : undefined;
    const child = cli([P, 'big', '-n', 'w', '--gzip-level', '9', ...(mode === 'append' ? ['-a'] : [])], dir);
    await waitFor(async () => {
      const names = await readdir(dir);
      return names.some((n) => n.includes('.partial-')) || (mode === 'append' && (await stat(join(dir, 'w.warc.gz'))).size > before!.length);
    }, 'the write to start');
    const sent = Date.now();
    child.kill(signal);
    const { code, stderr } = await child.done;
    assert.ok(Date.now() - sent < 1000, `ended ${Date.now() - sent} ms after ${signal}`);
    assert.equal(code, 130, stderr);
    assert.match(stderr, mode === 'append' ? /interrupted; nothing appended, the WARC is as it was/ : /interrupted; no WARC written/);
    if (before) assert.ok((await readFile(join(dir, 'w.warc.gz'))).equals(before), 'byte for byte as before');
    assert.deepEqual((await readdir(dir)).sort(), mode === 'append' ? ['big', 'site', 'w.warc.gz'] : ['big', 'site']);
  });
}

test('-o over a damaged WARC replaces it whole (no tail check needed)', async () => {
  const dir = await tempDir();
  const site = await pages(join(dir, 'site'), 2);
  await runCli(main, [P, site, '-n', join(dir, 'w'), '-q']);
  await appendFile(join(dir, 'w.warc.gz'), 'junk at the end');
  const r = await runCli(main, [P, site, '-n', join(dir, 'w'), '-o', '-q']);
  assert.equal(r.code, 0);
  assert.equal(await count(join(dir, 'w.warc.gz')), 3);
});

test('stderr on a pipe its reader closes (2>&1 | head -c1): the run goes on, the WARC is written and whole, exit 0, nothing left beside it', async () => {
  const dir = await tempDir();
  await pages(join(dir, 'site'), 300);
  const child = spawn(process.execPath, [BIN, P, 'site', '-n', 'w', '-v'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr!.once('data', () => child.stderr!.destroy()); // the reader goes away after its first byte
  const code = await new Promise<number | null>((done) => child.on('exit', done));
  assert.equal(code, 0);
  assert.equal(await count(join(dir, 'w.warc.gz')), 301);
  assert.deepEqual((await readdir(dir)).sort(), ['site', 'w.warc.gz']);
});
