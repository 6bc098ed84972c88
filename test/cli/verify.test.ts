/**
 * warckit-verify on WARCs written by warckit from warckit-convert's results: archived, missing,
 * failed (not media, not lossless), changed (a byte flipped in the WARC), and a WARC whose last
 * gzip member is cut off.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { tmpdir } from 'node:os';
import { main as verify } from '../../src/cli/verify.js';
import { main as warckit } from '../../src/cli/warckit.js';
import { convertMedia } from '../../src/convert/convert.js';
import { makeClip } from '../convert/clips.js';
import { runCli } from '../helpers/cli.js';
import { flipperRules } from '../helpers/flipper.js';
import { tempDir } from '../helpers/tmp.js';
import { readWarc } from '../helpers/warc-check.js';

const P = 'http://www.example.com/';
let dir: string;
let site: string;
let results: string;

interface Row {
  status: string;
  kind: string;
  name: string;
  detail: string;
}

async function report(args: string[]): Promise<{ code: number; rows: Row[]; problems: Array<{ offset: number; problem: string }>; stdout: string }> {
  const { code, stdout, stderr } = await runCli(verify, [...args, '--json']);
  assert.ok(stdout, stderr);
  const doc = JSON.parse(stdout) as { items: Row[]; problems: Array<{ offset: number; problem: string }> };
  return { code, rows: doc.items, problems: doc.problems, stdout };
}

const status = (rows: Row[], name: string, kind = 'source'): string | undefined => rows.find((r) => r.name === name && r.kind === kind)?.status;

after(() => rm(dir, { recursive: true, force: true }));

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'warckit-verify-test-'));
  site = join(dir, 'site');
  await makeClip(join(site, 'a.mp4'), 'av', 'mp4');
  await makeClip(join(site, 'b.wav'), 'audio', 'wav');
  await writeFile(join(site, 'notes.flv'), 'not a film\n');
  const converted = await convertMedia({ urlPrefix: P, inputs: [site], outputDir: join(dir, 'conversions'), jobs: 2 });
  results = converted.resultsFile!;
});

test('everything written is archived; a source that is not media is reported failed with its reason; table and JSON', async () => {
  const warc = join(dir, 'all.warc.gz');
  assert.equal((await runCli(warckit, [P, site, '-n', warc, '--conversions', results])).code, 0);
  const { code, rows, problems } = await report([warc, '--conversions', results]);
  assert.equal(code, 1, 'not media is not archived');
  assert.deepEqual(problems, []);
  assert.deepEqual(
    rows.map((r) => `${r.status} ${r.kind} ${r.name.slice(P.length)}`).sort(),
    [
      'archived source a.mp4',
      'archived conversion a.mp4.png',
      'archived conversion a.mp4.mp4',
      'archived source b.wav',
      'archived conversion b.wav.webm',
      'archived conversion b.wav.mp3',
      'archived conversion b.wav.flac',
      'archived source notes.flv',
      'failed conversion notes.flv',
    ].sort(),
  );
  assert.match(rows.find((r) => r.status === 'failed')!.detail, /^not media: ffprobe cannot read it/);
  assert.match(rows.find((r) => r.kind === 'source')!.detail, /^resource record in .*all\.warc\.gz at offset \d+, sha256 as recorded$/);
  const table = await runCli(verify, [warc, '--conversions', results]);
  assert.match(table.stdout, /^STATUS {4}KIND {8}WHAT/m);
  assert.match(table.stdout, /^failed {4}conversion {2}http:\/\/www\.example\.com\/notes\.flv +not media/m);
  assert.match(table.stdout, /\d+ record\(s\) read from 1 WARC\(s\); 8 archived, 0 missing, 0 changed, 1 failed; 0 problem\(s\) in the WARCs/);
  // without a results file: every record's digests, exit 0
  assert.equal((await runCli(verify, [warc])).code, 0);
});

test('a source left out of the WARC is missing, with its conversions', async () => {
  const warc = join(dir, 'some.warc.gz');
  assert.equal((await runCli(warckit, [P, site, '-n', warc, '--conversions', results, '--exclude', '*.wav', '--ignore-unmatched-conversions'])).code, 0);
  const { code, rows } = await report([warc, '--conversions', results]);
  assert.equal(code, 1);
  assert.deepEqual(rows.filter((r) => r.name.startsWith(`${P}b.wav`)).map((r) => r.status), ['missing', 'missing', 'missing', 'missing']);
  assert.equal(status(rows, `${P}a.mp4`), 'archived');
});

test('a byte flipped inside a conversion record is changed (its digest fails), and the WARC is damaged: exit 3', async () => {
  const warc = join(dir, 'flipped.warc');
  assert.equal((await runCli(warckit, [P, site, '-n', warc, '--conversions', results, '--no-gzip'])).code, 0);
  const { records } = await readWarc(warc, false);
  const mp3 = records.find((r) => r.targetUri === `${P}b.wav.mp3`)!;
  const next = records[records.indexOf(mp3) + 1]!;
  const bytes = await readFile(warc);
  const at = next.offset - 100; // inside the mp3's payload, before its record ends
  bytes[at] = bytes[at]! ^ 0x55;
  await writeFile(warc, bytes);
  const { code, rows, problems } = await report([warc, '--conversions', results]);
  assert.equal(code, 3);
  const row = rows.find((r) => r.name === `${P}b.wav.mp3`)!;
  assert.equal(row.status, 'changed');
  assert.match(row.detail, /WARC-Block-Digest does not match \(damaged\)/);
  assert.ok(problems.some((p) => p.offset === mp3.offset && /b\.wav\.mp3: WARC-Block-Digest does not match/.test(p.problem)));
  assert.equal(status(rows, `${P}a.mp4`), 'archived', 'the rest still reads');
});

test('a WARC whose last gzip member is cut off is damaged, and what it held is missing', async () => {
  const warc = join(dir, 'cut.warc.gz');
  assert.equal((await runCli(warckit, [P, site, '-n', warc, '--conversions', results])).code, 0);
  await truncate(warc, (await stat(warc)).size - 20);
  const { code, rows, problems } = await report([warc, '--conversions', results]);
  assert.equal(code, 3);
  assert.equal(problems.length, 1);
  assert.match(problems[0]!.problem, /cut off|cannot read a record here/);
  assert.equal(status(rows, `${P}notes.flv`), 'missing', 'the last record (notes.flv) was in the cut member');
  assert.equal(status(rows, `${P}b.wav`), 'archived');
});

test('an output that fails verify: lossless is failed in warckit-verify, with the reason', async () => {
  const local = await tempDir();
  await makeClip(join(local, 'site', 'raw.avi'), 'video', 'avi');
  const rules = await flipperRules(local);
  const r = await convertMedia({ urlPrefix: P, inputs: [join(local, 'site')], outputDir: join(local, 'out'), rules, jobs: 1 });
  const warc = join(local, 'x.warc.gz');
  assert.equal((await runCli(warckit, [P, join(local, 'site'), '-n', warc, '--conversions', r.resultsFile!])).code, 0);
  const { code, rows } = await report([warc, '--conversions', r.resultsFile!]);
  assert.equal(code, 1);
  const row = rows.find((x) => x.kind === 'conversion')!;
  assert.equal(row.status, 'failed');
  assert.match(row.detail, /^not lossless: /);
});

test('with a fixity manifest: files found by digest are archived, by name with other bytes changed, others missing', async () => {
  const local = await tempDir();
  const s = join(local, 'site');
  await makeClip(join(s, 'a.wav'), 'audio', 'wav');
  await makeClip(join(s, 'b.wav'), 'audio', 'wav', 2);
  const out = join(local, 'out');
  const { main: convert } = await import('../../src/cli/convert.js');
  assert.equal((await runCli(convert, [P, s, '--output-dir', out, '--manifest'])).code, 0);
  const warc = join(local, 'm.warc.gz');
  await writeFile(join(s, 'b.wav'), 'rewritten after the manifest');
  assert.equal((await runCli(warckit, [P, s, '-n', warc, '--conversions', join(out, 'warcit-conversion-results.yaml'), '--exclude', '*b.wav', '--ignore-unmatched-conversions'])).code, 0);
  const { code, rows } = await report([warc, '--manifest', join(out, 'manifest.sha256')]);
  assert.equal(code, 1);
  const byName = new Map(rows.map((r) => [r.name.slice(local.length), r.status]));
  assert.equal(byName.get('/site/a.wav'), 'archived');
  assert.equal(byName.get('/site/b.wav'), 'missing');
  assert.equal([...byName.values()].filter((v) => v === 'archived').length, 4, 'a.wav and its three outputs');
});

test('two records with one WARC-Record-ID (in one WARC or across two; the ID must be unique): each later one is reported with where the first is, exit 3; one WARC given twice is read once', async () => {
  const dir = await tempDir();
  const { makeSite } = await import('../helpers/site.js');
  await makeSite(join(dir, 'site'), { 'a.html': '<p>a</p>', 'b.html': '<p>b</p>' });
  const fixed = ['--fixed-dt', '20100101000000'];
  const a = await runCli(warckit, [P, join(dir, 'site'), '-n', join(dir, 'a'), '--no-gzip', '-q', ...fixed]);
  assert.equal(a.code, 0, a.stderr);
  const text = await readFile(join(dir, 'a.warc'), 'latin1');
  const ids = [...text.matchAll(/WARC-Record-ID: (<[^>]+>)/g)].map((m) => m[1]!);
  // The second resource record gets the first one's ID (same length: the record stays well-formed).
  await writeFile(join(dir, 'dup.warc'), text.replace(ids[2]!, ids[1]!), 'latin1');
  const one = await runCli(verify, [join(dir, 'dup.warc')]);
  assert.equal(one.code, 3, one.stdout + one.stderr);
  assert.match(one.stdout + one.stderr, new RegExp(`WARC-Record-ID ${ids[1]!.replace(/[<>]/g, '.')} is also that of the record at offset \\d+ of .*dup\\.warc`));
  const twice = await runCli(verify, [join(dir, 'a.warc'), join(dir, 'a.warc')]);
  assert.equal(twice.code, 0, twice.stdout + twice.stderr);
});
