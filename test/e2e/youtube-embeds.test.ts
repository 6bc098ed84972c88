/**
 * A 2008-2012 blog page embedding two YouTube videos, one with the 2008 `<object>` code
 * (`youtube.com/v/ID`) and one with the `<iframe>` code (`youtube-nocookie.com/embed/ID`); the
 * videos, downloaded when the page was archived, are archived under their `youtu.be/ID` URLs
 * and named so in the manifest. Replayed in real ReplayWeb.page in Debian's Chromium, each
 * embed plays its own video.
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

const BLOG = 'http://blog.example.com/';
const PAGE = `${BLOG}2010/06/videos.html`;
const YT = 'https://youtu.be/';
const TS = '20100615120000';
const IDS = ['dQw4w9WgXcQ', '9bZkp7q19f0'];
const SECONDS = [2, 3];

const HTML = `<!DOCTYPE html><html><head><title>Two videos</title></head><body>
<h2>First</h2>
<object id="y0" width="425" height="344"><param name="movie" value="http://www.youtube.com/v/${IDS[0]}&hl=en&fs=1"></param><param name="allowFullScreen" value="true"></param><embed src="http://www.youtube.com/v/${IDS[0]}&hl=en&fs=1" type="application/x-shockwave-flash" allowfullscreen="true" width="425" height="344"></embed></object>
<h2>Second</h2>
<iframe id="y1" width="560" height="315" src="https://www.youtube-nocookie.com/embed/${IDS[1]}?rel=0" frameborder="0" allowfullscreen></iframe>
<p id="end">The end.</p>
</body></html>
`;

/** Every file is media: the downloads have no extension, as their youtu.be URLs. */
const RULES = `file_types:
  - regex: '.*'
    conversion_rules:
      - {name: webm, ext: webm, mime: video/webm, command: 'ffmpeg -y -nostdin -i {input} -c:v libvpx-vp9 -deadline realtime -cpu-used 8 -crf 40 -b:v 0 -c:a libopus {output}'}
`;

test('two YouTube embeds of 2008 and 2012 markup, the videos archived under youtu.be URLs: in ReplayWeb.page each embed plays its own video', { skip: browserSkip, timeout: 300_000 }, async (t) => {
  const dir = await tempDir();
  const blog = join(dir, 'blog');
  const videos = join(dir, 'videos');
  await mkdir(join(blog, '2010', '06'), { recursive: true });
  await writeFile(join(blog, '2010', '06', 'videos.html'), HTML);
  await mkdir(videos);
  for (const [i, id] of IDS.entries()) await makeClip(join(videos, id), { seconds: SECONDS[i]!, codecs: ['-c:v', 'libx264', '-c:a', 'aac', '-f', 'mp4'] });
  await writeFile(join(dir, 'rules.yaml'), RULES);
  const results = join(dir, 'results.yaml');
  const converted = await runCli(convertMain, [YT, videos, '--rules', join(dir, 'rules.yaml'), '--output-dir', join(dir, 'conversions'), '--results', results, '-q', '-j', '2']);
  assert.equal(converted.code, 0, converted.stderr);
  await writeFile(join(dir, 'tc.yaml'), `transclusions:\n${IDS.map((id) => `  ${YT}${id}:\n    - {url: ${PAGE}, timestamp: ${TS}}\n`).join('')}`);
  const pages = await runCli(warcMain, [BLOG, blog, '-n', join(dir, 'blog'), '-d', TS, '--cdxj', '-q']);
  assert.equal(pages.code, 0, pages.stderr);
  const media = await runCli(warcMain, [YT, videos, '-n', join(dir, 'youtube'), '-d', TS, '--conversions', results, '--transclusions', join(dir, 'tc.yaml'), '--transclusion-format', 'both', '--conversions-as', 'resource', '--cdxj', '-q']);
  assert.equal(media.code, 0, media.stderr);
  await packWacz(join(dir, 'blog.wacz'), [join(dir, 'blog.warc.gz'), join(dir, 'youtube.warc.gz')]);

  const { frame, close } = await replayOnce(t, 'blog.wacz', join(dir, 'blog.wacz'), PAGE, TS);
  try {
    const played = await playAll(frame, 2);
    assert.equal(played.length, 2, JSON.stringify(played));
    for (const m of played) assert.ok(m.error === null && m.advanced > 0.2, JSON.stringify(m));
    const players = await frame.evaluate(() => Array.from(document.querySelectorAll<HTMLMediaElement>('[data-warckit-media]')).map((el) => ({ id: el.id, media: el.getAttribute('data-warckit-media'), duration: el.duration })));
    for (const [i, id] of IDS.entries()) {
      const got = players.find((p) => p.id === `y${i}`);
      assert.ok(got, `embed y${i} was replaced: ${JSON.stringify(players)}`);
      assert.equal(got.media, `${YT}${id}`);
      assert.ok(Math.abs(got.duration - SECONDS[i]!) < 0.5, `y${i} plays video ${id} (${SECONDS[i]} s): duration ${got.duration}`);
    }
    assert.match(await frame.evaluate(() => document.body.innerText), /The end\./);
  } finally {
    await close();
  }
});
