/**
 * Preservation features tried as a hostile user would (issue 10): files that only look like
 * media, outputs corrupted behind the converter's back, characterization and manifests that
 * point elsewhere or at special files, WARCs cut off or padded with garbage. Each case says
 * what was tried and what must hold; real ffmpeg, real files.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFile, mkdir, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import { main as convert } from '../../src/cli/convert.js';
import { main as replay } from '../../src/cli/replay.js';
import { main as verify } from '../../src/cli/verify.js';
import { main as warckit } from '../../src/cli/warckit.js';
import { convertMedia } from '../../src/convert/convert.js';
import { readConversionResults } from '../../src/convert/results.js';
import { walkWarcRecords } from '../../src/warc/record-scan.js';
import { writeFileAtomic } from '../../src/util/atomic.js';
import { makeClip, mediaTools } from '../convert/clips.js';
import { runCli } from '../helpers/cli.js';
import { flipperRules } from '../helpers/flipper.js';
import { tempDir } from '../helpers/tmp.js';
import { readWarc } from '../helpers/warc-check.js';

const P = 'http://www.example.com/';

test('files named as media that are not (text .flv, empty .mp4, noise .avi): one "not media" result each, no ffmpeg run, exit 1', async () => {
  const dir = await tempDir();
  const site = join(dir, 'site');
  await mkdir(site);
  await writeFile(join(site, 'notes.flv'), 'Director: unknown\n');
  await writeFile(join(site, 'empty.mp4'), '');
  await writeFile(join(site, 'noise.avi'), Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919) % 251)));
  const log = join(dir, 'ffmpeg.log');
  const rules = join(dir, 'rules.yaml');
  // the default rules' file types, with every command's output logged: no ffmpeg may run at all
  await writeFile(rules, (await readFile('rules/default-conversion-rules.yaml', 'utf8')).replace('output_dir: ./conversions', `convert_stdout: ${log}`));
  const { code, stderr } = await runCli(convert, [P, site, '--output-dir', join(dir, 'out'), '--rules', rules]);
  assert.equal(code, 1);
  assert.match(stderr, /0 converted, 0 skipped \(up to date\), 0 failed, 3 not media, 3 file\(s\)/);
  assert.equal(await readFile(log, 'utf8'), '', 'no command ran');
  const results = await readConversionResults(join(dir, 'out', 'warcit-conversion-results.yaml'));
  for (const name of ['notes.flv', 'empty.mp4', 'noise.avi']) {
    const list = results.conversions[`${P}${name}`]!;
    assert.deepEqual(list.map((r) => [r.type, r.success]), [['not-media', false]], name);
  }
});

test('a placeholder the source cannot fill ({width} of audio alone): that conversion fails saying so, nothing runs', async () => {
  const dir = await tempDir();
  await makeClip(join(dir, 'site', 'tone.wav'), 'audio', 'wav');
  const rules = join(dir, 'rules.yaml');
  await writeFile(rules, "file_types:\n  - {ext: .wav, conversion_rules: [{name: sized, ext: png, command: 'ffmpeg -y -i {input} -s {width}x{height} {output}'}]}\n");
  const r = await convertMedia({ urlPrefix: P, inputs: [join(dir, 'site')], outputDir: join(dir, 'out'), rules });
  assert.equal(r.failed, 1);
  assert.match(r.failures[0]!.message, /sized failed \(cannot fill \{width\}: the source has no video stream\)/);
  assert.deepEqual(r.failures[0]!.argv, []);
});

test('an output corrupted between encode and proof (one byte flipped): verify: lossless fails it, keeps it as .not-lossless, warckit-verify says failed', async () => {
  const dir = await tempDir();
  await makeClip(join(dir, 'site', 'raw.avi'), 'video', 'avi');
  const r = await convertMedia({ urlPrefix: P, inputs: [join(dir, 'site')], outputDir: join(dir, 'out'), rules: await flipperRules(dir), jobs: 1 });
  assert.equal(r.failed, 1);
  const entry = (await readConversionResults(r.resultsFile!)).conversions[`${P}raw.avi`]![0]!;
  await assert.rejects(stat(entry.output));
  assert.ok((await stat(String(entry.kept_as))).isFile());
  const warc = join(dir, 'x.warc.gz');
  assert.equal((await runCli(warckit, [P, join(dir, 'site'), '-n', warc, '--conversions', r.resultsFile!])).code, 0);
  const v = await runCli(verify, [warc, '--conversions', r.resultsFile!]);
  assert.equal(v.code, 1);
  assert.match(v.stdout, /^failed +conversion +http:\/\/www\.example\.com\/raw\.avi\.mkv +not lossless: /m);
});

test('results naming characterization outside the conversions dir (/etc/passwd), or a FIFO: refused or reported unread, the WARC still written, exit 1', async () => {
  const dir = await tempDir();
  const site = join(dir, 'site');
  await makeClip(join(site, 'a.mp4'), 'av', 'mp4');
  await makeClip(join(site, 'b.mp4'), 'av', 'mp4', 2);
  const r = await convertMedia({ urlPrefix: P, inputs: [site], outputDir: join(dir, 'out'), jobs: 2 });
  const fifo = join(dir, 'out', 'pipe.json');
  execFileSync('mkfifo', [fifo]);
  const text = (await readFile(r.resultsFile!, 'utf8')).split('\n');
  let seen = 0;
  const edited = text.map((line) => (line.includes('characterization:') ? line.replace(/characterization: .*/, `characterization: ${seen++ < 2 ? '/etc/passwd' : fifo}`) : line));
  await writeFileAtomic(r.resultsFile!, edited.join('\n'));
  const warc = join(dir, 'x.warc.gz');
  const started = Date.now();
  const { code, stderr } = await runCli(warckit, [P, site, '-n', warc, '--conversions', r.resultsFile!, '--characterize']);
  assert.equal(code, 1, stderr);
  assert.match(stderr, /2 source\(s\) archived without their characterization records/);
  assert.ok(Date.now() - started < 20_000, 'no hang on the FIFO');
  assert.match(stderr, /refusing characterization \/etc\/passwd of http:\/\/www\.example\.com\/a\.mp4: outside/);
  assert.match(stderr, /characterization .*pipe\.json of http:\/\/www\.example\.com\/b\.mp4 is missing or not a warckit characterization/);
  const { records } = await readWarc(warc, false);
  assert.equal(records.filter((x) => x.type === 'metadata').length, 0);
});

test('a hand-edited sidecar (not JSON, or lying about the source): the next run probes again and rewrites it', async () => {
  const dir = await tempDir();
  const site = join(dir, 'site');
  await makeClip(join(site, 'a.mp4'), 'audio', 'mp4');
  const out = join(dir, 'out');
  const first = await convertMedia({ urlPrefix: P, inputs: [site], outputDir: out, jobs: 2 });
  const entry = (await readConversionResults(first.resultsFile!)).conversions[`${P}a.mp4`]![0]!;
  const sidecar = String(entry.characterization);
  await writeFile(sidecar, '{"warckit_characterization": 1, "source": {"sha256": "' + String(entry.source_sha256) + '", "ffprobe": {"streams": "lies"}}, "outputs": {}}');
  const again = await convertMedia({ urlPrefix: P, inputs: [site], outputDir: out, jobs: 2 });
  assert.equal(again.failed + again.notMedia, 0);
  assert.deepEqual(again.conversions.map((c) => c.rule).sort(), ['flac', 'mp3', 'webm_audio'], 'still audio alone: probed again');
  const rewritten = JSON.parse(await readFile(sidecar, 'utf8')) as { source: { ffprobe: { streams: unknown[] } } };
  assert.ok(Array.isArray(rewritten.source.ffprobe.streams));
  await writeFile(sidecar, 'not json at all');
  const third = await convertMedia({ urlPrefix: P, inputs: [site], outputDir: out, jobs: 2 });
  assert.equal(third.skipped, 3);
});

test('a fixity manifest listing a FIFO, /dev/zero and ../../etc/passwd: reported (missing: not a regular file, changed), never a hang', async () => {
  const dir = await tempDir();
  const site = join(dir, 'site');
  await makeClip(join(site, 'a.wav'), 'audio', 'wav');
  const out = join(dir, 'out');
  assert.equal((await runCli(convert, [P, site, '--output-dir', out, '--manifest'])).code, 0);
  execFileSync('mkfifo', [join(out, 'pipe')]);
  await appendFile(join(out, 'manifest.md5'), `${'0'.repeat(32)}  pipe\n${'0'.repeat(32)}  /dev/zero\n${'0'.repeat(32)}  ../../../../../../etc/passwd\n`);
  const started = Date.now();
  const { code, stderr } = await runCli(convert, [P, site, '--output-dir', out, '--manifest', '-q']);
  assert.ok(Date.now() - started < 20_000);
  assert.equal(code, 1);
  assert.match(stderr, /fixity: .*\/pipe: missing/);
  assert.match(stderr, /fixity: \/dev\/zero: missing/);
  assert.match(stderr, /fixity: \/etc\/passwd: md5 is/);
});

/**
 * A WARC of `n` small pages that compress (so each record is a deflated gzip member), and where
 * each record is; with `images`, every third file is 10 KB of random bytes (a stored member).
 */
async function textWarc(dir: string, n: number, gzip = true, images = false): Promise<{ warc: string; records: Array<{ offset: number; length: number; uri: string | null | undefined }> }> {
  const site = join(dir, 'site');
  await mkdir(site, { recursive: true });
  for (let i = 0; i < n; i++) {
    const name = `p${String(i).padStart(3, '0')}`;
    if (images && i % 3 === 2) await writeFile(join(site, `${name}.jpg`), randomBytes(10_000));
    else await writeFile(join(site, `${name}.html`), `<p>${`page ${i} of the site, with words that repeat. `.repeat(40)}</p>\n`);
  }
  const warc = join(dir, gzip ? 'x.warc.gz' : 'x.warc');
  assert.equal((await runCli(warckit, [P, site, '-n', join(dir, 'x'), ...(gzip ? [] : ['--no-gzip'])])).code, 0);
  const records: Array<{ offset: number; length: number; uri: string | null | undefined }> = [];
  for await (const r of walkWarcRecords(warc, gzip, [], async (record) => ({ complete: true, value: await record.readFully(false) }))) records.push({ offset: r.offset, length: r.length, uri: r.record.warcTargetURI });
  assert.equal(records.length, n + 1);
  return { warc, records };
}

test('a WARC cut off inside a record, in its head or its block (plain, or gzip as one member): index and verify report it, never hang', { timeout: 60_000 }, async () => {
  const dir = await tempDir();
  const { warc: plain, records } = await textWarc(join(dir, 'plain'), 40, false);
  const whole = await readFile(plain);
  const start = records[20]!.offset;
  const headEnd = whole.indexOf('\r\n\r\n', start) + 4;
  for (const [where, cutAt] of [['head', start + 10], ['head', headEnd - 30], ['block', headEnd + 100]] as const) {
    const cut = join(dir, `cut-${cutAt}.warc`);
    await writeFile(cut, whole.subarray(0, cutAt));
    const single = join(dir, `cut-${cutAt}.warc.gz`);
    await writeFile(single, gzipSync(whole.subarray(0, cutAt)).subarray(0, -8)); // one member, its trailer cut too
    for (const warc of [cut, single]) {
      const what = `${warc} (cut in the ${where})`;
      const index = await runCli(replay, ['index', warc, '-o', join(dir, 'out.cdxj')]);
      assert.equal(index.code, 3, `${what}: ${index.stderr}`);
      assert.match(index.stderr, /cut off/, what);
      const checked = await runCli(verify, [warc]);
      assert.equal(checked.code, 3, `${what}: ${checked.stdout}`);
      // One member holds every record: a record's offset is the member's.
      const offset = warc === single ? 0 : start;
      assert.match(checked.stdout, new RegExp(`^damaged .* at offset ${offset}: .*${where === 'block' ? 'resource record .*p019\\.html ' : ''}is cut off`, 'm'), what);
      assert.match(checked.stdout, /^20 record\(s\) read/m, what);
    }
  }
});

for (const where of ['data', 'trailer'] as const) {
  test(`a gzip WARC with one member damaged in its middle (its ${where}): every other record is still read and checked, the damaged one reported at its offset`, async () => {
    const dir = await tempDir();
    // Past warcio.js's first 1 MB read, with stored members among the deflated ones: there its gzip layer lost a third of the records.
    const { warc, records } = await textWarc(dir, 600, true, true);
    const hit = records[61]!;
    const bytes = await readFile(warc);
    const at = where === 'data' ? hit.offset + Math.floor(hit.length / 2) : hit.offset + hit.length - 4; // its ISIZE
    bytes.fill(0x55, at, at + 4);
    await writeFile(warc, bytes);
    const checked = await runCli(verify, [warc]);
    assert.equal(checked.code, 3);
    assert.match(checked.stdout, new RegExp(`^damaged +\\S*x\\.warc\\.gz at offset ${hit.offset}: `, 'm'));
    const read = Number(/^(\d+) record\(s\) read/m.exec(checked.stdout)?.[1]);
    assert.ok(read >= records.length - 1, `records read: ${read} of ${records.length}\n${checked.stdout}`);
    assert.ok((checked.stdout.match(/^damaged /gm)?.length ?? 0) <= 3, checked.stdout);
    assert.doesNotMatch(checked.stdout, new RegExp(`^damaged .* at offset (?!${hit.offset}:)`, 'm'), 'no damage reported anywhere else');
  });
}

test('a plain WARC whose record says a longer Content-Length than it has: the records it would swallow are still read, the damage reported', async () => {
  const dir = await tempDir();
  const { warc, records } = await textWarc(dir, 40, false);
  const bytes = await readFile(warc);
  const at = bytes.indexOf('Content-Length: ', records[10]!.offset) + 'Content-Length: '.length;
  bytes[at] = 0x39; // 1808 -> 9808: the block now runs over the next four records
  await writeFile(warc, bytes);
  const checked = await runCli(verify, [warc]);
  assert.equal(checked.code, 3);
  assert.match(checked.stdout, new RegExp(`at offset ${records[10]!.offset}: resource record \\S*p009\\.html is not followed by the end of a record where its Content-Length says`));
  assert.match(checked.stdout, new RegExp(`^${records.length} record\\(s\\) read`, 'm'), 'the damaged record, and every one after it');
});

test('a gzip WARC with a sound member whose record says a longer Content-Length than it has: the records after it are still read', async () => {
  const dir = await tempDir();
  const { warc, records } = await textWarc(dir, 40);
  const bytes = await readFile(warc);
  const hit = records[10]!;
  const record = gunzipSync(bytes.subarray(hit.offset, hit.offset + hit.length));
  const at = record.indexOf('Content-Length: ') + 'Content-Length: '.length;
  record[at] = 0x39; // 1808 -> 9808, written by a faulty tool into a sound member
  await writeFile(warc, Buffer.concat([bytes.subarray(0, hit.offset), gzipSync(record), bytes.subarray(hit.offset + hit.length)]));
  const checked = await runCli(verify, [warc]);
  assert.equal(checked.code, 3);
  assert.match(checked.stdout, new RegExp(`at offset ${hit.offset}: resource record \\S*p009\\.html is not followed by the end of a record where its Content-Length says`));
  assert.match(checked.stdout, new RegExp(`^${records.length} record\\(s\\) read`, 'm'), 'the damaged record, and every one after it');
});

test('a gzip WARC in fixed-size members (records spanning members, as block gzip writes): every record read, no problem', async () => {
  const dir = await tempDir();
  const { warc, records } = await textWarc(dir, 60, false);
  const plain = await readFile(warc);
  const blocks: Buffer[] = [];
  for (let at = 0; at < plain.length; at += 4096) blocks.push(gzipSync(plain.subarray(at, at + 4096)));
  await writeFile(join(dir, 'blocks.warc.gz'), Buffer.concat(blocks));
  const checked = await runCli(verify, [join(dir, 'blocks.warc.gz')]);
  assert.equal(checked.code, 0, checked.stdout);
  assert.match(checked.stdout, new RegExp(`^${records.length} record\\(s\\) read .* 0 problem\\(s\\)`, 'm'));
});

test('a small gzip WARC whose last member has a damaged trailer is a damaged WARC (exit 3), not "not a WARC" (exit 2)', async () => {
  const dir = await tempDir();
  const { warc, records } = await textWarc(dir, 2);
  const bytes = await readFile(warc);
  bytes.fill(0, bytes.length - 8, bytes.length - 4); // the last member's CRC-32
  await writeFile(warc, bytes);
  const checked = await runCli(verify, [warc]);
  assert.equal(checked.code, 3, checked.stderr);
  assert.match(checked.stdout, new RegExp(`at offset ${records[2]!.offset}: damaged gzip member \\(its CRC-32 or length does not match its data\\)`));
  const index = await runCli(replay, ['index', warc, '-o', join(dir, 'x.cdxj')]);
  assert.equal(index.code, 3, index.stderr);
});

test('warckit-verify on a cut-off WARC, a WARC with garbage appended, and an HTML page: damage reported with offsets (exit 3), not a WARC an error (exit 2)', async () => {
  const dir = await tempDir();
  const site = join(dir, 'site');
  await makeClip(join(site, 'a.wav'), 'audio', 'wav');
  await writeFile(join(site, 'index.html'), '<p>hello</p>');
  const warc = join(dir, 'x.warc.gz');
  assert.equal((await runCli(warckit, [P, site, '-n', warc])).code, 0);
  const size = (await stat(warc)).size;
  assert.equal((await runCli(verify, [warc])).code, 0);
  await appendFile(warc, Buffer.from('garbage after the last record'));
  const padded = await runCli(verify, [warc]);
  assert.equal(padded.code, 3);
  assert.match(padded.stdout, new RegExp(`^damaged +.*x\\.warc\\.gz at offset ${size}: cannot read a record here`, 'm'));
  await truncate(warc, size - 5);
  const cut = await runCli(verify, [warc]);
  assert.equal(cut.code, 3);
  assert.match(cut.stdout, /^damaged /m);
  await writeFile(join(dir, 'page.warc.gz'), '<!doctype html><p>not a warc</p>');
  const html = await runCli(verify, [join(dir, 'page.warc.gz')]);
  assert.equal(html.code, 2);
  assert.match(html.stderr, /page\.warc\.gz: it is HTML or XML, not a WARC/);
  const { ffmpeg } = await mediaTools();
  assert.ok(ffmpeg);
});
