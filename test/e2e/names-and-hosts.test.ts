/**
 * Media and pages named as real legacy sites named them, replayed in real ReplayWeb.page in
 * Debian's Chromium: media files named with non-ASCII characters (café.flv, 日本.flv), a page
 * named with a space, a site written with its URL prefix in capitals, and a manifest naming the
 * page under www. while the crawl captured it without. Each player must play its own media
 * (told apart by duration).
 */
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { main as convertMain } from '../../src/cli/convert.js';
import { main as warcMain } from '../../src/cli/warckit.js';
import { browserSkip, playAll } from '../helpers/browser.js';
import { runCli } from '../helpers/cli.js';
import { makeClip } from '../helpers/media.js';
import { replayOnce } from '../helpers/replaywebpage.js';
import { tempDir } from '../helpers/tmp.js';
import { packWacz } from '../helpers/wacz.js';

const TS = '20090415120000';
const FLV = ['-c:v', 'flv1', '-c:a', 'libmp3lame', '-ar', '22050'];

const PAGE_HTML = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Clips</title></head><body>
<embed id="cafe" src="media/café.flv" width="160" height="120">
<embed id="nihon" src="media/%E6%97%A5%E6%9C%AC.flv" width="160" height="120">
</body></html>
`;

test('media named café.flv and 日本.flv on a page named "my page.html", the site written as HTTP://WWW.EXAMPLE.COM/ and the manifest naming the page under www. while the crawl has it without: in ReplayWeb.page each player plays its own media', { skip: browserSkip, timeout: 300_000 }, async (t) => {
  const dir = await tempDir();
  const media = join(dir, 'media-site');
  await mkdir(join(media, 'media'), { recursive: true });
  await makeClip(join(media, 'media', 'café.flv'), { seconds: 2, codecs: FLV });
  await makeClip(join(media, 'media', '日本.flv'), { seconds: 3, codecs: FLV });
  const results = join(dir, 'results.yaml');
  const converted = await runCli(convertMain, ['HTTP://WWW.EXAMPLE.COM/', media, '--output-dir', join(dir, 'conversions'), '--results', results, '-q', '-j', '2']);
  assert.equal(converted.code, 0, converted.stderr);
  // The crawl captured the page at http://example.com/ (no www.); the manifest says www., raw space and raw é as written by hand.
  const crawl = join(dir, 'crawl');
  await mkdir(crawl);
  await writeFile(join(crawl, 'my page.html'), PAGE_HTML);
  const crawled = await runCli(warcMain, ['http://example.com/', crawl, '-n', join(dir, 'crawl'), '-d', TS, '--cdxj', '-q']);
  assert.equal(crawled.code, 0, crawled.stderr);
  await writeFile(join(dir, 'tc.yaml'), `transclusions:\n  http://www.example.com/media/café.flv:\n    - {url: 'http://www.example.com/my page.html', timestamp: ${TS}}\n  http://www.example.com/media/日本.flv:\n    - {url: 'http://www.example.com/my page.html', timestamp: ${TS}}\n`);
  const written = await runCli(warcMain, ['HTTP://WWW.EXAMPLE.COM/', media, '-n', join(dir, 'media'), '-d', TS, '--conversions', results, '--transclusions', join(dir, 'tc.yaml'), '--transclusion-format', 'both', '--conversions-as', 'resource', '--cdxj', '-q']);
  assert.equal(written.code, 0, written.stderr);
  await packWacz(join(dir, 'site.wacz'), [join(dir, 'crawl.warc.gz'), join(dir, 'media.warc.gz')]);

  const { frame, close } = await replayOnce(t, 'site.wacz', join(dir, 'site.wacz'), 'http://example.com/my%20page.html', TS);
  try {
    const played = await playAll(frame, 2);
    const byMedia = new Map(played.map((p) => [p.media, p]));
    for (const [name, seconds] of [['caf%C3%A9.flv', 2], ['%E6%97%A5%E6%9C%AC.flv', 3]] as const) {
      const p = byMedia.get(`http://www.example.com/media/${name}`);
      assert.ok(p, `a player for ${name}: ${JSON.stringify(played)}`);
      assert.equal(p.error, null, name);
      assert.ok(p.advanced > 0.2, `${name} played: ${JSON.stringify(p)}`);
      const duration = await frame.evaluate((media) => (document.querySelector(`[data-warckit-media="${media}"]`) as HTMLMediaElement).duration, `http://www.example.com/media/${name}`);
      assert.ok(Math.abs(duration - seconds) < 0.5, `${name}: ${duration} s, not ${seconds}`);
    }
  } finally {
    await close();
  }
});
