import assert from 'node:assert/strict';
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { gunzipSync, gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { test } from 'node:test';
import { WARCRecord, WARCSerializer } from 'warcio';
import { main } from '../../src/cli/replay.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const PAGE = 'http://example.com/p.html';

/** A WARC made by warcio.js (not by us): two youtube-dl records at one timestamp, one later, and a big media record. */
async function warcioWarc(dir: string): Promise<string> {
  const record = (url: string, date: string, type: string, body: string | Buffer) =>
    WARCRecord.create({ url, date, type: 'resource', warcHeaders: { 'Content-Type': type } }, [typeof body === 'string' ? new TextEncoder().encode(body) : body]);
  const yt = (media: string, selector?: string) => JSON.stringify({ formats: [{ url: `${media}.webm`, mime: 'video/webm' }, { url: media, mime: 'video/x-flv', original: true, ext: 'flv' }], webpage_url: PAGE, ...(selector ? { selector } : {}) });
  const parts = await Promise.all(
    [
      record('http://example.com/a.flv', '2016-01-02T00:00:00Z', 'video/x-flv', Buffer.alloc(3 * 1024 * 1024, 7)),
      record(`urn:embeds:${PAGE}`, '2016-01-02T00:00:00Z', 'application/vnd.youtube-dl_formats+json', yt('http://example.com/a.flv', '#one')),
      record(`urn:embeds:${PAGE}`, '2016-01-02T00:00:00Z', 'application/vnd.youtube-dl_formats+json', yt('http://example.com/b.flv', '#two')),
      record(`urn:embeds:${PAGE}`, '2018-01-02T00:00:00Z', 'application/vnd.youtube-dl_formats+json', yt('http://example.com/c.flv')),
    ].map((r) => WARCSerializer.serialize(r, { gzip: true })),
  );
  const path = join(dir, 'warcio.warc.gz');
  await writeFile(path, Buffer.concat(parts.map((p) => Buffer.from(p))));
  return path;
}

async function serializeRecord(url: string, date: string, body: string): Promise<Buffer> {
  const record = WARCRecord.create({ url, date, type: 'resource', warcHeaders: { 'Content-Type': 'application/vnd.youtube-dl_formats+json' } }, [new TextEncoder().encode(body)]);
  return Buffer.from(await WARCSerializer.serialize(record, { gzip: true }));
}

test('lookup: closest capture, merged, as JSON; no match → {} and exit 1', async () => {
  const dir = await tempDir();
  const warc = await warcioWarc(dir);
  const found = await runCli(main, ['lookup', warc, '--url', PAGE, '--timestamp', '20160301000000']);
  assert.equal(found.code, 0);
  const json = JSON.parse(found.stdout);
  assert.equal(json.timestamp, '20160102000000');
  assert.deepEqual(json.transclusions.map((t: { mediaUrl: string }) => t.mediaUrl), ['http://example.com/a.flv', 'http://example.com/b.flv']);
  const later = JSON.parse((await runCli(main, ['lookup', warc, '--url', PAGE, '--timestamp', '2019'])).stdout);
  assert.deepEqual(later.transclusions.map((t: { mediaUrl: string }) => t.mediaUrl), ['http://example.com/c.flv']);
  const none = await runCli(main, ['lookup', warc, '--url', 'http://example.com/other.html', '--timestamp', '2016']);
  assert.equal(none.code, 1);
  assert.deepEqual(JSON.parse(none.stdout), {});
  // --timestamp takes what -d takes.
  for (const form of ['2016-03-01T00:00:00', '2016-03-01', '20160301']) {
    const same = await runCli(main, ['lookup', warc, '--url', PAGE, '--timestamp', form]);
    assert.equal(same.stdout, found.stdout, form);
  }
  // A time with a zone offset is that time in UTC: 2016-03-01T01:00+01:00 is 20160301000000.
  const zoned = await runCli(main, ['lookup', warc, '--url', PAGE, '--timestamp', '2016-03-01T01:00:00+01:00']);
  assert.equal(zoned.stdout, found.stdout);
  // A URL without its scheme is taken as http:// (as wayback machines take it), not answered with {}.
  const bare = await runCli(main, ['lookup', warc, '--url', PAGE.replace(/^http:\/\//, ''), '--timestamp', '20160301000000']);
  assert.equal(bare.code, 0, bare.stderr);
  assert.equal(bare.stdout, found.stdout);
});

test('--json: the answer, damaged records and a summary as JSON lines', async () => {
  const dir = await tempDir();
  const whole = await readFile(await warcioWarc(dir));
  const warc = join(dir, 'cut.warc.gz');
  await writeFile(warc, whole.subarray(0, whole.length - 30));
  const out = await runCli(main, ['lookup', warc, '--url', PAGE, '--timestamp', '2016', '--json']);
  const lines = out.stdout.trim().split('\n').map((l) => JSON.parse(l) as { event: string; [k: string]: unknown });
  assert.deepEqual(lines.map((l) => l.event), ['damaged', 'lookup', 'summary']);
  assert.equal((lines[1]!.result as { timestamp: string }).timestamp, '20160102000000');
  assert.deepEqual({ ...lines[2], event: undefined }, { event: undefined, command: 'lookup', url: PAGE, timestamp: '2016', found: true, damaged: 1, exitCode: 3 });
  assert.equal(out.code, 3);
  const inject = await runCli(main, ['inject', warc, '--url', PAGE, '--timestamp', '2016', '--html', warc, '--json']);
  assert.equal(inject.code, 2);
  assert.match(inject.stderr, /--json: inject prints the page on stdout; give -o\/--output/);
});

test('inject: each media in its own element; --prefix rewrites to <prefix><ts>id_/<url>', async () => {
  const dir = await tempDir();
  const warc = await warcioWarc(dir);
  await writeFile(join(dir, 'p.html'), '<html><body><embed id="one" src="a.flv"><embed id="two" src="b.flv"></body></html>');
  const out = await runCli(main, ['inject', warc, '--url', PAGE, '--timestamp', '20160102000000', '--html', join(dir, 'p.html'), '--prefix', 'http://localhost:8080/coll/']);
  assert.equal(out.code, 0, out.stderr);
  assert.match(out.stdout, /<video controls data-warckit-media="http:\/\/example\.com\/a\.flv" id="one"><source src="http:\/\/localhost:8080\/coll\/20160102000000id_\/http:\/\/example\.com\/a\.flv\.webm" type="video\/webm">/);
  assert.match(out.stdout, /<video controls data-warckit-media="http:\/\/example\.com\/b\.flv" id="two"><source src="http:\/\/localhost:8080\/coll\/20160102000000id_\/http:\/\/example\.com\/b\.flv\.webm"/);
  // A collection prefix without its closing slash made http://localhost:8080/coll20160102000000id_/…, a URL of nothing.
  const bare = await runCli(main, ['inject', warc, '--url', PAGE, '--timestamp', '20160102000000', '--html', join(dir, 'p.html'), '--prefix', 'http://localhost:8080/coll']);
  assert.equal(bare.code, 0, bare.stderr);
  assert.match(bare.stdout, /src="http:\/\/localhost:8080\/coll\/20160102000000id_\/http:\/\/example\.com\/a\.flv\.webm"/);
  assert.match(bare.stderr, /--prefix http:\/\/localhost:8080\/coll does not end with "\/": taken as http:\/\/localhost:8080\/coll\//);
});

test('inject: a media with no element on the page is named, the others applied, and the exit status is 1 (not everything asked was done)', async () => {
  const dir = await tempDir();
  const warc = await warcioWarc(dir);
  // Only a.flv's player is on the page: b.flv's selector (#two) matches nothing.
  await writeFile(join(dir, 'p.html'), '<html><body><embed id="one" src="a.flv"></body></html>');
  const out = await runCli(main, ['inject', warc, '--url', PAGE, '--timestamp', '20160102000000', '--html', join(dir, 'p.html'), '-o', join(dir, 'out.html')]);
  assert.equal(out.code, 1, out.stderr);
  assert.match(out.stderr, /no element on the page for http:\/\/example\.com\/b\.flv/);
  assert.match(await readFile(join(dir, 'out.html'), 'utf8'), /data-warckit-media="http:\/\/example\.com\/a\.flv" id="one"/);
});

test('errors name the file; bad timestamps and missing flags are refused', async () => {
  const dir = await tempDir();
  const warc = await warcioWarc(dir);
  const cases: Array<[string[], RegExp]> = [
    [['lookup', join(dir, 'none.warc.gz'), '--url', PAGE, '--timestamp', '2016'], /none\.warc\.gz: no such file/],
    [['inject', warc, '--url', PAGE, '--timestamp', '2016', '--html', join(dir, 'none.html')], /none\.html: the page does not exist/],
    [['lookup', warc, '--url', PAGE, '--timestamp', 'yesterday'], /--timestamp: expected a time such as 2009, 20090415120000 or 2009-04-15T12:00:00, got "yesterday"/],
    [['lookup', warc, '--url', PAGE, '--timestamp', '2016-13'], /--timestamp: "2016-13" is not a date \(month 13/],
    [['lookup', warc, '--timestamp', '2016'], /Missing required argument: url/],
    [['lookup', warc, '--url', '', '--timestamp', '2016'], /--url: expected the page's URL \(http:\/\/www\.example\.com\/page\.html\), got ""/],
  ];
  for (const [argv, message] of cases) {
    const { code, stderr } = await runCli(main, argv);
    assert.equal(code, 2, argv.join(' '));
    assert.match(stderr, message);
  }
  const help = await runCli(main, ['inject', '--help']);
  assert.match(help.stdout, /--prefix/);
});

test('index: lookups through the CDXJ index answer as the WARC does; a changed WARC makes the index say so', async () => {
  const dir = await tempDir();
  const warc = await warcioWarc(dir);
  const index = join(dir, 'idx', 'site.cdxj');
  const indexed = await runCli(main, ['index', warc, '-o', index]);
  assert.equal(indexed.code, 0, indexed.stderr);
  assert.match(indexed.stderr, /Indexed 3 metadata record\(s\)/);
  const lines = (await readFile(index, 'utf8')).trim().split('\n');
  assert.match(lines[0]!, /^!meta \{"format":"warckit-transclusion-index"/);
  assert.match(lines[1]!, /^urn:embeds:http:\/\/example\.com\/p\.html 20160102000000 \{"url":"urn:embeds:http:\/\/example\.com\/p\.html".*"filename":"\.\.\/warcio\.warc\.gz"/);
  for (const ts of ['20160301000000', '2019', '2010']) {
    const viaWarc = await runCli(main, ['lookup', warc, '--url', PAGE, '--timestamp', ts]);
    const viaIndex = await runCli(main, ['lookup', index, '--url', PAGE, '--timestamp', ts]);
    assert.equal(viaIndex.code, 0, viaIndex.stderr);
    assert.deepEqual(JSON.parse(viaIndex.stdout), JSON.parse(viaWarc.stdout), ts);
  }
  // The page spelt otherwise (host case, default port, empty query) finds the same, by either route.
  const spelt = PAGE.replace('example.com', 'EXAMPLE.com:80') + '?';
  for (const source of [warc, index]) {
    const viaSpelt = await runCli(main, ['lookup', source, '--url', spelt, '--timestamp', '2016']);
    assert.equal(viaSpelt.code, 0, `${source}: ${viaSpelt.stderr}`);
    assert.equal((JSON.parse(viaSpelt.stdout) as { pageUrl: string }).pageUrl, PAGE);
  }
  // Records that name the page otherwise (warcit writes a manifest's HTTP://Example.COM:80 as it is): found by either route.
  const odd = join(dir, 'odd.warc.gz');
  await writeFile(odd, await serializeRecord('urn:embeds:HTTP://Example.COM:80/p.html', '2016-01-02T00:00:00Z', JSON.stringify({ formats: [{ url: 'http://example.com/d.flv', mime: 'video/x-flv', original: true }], webpage_url: PAGE })));
  const oddIndex = join(dir, 'odd.cdxj');
  assert.equal((await runCli(main, ['index', odd, '-o', oddIndex])).code, 0);
  for (const source of [odd, oddIndex]) {
    const found = await runCli(main, ['lookup', source, '--url', PAGE, '--timestamp', '2016']);
    assert.equal(found.code, 0, `${source}: ${found.stderr}`);
    assert.deepEqual((JSON.parse(found.stdout) as { transclusions: Array<{ mediaUrl: string }> }).transclusions.map((t) => t.mediaUrl), ['http://example.com/d.flv'], source);
  }
  await appendFile(warc, await readFile(warc));
  const stale = await runCli(main, ['lookup', index, '--url', PAGE, '--timestamp', '2016']);
  assert.match(stale.stderr, /warcio\.warc\.gz changed since it was indexed .*run warckit-replay index again/);
});

test('inputs that are not WARCs or indexes are errors naming the file, not an empty answer', async () => {
  const dir = await tempDir();
  const files: Array<[string, string | Buffer, RegExp]> = [
    ['page.html', '<!doctype html><p>hi</p>', /page\.html: it is HTML or XML, not a WARC/],
    ['notes.txt', 'some notes\n', /notes\.txt: it does not start with a WARC record/],
    ['empty.warc', '', /empty\.warc: it is empty/],
    ['coll.wacz', Buffer.from('504b0304140000000000', 'hex'), /coll\.wacz: it is a ZIP file \(a WACZ\?\)/],
    ['text.gz', gzipSync('hello'), /text\.gz: it is gzip, but what it holds does not start with a WARC record/],
  ];
  for (const [name, content, message] of files) {
    await writeFile(join(dir, name), content);
    const out = await runCli(main, ['lookup', join(dir, name), '--url', PAGE, '--timestamp', '2016']);
    assert.equal(out.code, 2, name);
    assert.match(out.stderr, message);
    assert.equal(out.stdout, '', `${name}: no {} that would look like a page without media`);
  }
});

test('damaged WARCs: the damage is reported with file and offset, the rest is used, exit 3', async () => {
  const dir = await tempDir();
  const warc = await readFile(await warcioWarc(dir));
  // Members: the 3 MB media record, then three metadata records.
  const starts: number[] = [];
  for (let i = warc.indexOf(Buffer.from([0x1f, 0x8b, 0x08])); i >= 0; i = warc.indexOf(Buffer.from([0x1f, 0x8b, 0x08]), i + 1)) starts.push(i);
  const members = starts.filter((s) => gunzipSync(warc.subarray(s), { finishFlush: 2 }).subarray(0, 5).toString() === 'WARC/');
  assert.equal(members.length, 4);
  const corrupt = Buffer.from(warc);
  corrupt.fill(0x55, members[1]! + 20, members[1]! + 60); // inside the first metadata record's deflate data
  await writeFile(join(dir, 'corrupt.warc.gz'), corrupt);
  const bad = await runCli(main, ['lookup', join(dir, 'corrupt.warc.gz'), '--url', PAGE, '--timestamp', '20160102']);
  assert.equal(bad.code, 3, bad.stderr);
  assert.match(bad.stderr, new RegExp(`corrupt\\.warc\\.gz at offset ${members[1]}: damaged gzip member \\(it cannot be inflated: `));
  assert.deepEqual(JSON.parse(bad.stdout).transclusions.map((t: { mediaUrl: string }) => t.mediaUrl), ['http://example.com/b.flv'], 'the readable record at that time is still used');

  await writeFile(join(dir, 'cut.warc.gz'), warc.subarray(0, warc.length - 30));
  const cut = await runCli(main, ['lookup', join(dir, 'cut.warc.gz'), '--url', PAGE, '--timestamp', '2016']);
  assert.equal(cut.code, 3);
  assert.match(cut.stderr, new RegExp(`cut\\.warc\\.gz at offset ${members[3]}: `));

  const json = await serializeRecord(`urn:embeds:${PAGE}`, '2016-01-02T00:00:00Z', '{"formats": [');
  await writeFile(join(dir, 'json.warc.gz'), Buffer.concat([warc, json]));
  const invalid = await runCli(main, ['lookup', join(dir, 'json.warc.gz'), '--url', PAGE, '--timestamp', '2016']);
  assert.equal(invalid.code, 3);
  assert.match(invalid.stderr, new RegExp(`json\\.warc\\.gz at offset ${warc.length}: urn:embeds:http://example\\.com/p\\.html: payload is not valid JSON`));
  const index = await runCli(main, ['index', join(dir, 'json.warc.gz'), '-o', join(dir, 'json.cdxj')]);
  assert.equal(index.code, 3, 'indexing reports it too, and leaves it out');
  assert.match(index.stderr, /Indexed 3 metadata record/);
});

test('inject -o writes the page atomically, bytes kept; client prints or copies the browser script', async () => {
  const dir = await tempDir();
  const warc = await warcioWarc(dir);
  const page = Buffer.from('<html><head><meta charset="windows-1252"></head><body><p>caf\xe9</p><embed id="one" src="a.flv"><embed id="two" src="b.flv"></body></html>', 'latin1');
  await writeFile(join(dir, 'p.html'), page);
  const out = await runCli(main, ['inject', warc, '--url', PAGE, '--timestamp', '2016', '--html', join(dir, 'p.html'), '-o', join(dir, 'out.html')]);
  assert.equal(out.code, 0, out.stderr);
  assert.equal(out.stdout, '');
  const written = await readFile(join(dir, 'out.html'));
  assert.deepEqual(written.subarray(0, page.indexOf('<embed')), page.subarray(0, page.indexOf('<embed')));
  const path = (await runCli(main, ['client'])).stdout.trim();
  assert.match(path, /dist\/client\/warckit-transclusions\.js$/);
  const copied = await runCli(main, ['client', '-o', join(dir, 'static', 'transclusions.js')]);
  assert.equal(copied.code, 0, copied.stderr);
  const intoDir = await runCli(main, ['client', '-o', join(dir, 'static')]);
  assert.equal(intoDir.code, 2);
  assert.match(intoDir.stderr, /static: is a directory; give the client's file name in it \(.*static\/transclusions\.js for pywb's static\/ directory/);
  assert.deepEqual(await readFile(join(dir, 'static', 'transclusions.js')), await readFile(path));
});

test('-o naming one of the command\'s own inputs (the WARC being indexed, the WARC or page being injected) is refused, exit 2; the file is left as it was', async () => {
  const dir = await tempDir();
  const warc = await warcioWarc(dir);
  const page = join(dir, 'p.html');
  await writeFile(page, '<html><embed id="one" src="a.flv"></html>');
  const index = join(dir, 'site.cdxj');
  assert.equal((await runCli(main, ['index', warc, '-o', index])).code, 0);
  const before = await Promise.all([warc, page, index].map((f) => readFile(f)));
  const runs: Array<[string[], RegExp]> = [
    [['index', warc, '-o', warc], /warcio\.warc\.gz is one of the inputs: refusing to replace it with the index/],
    [['index', warc, '-o', join(dir, '.', 'warcio.warc.gz')], /is one of the inputs/],
    [['inject', index, '--url', PAGE, '--timestamp', '2016', '--html', page, '-o', warc], /warcio\.warc\.gz is one of the inputs: refusing to replace it with the page/],
    [['inject', index, '--url', PAGE, '--timestamp', '2016', '--html', page, '-o', index], /site\.cdxj is one of the inputs/],
    [['inject', warc, '--url', PAGE, '--timestamp', '2016', '--html', page, '-o', page], /p\.html is the page given with --html: refusing to replace it with the page; write it elsewhere/],
  ];
  for (const [argv, message] of runs) {
    const r = await runCli(main, argv);
    assert.equal(r.code, 2, `${argv.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
  assert.deepEqual(await Promise.all([warc, page, index].map((f) => readFile(f))), before, 'nothing replaced');
});
