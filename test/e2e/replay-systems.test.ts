/**
 * WARCs written by warckit, replayed in Debian's Chromium with warckit's client deployed as the
 * README says: in real ReplayWeb.page (npm `replaywebpage`), and in a page served the way pywb
 * serves it. Every media of the page must play; a record added later for the same capture adds
 * its media; a later capture of the page gets only its own.
 */
import assert from 'node:assert/strict';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { main as convertMain } from '../../src/cli/convert.js';
import { main as warcMain } from '../../src/cli/warckit.js';
import { browserSkip, launchChromium, type PlayedMedia, playAll } from '../helpers/browser.js';
import { runCli } from '../helpers/cli.js';
import { makeClip } from '../helpers/media.js';
import { startPywbLike } from '../helpers/pywb-like.js';
import { startReplayWebPage } from '../helpers/replaywebpage.js';
import { tempDir } from '../helpers/tmp.js';
import { readWarc } from '../helpers/warc-check.js';

const P = 'http://www.example.com/';
const PAGE = `${P}page.html`;
const T2009 = '20090415120000';
const T2012 = '20120101000000';
const FLV = ['-c:v', 'flv1', '-c:a', 'libmp3lame', '-ar', '22050'];

const PAGE_2009 = `<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
<html><head><title>Media (2009)</title></head><body>
<h1>Our media</h1>
<object id="one" type="application/x-shockwave-flash" data="player.swf" width="320" height="240">
  <param name="movie" value="player.swf"><param name="flashvars" value="file=media/first.flv">
  <embed src="player.swf" flashvars="file=media/first.flv" width="320" height="240">
</object>
<p>A clip:</p>
<embed id="two" src="media/second clip.flv" type="video/x-flv" width="200" height="150">
<p>A talk:</p>
<embed id="three" src="media/talk.wav" width="300" height="40">
<p>Added later:</p>
<embed id="four" src="media/fourth.flv" width="160" height="120">
<p id="end">The end.</p>
</body></html>
`;
const PAGE_2012 = '<html><body><h1>Redesigned (2012)</h1><embed id="solo" src="media/first.flv" width="320" height="240"><p>Only one now.</p></body></html>\n';

async function write(path: string, text: string): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, text);
}

function manifest(entries: Array<[string, string, string]>): string {
  return `transclusions:\n${entries.map(([media, ts, selector]) => `  ${P}${media}:\n    - {url: ${PAGE}, timestamp: ${ts}, selector: '${selector}'}\n`).join('')}`;
}

/** warckit-convert then warckit (-a after the first run), conversions as resource records for wabac.js. */
async function archive(dir: string, name: string, input: string, ts: string, transclusions: string, append: boolean): Promise<void> {
  const results = join(dir, `${name}-results.yaml`);
  const converted = await runCli(convertMain, [P, input, '--output-dir', join(dir, `conversions-${name}`), '--results', results, '-q', '-j', '2']);
  assert.equal(converted.code, 0, converted.stderr);
  const manifestPath = join(dir, `${name}-transclusions.yaml`);
  await writeFile(manifestPath, transclusions);
  const args = [P, input, '-n', join(dir, 'site'), '-d', ts, '--conversions', results, '--transclusions', manifestPath, '--transclusion-format', 'both', '--conversions-as', 'resource', '-q'];
  const written = await runCli(warcMain, append ? [...args, '-a'] : args);
  assert.equal(written.code, 0, written.stderr);
}

function summary(played: PlayedMedia[]): string[] {
  return played.map((m) => `${m.tag} ${m.media?.slice(P.length)}`);
}

function assertAllPlay(played: PlayedMedia[]): void {
  for (const m of played) {
    assert.equal(m.error, null, `${m.media}: ${m.error}`);
    assert.ok(m.ready >= 3, `${m.media}: readyState ${m.ready}`);
    assert.ok(m.advanced > 0.2, `${m.media}: currentTime advanced by ${m.advanced}`);
    assert.match(m.src, /id_\/http:\/\/www\.example\.com\/media\/.+\.(webm|mp4|mp3)$/, `${m.media} plays a converted copy from the archive`);
  }
}

/** The site archived in three runs: the 2009 page with three media, a fourth added later for the same capture, the 2012 page. */
async function archiveSite(dir: string): Promise<{ first: string; all: string }> {
  await write(join(dir, 'site', 'page.html'), PAGE_2009);
  await mkdir(join(dir, 'site', 'media'), { recursive: true });
  await makeClip(join(dir, 'site', 'media', 'first.flv'), { seconds: 2, codecs: FLV });
  await makeClip(join(dir, 'site', 'media', 'second clip.flv'), { seconds: 2, codecs: FLV });
  await makeClip(join(dir, 'site', 'media', 'talk.wav'), { video: false, seconds: 2 });
  await mkdir(join(dir, 'extra', 'media'), { recursive: true });
  await makeClip(join(dir, 'extra', 'media', 'fourth.flv'), { seconds: 2, codecs: FLV });
  await write(join(dir, 'later', 'page.html'), PAGE_2012);
  await mkdir(join(dir, 'later', 'media'), { recursive: true });
  await copyFile(join(dir, 'site', 'media', 'first.flv'), join(dir, 'later', 'media', 'first.flv'));

  await archive(dir, 'site', join(dir, 'site'), T2009, manifest([['media/first.flv', T2009, 'object#one'], ['media/second%20clip.flv', T2009, 'embed[src*="second"]'], ['media/talk.wav', T2009, '#three']]), false);
  const first = join(dir, 'first-run.warc.gz');
  await copyFile(join(dir, 'site.warc.gz'), first);
  // Later: one more media for the same capture, in a record of its own...
  await archive(dir, 'extra', join(dir, 'extra'), T2009, manifest([['media/fourth.flv', T2009, '#four']]), true);
  // ...and a capture of the redesigned page with one media.
  await archive(dir, 'later', join(dir, 'later'), T2012, manifest([['media/first.flv', T2012, '#solo']]), true);
  const all = join(dir, 'site.warc.gz');
  const { problems, records } = await readWarc(all);
  assert.deepEqual(problems, [], 'every digest checks out with an independent reader');
  assert.equal(records.filter((r) => r.targetUri?.startsWith(`urn:transclusions:${PAGE}?warckit-record=`)).length, 3);
  return { first, all };
}

interface Replayed {
  played: PlayedMedia[];
  text: string;
}

/** What each of the three views must show. */
function checkViews(before: Replayed, after: Replayed, later: Replayed): void {
  assert.deepEqual(summary(before.played), ['video media/first.flv', 'video media/second%20clip.flv', 'audio media/talk.wav']);
  assertAllPlay(before.played);
  assert.deepEqual(before.played.map((m) => `${m.width}x${m.height}`), ['320x240', '200x150', '300x40'], 'each keeps the size of the player it replaces');
  assert.match(before.text, /The end\./, 'the page after the players is all there');
  assert.deepEqual(summary(after.played), ['video media/first.flv', 'video media/second%20clip.flv', 'audio media/talk.wav', 'video media/fourth.flv']);
  assertAllPlay(after.played);
  assert.match(later.text, /Redesigned \(2012\)/);
  assert.deepEqual(summary(later.played), ['video media/first.flv'], 'only the later capture’s own media');
  assertAllPlay(later.played);
}

test('replay with the client: every media plays; a later record adds one; a later capture gets only its own', { skip: browserSkip, timeout: 600_000 }, async (t) => {
  const dir = await tempDir();
  const { first, all } = await archiveSite(dir);
  const browser = await launchChromium();
  t.after(() => browser.close());

  await t.test('in ReplayWeb.page (wabac.js turns <embed> into an <iframe> that swallows the page; the client repairs that)', async () => {
    const server = await startReplayWebPage();
    server.addWarc('first-run.warc.gz', first);
    server.addWarc('site.warc.gz', all);
    try {
      const open = async (name: string, ts: string, count: number): Promise<Replayed> => {
        const { frame, close } = await server.open(browser, name, PAGE, ts);
        try {
          return { played: await playAll(frame, count), text: await frame.evaluate(() => document.body.innerText) };
        } finally {
          await close();
        }
      };
      checkViews(await open('first-run.warc.gz', T2009, 3), await open('site.warc.gz', T2009, 4), await open('site.warc.gz', T2012, 1));
    } finally {
      await server.close();
    }
  });

  await t.test("served as pywb serves it (wbinfo, CDX API, id_ URLs, the client as static/transclusions.js)", async () => {
    const servers = [await startPywbLike([first]), await startPywbLike([all])];
    try {
      const open = async (server: { origin: string }, ts: string, count: number): Promise<Replayed> => {
        const context = await browser.newContext();
        try {
          const tab = await context.newPage();
          await tab.goto(`${server.origin}/my-coll/${ts}mp_/${PAGE}`);
          return { played: await playAll(tab.mainFrame(), count), text: await tab.evaluate(() => document.body.innerText) };
        } finally {
          await context.close();
        }
      };
      checkViews(await open(servers[0]!, T2009, 3), await open(servers[1]!, T2009, 4), await open(servers[1]!, T2012, 1));
    } finally {
      await Promise.all(servers.map((s) => s.close()));
    }
  });
});
