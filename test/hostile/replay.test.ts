/**
 * Hostile inputs to warckit-replay: metadata that tries to replace the whole page, selectors
 * that do not parse, markup in URLs, oversized and damaged records. Each case says what must hold.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { WARCRecord, WARCSerializer } from 'warcio';
import { main } from '../../src/cli/replay.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const PAGE = 'http://e.com/p.html';
const HTML = '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN">\n<html><body><h1>Title</h1><embed id="one" src="a.flv"><p>text</p></body></html>\n';

async function record(uri: string, body: string | Buffer, type = 'application/vnd.transclusions+json'): Promise<Buffer> {
  const r = WARCRecord.create({ url: uri, date: '2016-01-02T00:00:00Z', type: 'resource', warcHeaders: { 'Content-Type': type } }, [typeof body === 'string' ? new TextEncoder().encode(body) : body]);
  return Buffer.from(await WARCSerializer.serialize(r, { gzip: true }));
}

function transclusions(entries: Record<string, { selector?: string; formats: Array<Record<string, unknown>> }>): string {
  return JSON.stringify({ transclusions: entries, webpage_url: PAGE, webpage_timestamp: '20160102000000' });
}

const webm = (media: string) => ({ formats: [{ url: `${media}.webm`, mime: 'video/webm' }] });

async function setup(body: string): Promise<{ dir: string; warc: string; html: string }> {
  const dir = await tempDir();
  const warc = join(dir, 'w.warc.gz');
  await writeFile(warc, await record(`urn:transclusions:${PAGE}?warckit-record=1`, body));
  const html = join(dir, 'p.html');
  await writeFile(html, HTML);
  return { dir, warc, html };
}

for (const selector of ['html', 'body', '*', 'html, embed', 'h1']) {
  test(`hostile: selector "${selector}" in metadata cannot replace the page — page byte-identical, refusal reported`, async () => {
    const { warc, html } = await setup(transclusions({ 'http://e.com/a.flv': { selector, ...webm('http://e.com/a.flv') } }));
    const out = await runCli(main, ['inject', warc, '--url', PAGE, '--timestamp', '2016', '--html', html]);
    assert.equal(out.code, 1, 'nothing applied');
    assert.equal(out.stdout, HTML);
    assert.match(out.stderr, /http:\/\/e\.com\/a\.flv: selector .*refused to replace/);
  });
}

test('hostile: an invalid selector is reported with its media; the other media still go in, and the exit status says not all did (1)', async () => {
  const { warc, html } = await setup(transclusions({ 'http://e.com/x.flv': { selector: 'embed[src=', ...webm('http://e.com/x.flv') }, 'http://e.com/a.flv': { selector: '#one', ...webm('http://e.com/a.flv') } }));
  const out = await runCli(main, ['inject', warc, '--url', PAGE, '--timestamp', '2016', '--html', html]);
  assert.equal(out.code, 1, out.stderr);
  assert.match(out.stderr, /http:\/\/e\.com\/x\.flv: selector "embed\[src=": invalid selector/);
  assert.match(out.stdout, /<video controls data-warckit-media="http:\/\/e\.com\/a\.flv" id="one">/);
});

test('hostile: markup in metadata URLs and attributes stays text', async () => {
  const evil = 'http://e.com/a.flv"><script>alert(1)</script>';
  const { warc, html } = await setup(transclusions({ [evil]: { selector: '#one', formats: [{ url: `${evil}.webm`, mime: 'video/webm"><script>x</script>' }, { url: 'javascript:alert(1)', poster: true }] } }));
  const out = await runCli(main, ['inject', warc, '--url', PAGE, '--timestamp', '2016', '--html', html]);
  assert.equal(out.code, 0, out.stderr);
  assert.doesNotMatch(out.stdout, /<script>/);
  assert.match(out.stdout, /&quot;&gt;&lt;script&gt;/);
});

test('hostile: a 20 MB "metadata" record is reported and not read into memory', async () => {
  const dir = await tempDir();
  const warc = join(dir, 'big.warc.gz');
  await writeFile(warc, Buffer.concat([await record(`urn:transclusions:${PAGE}?warckit-record=1`, Buffer.alloc(20 * 1024 * 1024, 0x20)), await record(`urn:transclusions:${PAGE}?warckit-record=2`, transclusions({ 'http://e.com/a.flv': webm('http://e.com/a.flv') }))]));
  const out = await runCli(main, ['lookup', warc, '--url', PAGE, '--timestamp', '2016']);
  assert.equal(out.code, 3);
  assert.match(out.stderr, /big\.warc\.gz at offset 0: metadata record .* is larger than 16 MiB: not read/);
  assert.deepEqual(JSON.parse(out.stdout).transclusions.map((t: { mediaUrl: string }) => t.mediaUrl), ['http://e.com/a.flv']);
});

test('hostile: a page of binary garbage is injected into without a crash, bytes kept', async () => {
  const { dir, warc } = await setup(transclusions({ 'http://e.com/a.flv': webm('http://e.com/a.flv') }));
  const garbage = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919) % 256));
  await writeFile(join(dir, 'g.html'), garbage);
  const out = await runCli(main, ['inject', warc, '--url', PAGE, '--timestamp', '2016', '--html', join(dir, 'g.html'), '-o', join(dir, 'out.html')]);
  assert.equal(out.code, 1, 'no player in it: nothing applied');
  assert.deepEqual(await readFile(join(dir, 'out.html')), garbage);
});

test('hostile: a FIFO or a device given as the page, a WARC or an index is an error naming it, never a hang', async () => {
  const { dir, warc, html } = await setup(transclusions({ 'http://e.com/a.flv': webm('http://e.com/a.flv') }));
  const fifo = join(dir, 'pipe.warc.gz');
  execFileSync('mkfifo', [fifo]);
  const cases: Array<[string[], RegExp]> = [
    [['lookup', fifo, '--url', PAGE, '--timestamp', '2016'], /pipe\.warc\.gz: the replay input is not a regular file but a FIFO/],
    [['lookup', '/dev/zero', '--url', PAGE, '--timestamp', '2016'], /\/dev\/zero: the replay input is not a regular file but a character device/],
    [['inject', warc, '--url', PAGE, '--timestamp', '2016', '--html', fifo], /pipe\.warc\.gz: the page is not a regular file but a FIFO/],
    [['index', fifo, '-o', join(dir, 'x.cdxj')], /pipe\.warc\.gz: the replay input is not a regular file but a FIFO/],
  ];
  for (const [argv, message] of cases) {
    const out = await runCli(main, argv);
    assert.equal(out.code, 2, argv.join(' '));
    assert.match(out.stderr, message);
  }
  assert.deepEqual(await readFile(html, 'utf8'), HTML);
});

test('a manifest page named with a raw space (my page.html): warckit writes its records at my%20page.html, and lookup finds them through the WARC and through its index, asked either way', async () => {
  const dir = await tempDir();
  const { main: warckit } = await import('../../src/cli/warckit.js');
  await import('node:fs/promises').then(({ mkdir }) => mkdir(join(dir, 'site')));
  await writeFile(join(dir, 'site', 'a.flv'), 'FLV');
  await writeFile(join(dir, 'site', 'my page.html'), '<embed src="a.flv">');
  await writeFile(join(dir, 'tr.yaml'), "transclusions:\n  http://x/a.flv:\n    - url: http://x/my page.html\n      timestamp: '20100101000000'\n");
  const w = await runCli(warckit, ['http://x/', join(dir, 'site'), '-n', join(dir, 'own'), '--transclusions', join(dir, 'tr.yaml'), '--transclusion-format', 'both', '-q']);
  assert.equal(w.code, 0, w.stderr);
  const uris = execFileSync('sh', ['-c', `zcat ${join(dir, 'own.warc.gz')} | grep -a '^WARC-Target-URI: urn'`]).toString();
  assert.match(uris, /urn:embeds:http:\/\/x\/my%20page\.html\r?\n/);
  assert.doesNotMatch(uris, / page/);
  const index = await runCli(main, ['index', join(dir, 'own.warc.gz'), '-o', join(dir, 'own.cdxj'), '-q']);
  assert.equal(index.code, 0, index.stderr);
  for (const source of ['own.warc.gz', 'own.cdxj']) {
    for (const url of ['http://x/my page.html', 'http://x/my%20page.html']) {
      const r = await runCli(main, ['lookup', join(dir, source), '--url', url, '--timestamp', '20100101000000']);
      assert.equal(r.code, 0, `${source} ${url}: ${r.stderr}`);
      assert.match(r.stdout, /a\.flv/);
    }
  }
});

test('a manifest naming the page http://www.x.com/watch.html, captured as https://x.com/watch.html: lookup (through the WARC and its index) finds its media, as pywb finds the page', async () => {
  const dir = await tempDir();
  const { main: warckit } = await import('../../src/cli/warckit.js');
  await import('node:fs/promises').then(({ mkdir }) => mkdir(join(dir, 'site')));
  await writeFile(join(dir, 'site', 'a.flv'), 'FLV');
  await writeFile(join(dir, 'tr.yaml'), "transclusions:\n  http://www.x.com/a.flv:\n    - url: http://www.x.com/watch.html\n      timestamp: '20100101000000'\n");
  const w = await runCli(warckit, ['http://www.x.com/', join(dir, 'site'), '-n', join(dir, 'own'), '--transclusions', join(dir, 'tr.yaml'), '--transclusion-format', 'both', '-q']);
  assert.equal(w.code, 0, w.stderr);
  const index = await runCli(main, ['index', join(dir, 'own.warc.gz'), '-o', join(dir, 'own.cdxj'), '-q']);
  assert.equal(index.code, 0, index.stderr);
  for (const source of ['own.warc.gz', 'own.cdxj']) {
    for (const url of ['https://x.com/watch.html', 'http://x.com/watch.html', 'http://www.x.com/watch.html']) {
      const r = await runCli(main, ['lookup', join(dir, source), '--url', url, '--timestamp', '20100101000000']);
      assert.equal(r.code, 0, `${source} ${url}: ${r.stderr}`);
      assert.match(r.stdout, /a\.flv/);
    }
  }
});
