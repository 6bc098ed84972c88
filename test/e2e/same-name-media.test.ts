/**
 * Episodes in directories of their own, each file called `video.flv` (a common layout of 2008),
 * played by an `<embed>` and by two JW Player-style `<object>`s whose flashvars name the file
 * relative to the page: replayed in real ReplayWeb.page in Debian's Chromium, every player plays
 * its own episode. Replay systems rewrite `src` into a full URL but leave flashvars as written,
 * so only resolving `file=ep2/video.flv` against the page tells episode 2 from episode 3. A second
 * page has the same episodes written by SWFObject 1.5 and 2 into placeholders (no Flash, and
 * swfobject.js never archived: the placeholders are what the page shows). A third has them in a
 * `<video>` naming the FLV itself, an `<iframe>` of a Flash player's page, and a RealPlayer
 * metafile (`ep3/video.ram`).
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
const PAGE = `${P}shows/index.html`;
/** The same episodes, written by scripts into placeholders (SWFObject 1.5 and 2); swfobject.js itself was never archived. */
const SCRIPTED_PAGE = `${P}shows/scripted.html`;
/** The same episodes in a <video> that names the FLV itself, a Flash player's page in an <iframe>, and a RealPlayer metafile. */
const LEGACY_PAGE = `${P}shows/legacy.html`;
const TS = '20080301120000';
const episode = (n: number): string => `${P}shows/ep${n}/video.flv`;
/** Each episode lasts a different time, so a player's duration tells which file it plays. */
const SECONDS: Record<number, number> = { 1: 2, 2: 3, 3: 4 };

const player = (n: number): string => `<object id="p${n}" type="application/x-shockwave-flash" data="../player.swf" width="320" height="240">
  <param name="movie" value="../player.swf"><param name="flashvars" value="file=ep${n}/video.flv&amp;autostart=false">
</object>`;

const SCRIPTED = `<!DOCTYPE html><html><head><title>Episodes</title><script src="swfobject.js"></script>
<script>
  var s1 = new SWFObject('../player.swf', 'mpl', '320', '240', '9');
  s1.addParam('flashvars', 'file=ep1/video.flv&autostart=false');
  s1.write('p1');
</script></head><body>
<h2>Episode 1</h2><p id="p1">The player will show in this paragraph. <a href="http://www.adobe.com/go/getflashplayer">Get Flash</a></p>
<h2>Episode 2</h2><div id="p2" style="width:320px;height:240px">Flash is needed to see this video.</div>
<h2>Episode 3</h2><div id="p3" style="width:320px;height:240px">Flash is needed to see this video.</div>
<script>
  swfobject.embedSWF('../player.swf', 'p2', '320', '240', '9.0.0', false, {file: 'ep2/video.flv'});
  swfobject.embedSWF('../player.swf', 'p3', '320', '240', '9.0.0', false, {file: 'ep3/video.flv'});
</script>
<p id="end">The end.</p>
</body></html>
`;

const LEGACY = `<!DOCTYPE html><html><head><title>Episodes</title></head><body>
<h2>Episode 1</h2><video id="p1" src="ep1/video.flv" width="320" height="240" controls></video>
<h2>Episode 2</h2><iframe id="p2" src="../player.html?file=shows/ep2/video.flv" width="320" height="240"></iframe>
<h2>Episode 3</h2><embed id="p3" src="ep3/video.ram" type="audio/x-pn-realaudio-plugin" width="320" height="240">
<p id="end">The end.</p>
</body></html>
`;

const SHOWS = `<!DOCTYPE html><html><head><title>Episodes</title></head><body>
<h2>Episode 1</h2><embed id="p1" src="ep1/video.flv" width="320" height="240">
<h2>Episode 2</h2>${player(2)}
<h2>Episode 3</h2>${player(3)}
<p id="end">The end.</p>
</body></html>
`;

test('three episodes all named video.flv, in directories of their own, in players of the markup, players scripts write, and a <video>, a player page and a metafile: in ReplayWeb.page each player plays its own episode', { skip: browserSkip, timeout: 300_000 }, async (t) => {
  const dir = await tempDir();
  const site = join(dir, 'site');
  for (const n of [1, 2, 3]) {
    await mkdir(join(site, 'shows', `ep${n}`), { recursive: true });
    await makeClip(join(site, 'shows', `ep${n}`, 'video.flv'), { seconds: SECONDS[n]!, codecs: ['-c:v', 'flv1', '-c:a', 'libmp3lame', '-ar', '22050'] });
  }
  await writeFile(join(site, 'shows', 'index.html'), SHOWS);
  await writeFile(join(site, 'shows', 'scripted.html'), SCRIPTED);
  await writeFile(join(site, 'shows', 'legacy.html'), LEGACY);
  const results = join(dir, 'results.yaml');
  const converted = await runCli(convertMain, [P, site, '--output-dir', join(dir, 'conversions'), '--results', results, '-q', '-j', '2']);
  assert.equal(converted.code, 0, converted.stderr);
  // Listed in another order than the page's: the first media called video.flv is never the right one by chance.
  await writeFile(join(dir, 'tc.yaml'), `transclusions:\n${[3, 2, 1].map((n) => `  ${episode(n)}:\n    - {url: ${PAGE}, timestamp: ${TS}}\n    - {url: ${SCRIPTED_PAGE}, timestamp: ${TS}}\n    - {url: ${LEGACY_PAGE}, timestamp: ${TS}}\n`).join('')}`);
  const written = await runCli(warcMain, [P, site, '-n', join(dir, 'shows'), '-d', TS, '--conversions', results, '--transclusions', join(dir, 'tc.yaml'), '--transclusion-format', 'both', '--conversions-as', 'resource', '-q']);
  assert.equal(written.code, 0, written.stderr);

  const browser = await launchChromium();
  t.after(() => browser.close());
  const server = await startReplayWebPage();
  server.addWarc('shows.warc.gz', join(dir, 'shows.warc.gz'));
  try {
    for (const page of [PAGE, SCRIPTED_PAGE, LEGACY_PAGE]) {
      const { frame, close } = await server.open(browser, 'shows.warc.gz', page, TS);
      try {
        const played = await playAll(frame, 3);
        assert.equal(played.length, 3, `${page}: three players: ${JSON.stringify(played)}`);
        for (const media of played) {
          assert.equal(media.error, null, JSON.stringify(media));
          assert.ok(media.advanced > 0.2, `${page}: played: ${JSON.stringify(media)}`);
        }
        const players = await frame.evaluate(() =>
          Array.from(document.querySelectorAll<HTMLMediaElement>('[data-warckit-media]')).map((el) => ({ id: el.id, media: el.getAttribute('data-warckit-media'), src: el.currentSrc, duration: el.duration })),
        );
        for (const n of [1, 2, 3]) {
          const got = players.find((p) => p.id === `p${n}`);
          assert.ok(got, `${page}: player p${n} was replaced: ${JSON.stringify(players)}`);
          assert.equal(got.media, episode(n), `${page}: p${n} names episode ${n}`);
          assert.match(got.src, new RegExp(`id_/http://www\\.example\\.com/shows/ep${n}/video\\.flv\\.(webm|mp4)$`));
          assert.ok(Math.abs(got.duration - SECONDS[n]!) < 0.5, `${page}: p${n} plays episode ${n} (${SECONDS[n]} s): duration ${got.duration}`);
        }
        assert.match(await frame.evaluate(() => document.body.innerText), /The end\./);
      } finally {
        await close();
      }
    }
  } finally {
    await server.close();
  }
});
