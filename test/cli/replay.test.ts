import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
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
});

test('inject: each media in its own element; --prefix rewrites to <prefix><ts>id_/<url>', async () => {
  const dir = await tempDir();
  const warc = await warcioWarc(dir);
  await writeFile(join(dir, 'p.html'), '<html><body><embed id="one" src="a.flv"><embed id="two" src="b.flv"></body></html>');
  const out = await runCli(main, ['inject', warc, '--url', PAGE, '--timestamp', '20160102000000', '--html', join(dir, 'p.html'), '--prefix', 'http://localhost:8080/coll/']);
  assert.equal(out.code, 0, out.stderr);
  assert.match(out.stdout, /<video controls data-warckit-media="http:\/\/example\.com\/a\.flv" id="one"><source src="http:\/\/localhost:8080\/coll\/20160102000000id_\/http:\/\/example\.com\/a\.flv\.webm" type="video\/webm">/);
  assert.match(out.stdout, /<video controls data-warckit-media="http:\/\/example\.com\/b\.flv" id="two"><source src="http:\/\/localhost:8080\/coll\/20160102000000id_\/http:\/\/example\.com\/b\.flv\.webm"/);
});

test('errors name the file; bad timestamps and missing flags are refused', async () => {
  const dir = await tempDir();
  const warc = await warcioWarc(dir);
  const cases: Array<[string[], RegExp]> = [
    [['lookup', join(dir, 'none.warc.gz'), '--url', PAGE, '--timestamp', '2016'], /none\.warc\.gz: no such file/],
    [['inject', warc, '--url', PAGE, '--timestamp', '2016', '--html', join(dir, 'none.html')], /none\.html: cannot read \(ENOENT\)/],
    [['lookup', warc, '--url', PAGE, '--timestamp', 'yesterday'], /--timestamp: expected 4 to 14 digits/],
    [['lookup', warc, '--timestamp', '2016'], /Missing required argument: url/],
  ];
  for (const [argv, message] of cases) {
    const { code, stderr } = await runCli(main, argv);
    assert.equal(code, 2, argv.join(' '));
    assert.match(stderr, message);
  }
  const help = await runCli(main, ['inject', '--help']);
  assert.match(help.stdout, /--prefix/);
});
