/**
 * The whole job: a page with two <embed>ed FLV videos and a WAV → warckit-convert →
 * warckit --conversions --transclusions → warckit-replay inject, then the injected page
 * played in a real browser (Debian's Chromium, driven by playwright-core) with the media
 * served from the WARC's records.
 */
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import * as cheerio from 'cheerio';
import { main as convertMain } from '../../src/cli/convert.js';
import { main as replayMain } from '../../src/cli/replay.js';
import { main as warcMain } from '../../src/cli/warckit.js';
import { browserSkip, launchChromium, playAll } from '../helpers/browser.js';
import { runCli } from '../helpers/cli.js';
import { makeClip } from '../helpers/media.js';
import { tempDir } from '../helpers/tmp.js';
import { readWarc } from '../helpers/warc-check.js';

const P = 'http://www.example.com/';
const PAGE = `${P}page.html`;
const TS = '20090415120000';

const HTML = `<!doctype html><html><head><title>Old page</title></head><body>
<h1>Videos</h1>
<embed id="one" src="media/first.flv" width="160" height="120">
<p>between</p>
<embed id="two" src="media/second clip.flv" width="160" height="120">
<embed id="three" src="media/talk.wav" width="300" height="40">
</body></html>
`;

test('convert → WARC → inject: two <video> and one <audio> with the converted sources; plays in Chromium', { timeout: 300_000 }, async (t) => {
  const dir = await tempDir();
  const site = join(dir, 'site');
  await mkdir(join(site, 'media'), { recursive: true });
  await writeFile(join(site, 'page.html'), HTML);
  const flv = ['-c:v', 'flv1', '-c:a', 'libmp3lame', '-ar', '22050'];
  await makeClip(join(site, 'media', 'first.flv'), { seconds: 2, codecs: flv });
  await makeClip(join(site, 'media', 'second clip.flv'), { seconds: 2, codecs: flv });
  await makeClip(join(site, 'media', 'talk.wav'), { video: false, seconds: 2 });
  await writeFile(
    join(dir, 'transclusions.yaml'),
    `transclusions:
  ${P}media/first.flv:
    - {url: ${PAGE}, timestamp: ${TS}, selector: 'embed#one'}
  ${P}media/second%20clip.flv:
    - {url: ${PAGE}, timestamp: ${TS}, selector: 'embed#two'}
  ${P}media/talk.wav:
    - {url: ${PAGE}, timestamp: ${TS}, selector: 'embed#three'}
`,
  );

  const converted = await runCli(convertMain, [P, site, '--output-dir', join(dir, 'conversions'), '-q', '-j', '2']);
  assert.equal(converted.code, 0, converted.stderr);
  const results = join(dir, 'conversions', 'warcit-conversion-results.yaml');
  const written = await runCli(warcMain, [P, site, '-n', join(dir, 'archive'), '--conversions', results, '--transclusions', join(dir, 'transclusions.yaml'), '-q']);
  assert.equal(written.code, 0, written.stderr);
  const warc = join(dir, 'archive.warc.gz');

  const { records, problems } = await readWarc(warc);
  assert.deepEqual(problems, [], 'every digest checks out with an independent reader');
  const order = records.map((r) => `${r.type} ${r.targetUri ?? ''}`);
  const at = (line: string): number => order.indexOf(line);
  for (const media of ['first.flv', 'second%20clip.flv']) {
    const base = `${P}media/${media}`;
    const exts = ['png', 'webm', 'mp4', 'mkv'];
    const positions = [at(`resource ${base}`), ...exts.map((e) => at(`conversion ${base}.${e}`))];
    assert.ok(positions.every((p, i) => p >= 0 && (i === 0 || p === positions[i - 1]! + 1)), `${media}: resource then its conversions, in order: ${order.join('\n')}`);
    const metadata = order.indexOf(`resource urn:embeds:${PAGE}`, positions.at(-1));
    assert.equal(metadata, positions.at(-1)! + 1, `${media}: its metadata record right after`);
  }
  const talk = at(`resource ${P}media/talk.wav`);
  assert.deepEqual(order.slice(talk, talk + 5), [`resource ${P}media/talk.wav`, `conversion ${P}media/talk.wav.webm`, `conversion ${P}media/talk.wav.mp3`, `conversion ${P}media/talk.wav.flac`, `resource urn:embeds:${PAGE}`]);

  const injected = await runCli(replayMain, ['inject', warc, '--url', PAGE, '--timestamp', TS, '--html', join(site, 'page.html')]);
  assert.equal(injected.code, 0, injected.stderr);
  const $ = cheerio.load(injected.stdout);
  assert.equal($('video').length, 2);
  assert.equal($('audio').length, 1);
  assert.equal($('embed').length, 0);
  const sources = (sel: string) => $(sel).find('source').map((_, s) => `${$(s).attr('src')} ${$(s).attr('type')}`).get();
  assert.deepEqual(sources('video').slice(0, 3), [`${P}media/first.flv.webm video/webm`, `${P}media/first.flv.mp4 video/mp4`, `${P}media/first.flv video/x-flv`]);
  assert.deepEqual(sources('audio'), [`${P}media/talk.wav.webm audio/webm`, `${P}media/talk.wav.mp3 audio/mpeg`, `${P}media/talk.wav audio/x-wav`]);
  assert.equal($('video').first().attr('poster'), `${P}media/first.flv.png`);
  assert.ok(!injected.stdout.includes('.mkv') && !injected.stdout.includes('.flac'), 'skip_as_source formats are not offered');
  assert.equal($('p').text(), 'between', 'the rest of the page is kept');

  await t.test('the injected page plays in headless Chromium', { skip: browserSkip }, async () => {
    const byUrl = new Map(records.filter((r) => r.targetUri && (r.type === 'resource' || r.type === 'conversion')).map((r) => [r.targetUri!, r]));
    let html = '';
    const server = createServer((req, res) => {
      const path = decodeURIComponent(req.url ?? '/');
      if (path === '/page') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
        return;
      }
      const match = /^\/web\/\d+id_\/(.*)$/.exec(req.url ?? '');
      const record = match ? byUrl.get(match[1]!) : undefined;
      if (!record) {
        res.writeHead(404).end();
        return;
      }
      const body = record.payload;
      const range = /bytes=(\d*)-(\d*)/.exec(req.headers.range ?? '');
      const type = record.header('Content-Type') ?? 'application/octet-stream';
      if (range) {
        const start = range[1] ? Number(range[1]) : 0;
        const end = range[2] ? Math.min(Number(range[2]), body.length - 1) : body.length - 1;
        res.writeHead(206, { 'content-type': type, 'content-range': `bytes ${start}-${end}/${body.length}`, 'accept-ranges': 'bytes', 'content-length': end - start + 1 });
        res.end(body.subarray(start, end + 1));
      } else res.writeHead(200, { 'content-type': type, 'accept-ranges': 'bytes', 'content-length': body.length }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const browser = await launchChromium();
    try {
      const prefixed = await runCli(replayMain, ['inject', warc, '--url', PAGE, '--timestamp', TS, '--html', join(site, 'page.html'), '--prefix', `http://127.0.0.1:${port}/web/`]);
      assert.equal(prefixed.code, 0, prefixed.stderr);
      html = prefixed.stdout;
      const page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${port}/page`);
      const played = await playAll(page.mainFrame(), 3);
      assert.deepEqual(played.map((m) => m.tag), ['video', 'video', 'audio']);
      for (const m of played) {
        assert.ok(m.ready >= 3, `${m.media}: readyState ${m.ready} (${m.error})`);
        assert.ok(m.advanced > 0.2, `${m.media}: currentTime advanced by ${m.advanced}`);
      }
      assert.match(played[0]!.src, /first\.flv\.(webm|mp4)$/);
      assert.match(played[2]!.src, /talk\.wav\.(webm|mp3)$/);
    } finally {
      await browser.close();
      server.close();
    }
  });
});
