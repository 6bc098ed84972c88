/**
 * The archive's usual layout: the pages are in a crawl's WARC, and warckit writes the media, their
 * conversions and the transclusion metadata into a WARC of their own. ReplayWeb.page loads one
 * source, so both go into one WACZ (README: "Pages and media in different WARCs"); replayed in
 * real ReplayWeb.page in Debian's Chromium, the page from the one WARC plays the media of the other.
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

const P = 'http://www.example.com/';
const PAGE = `${P}news/2009/interview.html`;
const TS = '20090415120000';

const HTML = `<!DOCTYPE html><html><head><title>Interview</title></head><body>
<h1>The interview</h1>
<object id="player" width="320" height="240" data="/player.swf"><param name="flashvars" value="file=/media/interview.flv"></object>
<p id="end">The end.</p>
</body></html>
`;

test("a crawl's WARC of pages and warckit's WARC of media, packed in one WACZ: in ReplayWeb.page the page plays the media", { skip: browserSkip, timeout: 300_000 }, async (t) => {
  const dir = await tempDir();
  const pages = join(dir, 'crawl');
  const media = join(dir, 'media-files');
  await mkdir(join(pages, 'news', '2009'), { recursive: true });
  await writeFile(join(pages, 'news', '2009', 'interview.html'), HTML);
  await mkdir(join(media, 'media'), { recursive: true });
  await makeClip(join(media, 'media', 'interview.flv'), { seconds: 2, codecs: ['-c:v', 'flv1', '-c:a', 'libmp3lame', '-ar', '22050'] });
  const results = join(dir, 'results.yaml');
  const converted = await runCli(convertMain, [P, media, '--output-dir', join(dir, 'conversions'), '--results', results, '-q', '-j', '2']);
  assert.equal(converted.code, 0, converted.stderr);
  await writeFile(join(dir, 'tc.yaml'), `transclusions:\n  ${P}media/interview.flv:\n    - {url: ${PAGE}, timestamp: ${TS}}\n`);

  // The crawl's WARC stands for one made by any crawler; warckit's own holds no page.
  const crawl = await runCli(warcMain, [P, pages, '-n', join(dir, 'crawl'), '-d', TS, '--cdxj', '-q']);
  assert.equal(crawl.code, 0, crawl.stderr);
  const written = await runCli(warcMain, [P, media, '-n', join(dir, 'media'), '-d', TS, '--conversions', results, '--transclusions', join(dir, 'tc.yaml'), '--transclusion-format', 'both', '--conversions-as', 'resource', '--cdxj', '-q']);
  assert.equal(written.code, 0, written.stderr);
  await packWacz(join(dir, 'site.wacz'), [join(dir, 'crawl.warc.gz'), join(dir, 'media.warc.gz')]);

  const { frame, close } = await replayOnce(t, 'site.wacz', join(dir, 'site.wacz'), PAGE, TS);
  try {
    const [video, ...more] = await playAll(frame, 1);
    assert.deepEqual(more, []);
    assert.ok(video, 'a player on the page');
    assert.equal(video.media, `${P}media/interview.flv`);
    assert.equal(video.error, null);
    assert.ok(video.advanced > 0.2, `played: ${JSON.stringify(video)}`);
    assert.match(video.src, /id_\/http:\/\/www\.example\.com\/media\/interview\.flv\.(webm|mp4)$/);
    assert.equal(await frame.evaluate(() => document.getElementById('player')?.getAttribute('data-warckit-media')), `${P}media/interview.flv`);
  } finally {
    await close();
  }
});
