/**
 * `maxSize` / `--max-size`: numbered parts, each within the size but for one input file's
 * records, every part read back by warcio.js with its digests checked, an input file's records
 * never split across parts, its own warcinfo per part; existing parts refused, replaced or
 * appended to. `cdxj` / `--cdxj`: the index beside each WARC equals warcio.js's CDXIndexer's.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { main as warckit, parseMaxSize } from '../../src/cli/warckit.js';
import { convertMedia } from '../../src/convert/convert.js';
import { sortLines } from '../../src/replay/cdxj.js';
import { writeWarc } from '../../src/warc/build.js';
import { indexWarcBytes } from '../../src/warc/index-file.js';
import { WarcOptionsError } from '../../src/warc/options.js';
import { isOwnFileName } from '../../src/warc/own-files.js';
import { partNumber, partPath } from '../../src/warc/part-names.js';
import { makeClip } from '../convert/clips.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { type ReadRecord, readWarc } from '../helpers/warc-check.js';

const P = 'http://www.example.com/';
const MAX = 200_000;

/**
 * About 3 MB: 30 sources of 20-70 KB (random, so gzip stores them), each with two conversions,
 * a few HTML pages (index.html gets a revisit), and a results file naming the conversions.
 */
async function fixture(dir: string): Promise<{ site: string; results: string }> {
  const site = join(dir, 'site');
  const out = join(dir, 'conversions');
  await mkdir(join(site, 'sub'), { recursive: true });
  await mkdir(out);
  const conversions: string[] = [];
  for (let i = 0; i < 30; i++) {
    const source = randomBytes(20_000 + ((i * 7919) % 50_000));
    await writeFile(join(site, `clip${i}.flv`), source);
    conversions.push(`  ${P}clip${i}.flv:`);
    // With the source's sha256, as warckit-convert records it: each conversion is written only after its source, with those bytes, in the same part.
    const sourceSha256 = createHash('sha256').update(source).digest('hex');
    for (const ext of ['webm', 'mp4']) {
      const output = join(out, `clip${i}.flv.${ext}`);
      await writeFile(output, randomBytes(10_000 + ((i * 104_729) % 30_000)));
      conversions.push(`  - {url: ${P}clip${i}.flv.${ext}, output: ${output}, success: true, source_sha256: ${sourceSha256}, metadata: {name: ${ext}, mime: video/${ext}}}`);
    }
  }
  await writeFile(join(site, 'index.html'), '<!doctype html><title>x</title>'.repeat(200));
  await writeFile(join(site, 'sub', 'index.html'), '<p>sub</p>');
  await writeFile(join(site, 'page.html'), '<p>page</p>'.repeat(3000));
  const results = join(out, 'warcit-conversion-results.yaml');
  await writeFile(results, `conversions:\n${conversions.join('\n')}\n`);
  return { site, results };
}

async function partsIn(dir: string, warcName: string): Promise<string[]> {
  return (await readdir(dir)).filter((name) => partNumber(name, warcName) !== undefined).sort();
}

/** Each record's length in the file, from where the next one starts. */
function lengths(records: ReadRecord[], size: number): number[] {
  return records.map((r, i) => (i + 1 < records.length ? records[i + 1]!.offset : size) - r.offset);
}

test('maxSize: numbered parts within the size, each read back with every digest checked, an input file never split, a warcinfo each', async () => {
  const dir = await tempDir();
  const { site, results } = await fixture(dir);
  const result = await writeWarc({ urlPrefix: P, inputs: [site], name: join(dir, 'media'), conversions: results, maxSize: MAX });
  const names = await partsIn(dir, 'media.warc.gz');
  assert.ok(names.length >= 10, `${names.length} parts`);
  assert.deepEqual(names, names.map((_, i) => `media-${String(i).padStart(5, '0')}.warc.gz`));
  assert.deepEqual(result.parts.map((p) => p.path), names.map((n) => join(dir, n)));
  assert.equal(result.path, join(dir, 'media-00000.warc.gz'));
  const ids = new Map<string, string>();
  const all: ReadRecord[] = [];
  for (const part of result.parts) {
    const { records, problems } = await readWarc(part.path, false);
    assert.deepEqual(problems, [], part.path);
    assert.equal(part.records, records.length);
    const size = (await stat(part.path)).size;
    assert.equal(part.bytes, size);
    const [info, ...rest] = records;
    assert.equal(info!.type, 'warcinfo');
    assert.equal(info!.header('WARC-Filename'), part.path.slice(dir.length + 1));
    assert.ok(rest.every((r) => r.type !== 'warcinfo'));
    const sizes = lengths(records, size);
    // Within the size but for one record; beyond it only when one input file's records alone are.
    assert.ok(size - Math.max(...sizes) <= MAX, `${part.path}: ${size} bytes`);
    if (rest.filter((r) => r.type === 'resource' && r.header('WARC-Source-URI')?.startsWith('file://')).length > 1) assert.ok(size <= MAX, `${part.path}: ${size} bytes`);
    for (const r of rest) ids.set(r.header('WARC-Record-ID')!, part.path);
    for (const r of rest) {
      if (r.type === 'conversion') assert.equal(ids.get(r.header('WARC-Refers-To')!), part.path, `${r.targetUri} is with its source`);
      if (r.type === 'revisit') assert.ok(rest.some((o) => o.type === 'resource' && o.targetUri === r.header('WARC-Refers-To-Target-URI')), `${r.targetUri} is with its resource`);
    }
    all.push(...rest);
  }
  // The parts together hold the records one WARC would, in the same order.
  const single = await writeWarc({ urlPrefix: P, inputs: [site], name: join(dir, 'single'), conversions: results });
  const one = (await readWarc(single.path, false)).records.slice(1);
  assert.deepEqual(all.map((r) => `${r.type} ${r.targetUri}`), one.map((r) => `${r.type} ${r.targetUri}`));
  assert.equal(result.counts.conversion, 60);
  assert.equal(result.counts.warcinfo, names.length);
});

test('cdxj: each part\'s index equals warcio.js\'s CDXIndexer output for that WARC (sorted bytewise; keys as pywb makes them, see record-index.test.ts), gzip or not', async () => {
  const dir = await tempDir();
  const { site, results } = await fixture(dir);
  for (const gzip of [true, false]) {
    const result = await writeWarc({ urlPrefix: P, inputs: [site], name: join(dir, `ix-${gzip}`), conversions: results, maxSize: MAX, cdxj: true, gzip });
    assert.ok(result.parts.length > 5);
    for (const part of result.parts) {
      assert.equal(part.index, `${part.path}.cdxj`);
      const expected = sortLines(await indexWarcBytes(part.path, (await stat(part.path)).size));
      assert.ok(expected.length > 1);
      assert.equal(await readFile(part.index!, 'utf8'), `${expected.join('\n')}\n`, part.path);
    }
  }
});

test('cdxj without maxSize: one WARC and <warc>.cdxj; appending re-indexes the records already there', async () => {
  const dir = await tempDir();
  const { site } = await fixture(dir);
  const first = await writeWarc({ urlPrefix: P, inputs: [join(site, 'sub')], name: join(dir, 'one'), cdxj: true, warcVersion: '1.1' });
  assert.deepEqual(first.parts.map((p) => [p.path, p.index]), [[join(dir, 'one.warc.gz'), join(dir, 'one.warc.gz.cdxj')]]);
  const appended = await writeWarc({ urlPrefix: P, inputs: [site], name: join(dir, 'one'), cdxj: true, mode: 'append', warcVersion: '1.1' });
  assert.equal(appended.path, join(dir, 'one.warc.gz'));
  const expected = sortLines(await indexWarcBytes(appended.path, (await stat(appended.path)).size));
  const lines = (await readFile(`${appended.path}.cdxj`, 'utf8')).trimEnd().split('\n');
  assert.deepEqual(lines, expected);
  assert.equal(lines.filter((l) => l.includes('"url":"http://www.example.com/index.html"')).length, 2, 'the first run\'s records are indexed too');
});

test('existing parts: refused without overwrite (nothing touched), replaced with it (an earlier run\'s extra parts removed)', async () => {
  const dir = await tempDir();
  const { site, results } = await fixture(dir);
  const name = join(dir, 'media');
  const first = await writeWarc({ urlPrefix: P, inputs: [site], name, conversions: results, maxSize: MAX, cdxj: true });
  const before = await Promise.all(first.parts.map(async (p) => (await readFile(p.path)).length));
  await assert.rejects(writeWarc({ urlPrefix: P, inputs: [site], name, maxSize: MAX }), (error: Error) => {
    assert.equal(error.name, 'OutputExistsError');
    assert.match(error.message, new RegExp(`media-00000\\.warc\\.gz already exists: so do ${first.parts.length - 1} more part\\(s\\).*-o/--overwrite`));
    return true;
  });
  assert.deepEqual(await Promise.all(first.parts.map(async (p) => (await readFile(p.path)).length)), before);
  // Without the conversions the set is smaller: the earlier run's last parts must go.
  const again = await writeWarc({ urlPrefix: P, inputs: [site], name, maxSize: MAX, mode: 'overwrite', cdxj: true });
  assert.ok(again.parts.length < first.parts.length);
  assert.deepEqual(await partsIn(dir, 'media.warc.gz'), again.parts.map((p) => p.path.slice(dir.length + 1)));
  assert.ok(again.warnings.some((w) => w.includes(`removed ${partPath(`${name}.warc.gz`, first.parts.length - 1)}`)));
  assert.deepEqual((await readdir(dir)).filter((n) => n.endsWith('.cdxj')).length, again.parts.length);
  // A run whose inputs hold the parts leaves them all out (they are its own files), saying so for the WARCs.
  const self = await writeWarc({ urlPrefix: P, inputs: [dir], name, maxSize: MAX, mode: 'overwrite', cdxj: true });
  const uris = (await Promise.all(self.parts.map((p) => readWarc(p.path, false)))).flatMap((r) => r.records.map((x) => x.targetUri ?? ''));
  assert.ok(uris.some((u) => u.endsWith('clip3.flv')));
  assert.ok(uris.every((u) => !u.includes('.warc') && !u.includes('.cdxj')), uris.join(' '));
  assert.equal(self.warnings.filter((w) => /leaving out .*media-\d{5}\.warc\.gz: it is the WARC this run writes/.test(w)).length, again.parts.length);
});

test('own files of a rolled-over WARC: every part, its temporary, lock, marker and index; not other names', () => {
  const cases: Array<[string, boolean]> = [
    ['media-00000.warc.gz', true],
    ['media-00012.warc.gz', true],
    ['media-123456.warc.gz', true],
    ['.media-00003.warc.gz.partial-123-abcd', true],
    ['media-00003.warc.gz.lock', true],
    ['media-00003.warc.gz.appending', true],
    ['media-00003.warc.gz.cdxj', true],
    ['.media-00003.warc.gz.cdxj.partial-1-ab', true],
    ['media.warc.gz', false],
    ['media-0001.warc.gz', false],
    ['media-00001.warc', false],
    ['media-00001.warc.gz.bak', false],
    ['other-00001.warc.gz', false],
    ['media-00001x.warc.gz', false],
  ];
  for (const [name, own] of cases) assert.equal(isOwnFileName(name, 'media.warc.gz', true), own, name);
  assert.equal(isOwnFileName('media-00000.warc.gz', 'media.warc.gz'), false, 'not rolling over: only media.warc.gz and its files');
  assert.equal(isOwnFileName('media.warc.gz.cdxj', 'media.warc.gz'), true);
});

test('append with maxSize: adds to the last part until it is full, then new parts; earlier parts untouched', async () => {
  const dir = await tempDir();
  const { site, results } = await fixture(dir);
  const name = join(dir, 'media');
  const first = await writeWarc({ urlPrefix: P, inputs: [join(site, 'sub')], name, maxSize: MAX });
  assert.equal(first.parts.length, 1);
  const old = await readFile(first.parts[0]!.path);
  const more = await writeWarc({ urlPrefix: P, inputs: [site], name, conversions: results, maxSize: MAX, mode: 'append', cdxj: true });
  assert.equal(more.parts[0]!.path, first.parts[0]!.path);
  assert.equal(more.parts[0]!.bytes, (await stat(first.parts[0]!.path)).size - old.length);
  assert.ok((await readFile(first.parts[0]!.path)).subarray(0, old.length).equals(old), 'the part appended to keeps its bytes');
  for (const part of more.parts) {
    const { problems } = await readWarc(part.path, false);
    assert.deepEqual(problems, []);
    assert.ok((await stat(part.path)).size <= MAX + 80_000);
  }
  // A full last part is left alone: the next run starts a new part.
  const full = more.parts.at(-2)!.path;
  const fullBytes = await readFile(full);
  const next = await writeWarc({ urlPrefix: P, inputs: [join(site, 'clip1.flv')], name, maxSize: 1000, mode: 'append' });
  assert.deepEqual(next.parts.map((p) => p.path), [partPath(`${name}.warc.gz`, more.parts.length)]);
  assert.ok((await readFile(full)).equals(fullBytes));
});

test('options: maxSize must be a positive whole number of bytes; --max-size takes 1GB, 500MB, 1GiB or bytes and names itself otherwise', async () => {
  for (const bad of [0, -1, 1.5, Number.NaN, '1GB' as unknown as number]) {
    await assert.rejects(writeWarc({ urlPrefix: P, inputs: [{ url: `${P}a`, data: 'a' }], maxSize: bad }), (error: Error) => error instanceof WarcOptionsError && error.option === 'maxSize');
  }
  assert.equal(parseMaxSize('1GB'), 1_000_000_000);
  assert.equal(parseMaxSize('500MB'), 500_000_000);
  assert.equal(parseMaxSize('1GiB'), 2 ** 30);
  assert.equal(parseMaxSize('200kb'), 200_000);
  assert.equal(parseMaxSize('1.5 GB'), 1_500_000_000);
  assert.equal(parseMaxSize('123456'), 123456);
  const dir = await tempDir();
  for (const bad of ['1XB', '-5MB', '0', 'big', '']) {
    const { code, stderr } = await runCli(warckit, [P, dir, '-n', join(dir, 'x'), `--max-size=${bad}`]);
    assert.equal(code, 2);
    assert.match(stderr, /--max-size: expected a size such as 1GB, 500MB, 1GiB or a number of bytes/);
  }
  assert.deepEqual(await readdir(dir), []);
});

test('warckit --max-size --cdxj: the parts and their indexes, said in the summary', async () => {
  const dir = await tempDir();
  const { site, results } = await fixture(dir);
  const { code, stderr } = await runCli(warckit, [P, site, '-n', join(dir, 'cli'), '--conversions', results, '--max-size', '200KB', '--cdxj']);
  assert.equal(code, 0, stderr);
  const names = await partsIn(dir, 'cli.warc.gz');
  assert.ok(names.length > 5);
  assert.match(stderr, new RegExp(`to ${names.length} WARCs, .*cli-00000\\.warc\\.gz to .*${names.at(-1)!.replace(/\./g, '\\.')}`));
  assert.match(stderr, new RegExp(`Indexed each WARC in <warc>\\.cdxj \\(${names.length} indexes\\)`));
  for (const name of names) assert.ok((await stat(join(dir, `${name}.cdxj`))).size > 0);
});

test('--characterize with --max-size 1: each source with its conversions and characterization in a part of its own', async () => {
  const dir = await tempDir();
  const site = join(dir, 'site');
  for (const name of ['a.mp4', 'b.mp4']) await makeClip(join(site, name), 'av', 'mp4');
  const converted = await convertMedia({ urlPrefix: P, inputs: [site], outputDir: join(dir, 'conversions'), jobs: 2 });
  assert.ok(converted.converted >= 4);
  const result = await writeWarc({ urlPrefix: P, inputs: [site], name: join(dir, 'c'), conversions: converted.resultsFile!, characterize: true, maxSize: 1, cdxj: true });
  assert.equal(result.parts.length, 2);
  for (const [i, part] of result.parts.entries()) {
    const { records, problems } = await readWarc(part.path, false);
    assert.deepEqual(problems, []);
    const source = `${P}${'ab'[i]}.mp4`;
    const ids = new Set(records.map((r) => r.header('WARC-Record-ID')));
    assert.deepEqual([...new Set(records.map((r) => r.type))], ['warcinfo', 'resource', 'conversion', 'metadata']);
    assert.ok(records.filter((r) => r.type !== 'warcinfo').every((r) => r.targetUri!.startsWith(source)), `${part.path}: only ${source} and its conversions`);
    for (const r of records) for (const h of ['WARC-Refers-To', 'WARC-Concurrent-To']) if (r.header(h)) assert.ok(ids.has(r.header(h)), `${r.type} ${r.targetUri}: ${h} in the same part`);
    assert.equal(records.filter((r) => r.type === 'metadata').length, records.filter((r) => r.type === 'resource' || r.type === 'conversion').length);
  }
});
