/**
 * A Flash player kept as the fallback inside a `<video>` ("Video for Everybody", 2010), whose
 * MP4 source was never archived: replayed in real ReplayWeb.page in Debian's Chromium, the page
 * shows one player, and it plays the converted copy from the archive.
 */
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { main as convertMain } from '../../src/cli/convert.js';
import { main as warcMain } from '../../src/cli/warckit.js';
import { browserSkip, launchChromium, playAll } from '../helpers/browser.js';
import { runCli } from '../helpers/cli.js';
import { makeClip } from '../helpers/media.js';
import { startReplayWebPage } from '../helpers/replaywebpage.js';
import { tempDir } from '../helpers/tmp.js';

const P = 'http://www.example.com/';
const PAGE = `${P}vfe.html`;
const TS = '20100615120000';

const VFE = `<!DOCTYPE html><html><head><title>Video for Everybody</title></head><body>
<video id="clip" width="320" height="240" controls>
  <source src="media/clip.mp4" type="video/mp4">
  <object type="application/x-shockwave-flash" data="player.swf" width="320" height="240">
    <param name="movie" value="player.swf"><param name="flashvars" value="file=media/clip.flv">
  </object>
</video>
<p id="end">The end.</p>
</body></html>
`;

test('a Flash fallback inside a <video> whose MP4 was never archived: in ReplayWeb.page the page shows one player, playing the converted copy', { skip: browserSkip, timeout: 300_000 }, async (t) => {
  const dir = await tempDir();
  const site = join(dir, 'site');
  await mkdir(join(site, 'media'), { recursive: true });
  await writeFile(join(site, 'vfe.html'), VFE);
  await makeClip(join(site, 'media', 'clip.flv'), { seconds: 2, codecs: ['-c:v', 'flv1', '-c:a', 'libmp3lame', '-ar', '22050'] });
  const results = join(dir, 'results.yaml');
  const converted = await runCli(convertMain, [P, site, '--output-dir', join(dir, 'conversions'), '--results', results, '-q', '-j', '2']);
  assert.equal(converted.code, 0, converted.stderr);
  await writeFile(join(dir, 'tc.yaml'), `transclusions:\n  ${P}media/clip.flv:\n    - {url: ${PAGE}, timestamp: ${TS}}\n`);
  const written = await runCli(warcMain, [P, site, '-n', join(dir, 'vfe'), '-d', TS, '--conversions', results, '--transclusions', join(dir, 'tc.yaml'), '--transclusion-format', 'both', '--conversions-as', 'resource', '-q']);
  assert.equal(written.code, 0, written.stderr);

  const browser = await launchChromium();
  t.after(() => browser.close());
  const server = await startReplayWebPage();
  server.addWarc('vfe.warc.gz', join(dir, 'vfe.warc.gz'));
  try {
    const { frame, close } = await server.open(browser, 'vfe.warc.gz', PAGE, TS);
    try {
      const played = await playAll(frame, 1);
      assert.equal(played.length, 1, `one player on the page: ${JSON.stringify(played)}`);
      const [video] = played;
      assert.equal(video!.media, `${P}media/clip.flv`);
      assert.equal(video!.error, null);
      assert.ok(video!.advanced > 0.2, `played: currentTime advanced by ${video!.advanced}`);
      assert.match(video!.src, /id_\/http:\/\/www\.example\.com\/media\/clip\.flv\.(webm|mp4)$/);
      assert.deepEqual([video!.width, video!.height], [320, 240]);
      assert.equal(await frame.evaluate(() => document.getElementById('clip')?.getAttribute('data-warckit-media')), `${P}media/clip.flv`, 'the <video> itself was replaced, keeping its id');
      assert.match(await frame.evaluate(() => document.body.innerText), /The end\./);
    } finally {
      await close();
    }
  } finally {
    await server.close();
  }
});
