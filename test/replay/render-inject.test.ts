import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as cheerio from 'cheerio';
import { injectTransclusions } from '../../src/replay/inject.js';
import { parseTransclusionRecord, type Transclusion } from '../../src/replay/records.js';
import { mediaKind, renderMediaElement } from '../../src/replay/render.js';

const video: Transclusion = {
  mediaUrl: 'http://e.com/v.flv',
  selector: 'object, embed',
  formats: [
    { url: 'http://e.com/v.flv.png', mime: 'image/png', poster: true },
    { url: 'http://e.com/v.flv.webm', mime: 'video/webm' },
    { url: 'http://e.com/v.flv.mp4', mime: 'video/mp4' },
    { url: 'http://e.com/v.flv.mkv', mime: 'video/x-matroska', skip_as_source: true },
    { url: 'http://e.com/v.flv', mime: 'video/x-flv', original: true },
  ],
};
const audio: Transclusion = {
  mediaUrl: 'http://e.com/a b.ra',
  formats: [
    { url: 'http://e.com/a%20b.ra.webm', mime: 'audio/webm' },
    { url: 'http://e.com/a%20b.ra.flac', mime: 'audio/flac', skip_as_source: true },
    { url: 'http://e.com/a%20b.ra', mime: 'audio/x-pn-realaudio', original: true },
  ],
};

test('render: video with poster, sources in order, skip_as_source left out, original last', () => {
  assert.equal(
    renderMediaElement(video, { attributes: { width: '320', id: 'p"1' } }),
    '<video controls width="320" id="p&quot;1" poster="http://e.com/v.flv.png"><source src="http://e.com/v.flv.webm" type="video/webm"><source src="http://e.com/v.flv.mp4" type="video/mp4"><source src="http://e.com/v.flv" type="video/x-flv"></video>',
  );
});

test('render: audio when every playable format is audio; URLs rewritten and escaped', () => {
  assert.equal(mediaKind(audio), 'audio');
  assert.equal(
    renderMediaElement(audio, { rewriteUrl: (u) => `/web/2016id_/${u}&x` }),
    '<audio controls><source src="/web/2016id_/http://e.com/a%20b.ra.webm&amp;x" type="audio/webm"><source src="/web/2016id_/http://e.com/a%20b.ra&amp;x" type="audio/x-pn-realaudio"></audio>',
  );
});

test('inject: each media takes the element that references it, else the next free one', () => {
  const html = `<html><body>
    <object id="o1" width="10"><param name="movie" value="player.swf"><param name="flashvars" value="file=/a%20b.ra"><embed src="player.swf" flashvars="file=/a b.ra"></object>
    <p>text</p>
    <embed id="e2" src="v.flv" height="20">
  </body></html>`;
  const { html: out, applied, unmatched } = injectTransclusions(html, [video, audio]);
  const $ = cheerio.load(out);
  assert.deepEqual(applied, [video.mediaUrl, audio.mediaUrl]);
  assert.deepEqual(unmatched, []);
  assert.equal($('video').attr('id'), 'e2', 'the embed whose src names v.flv');
  assert.equal($('video').attr('height'), '20');
  assert.equal($('audio').attr('id'), 'o1', 'the object whose flashvars name a b.ra');
  assert.equal($('object, embed').length, 0, 'the object and its inner embed are one player, both replaced');
  assert.equal($('p').text(), 'text');
});

test('inject: pywb behaviour for one media: the first element matching the selector', () => {
  const { html } = injectTransclusions('<embed id="x" src="a.swf"><embed id="y" src="b.swf">', [{ ...video, mediaUrl: 'http://e.com/unrelated.flv' }]);
  const $ = cheerio.load(html);
  assert.equal($('video').attr('id'), 'x');
  assert.equal($('embed').attr('id'), 'y');
});

test('inject: nothing matches → reported, page unchanged', () => {
  const { html, unmatched } = injectTransclusions('<p>no players</p>', [video]);
  assert.deepEqual(unmatched, [video.mediaUrl]);
  assert.match(html, /<p>no players<\/p>/);
});

test('records: youtube-dl, multi-transclusion and old metadata:// forms parse', () => {
  const yt = parseTransclusionRecord({ targetUri: 'urn:embeds:http://e.com/p.html', warcDate: '2016-01-02T00:00:00Z', body: JSON.stringify({ formats: video.formats, selector: 'embed', webpage_url: 'http://e.com/p.html' }) });
  assert.equal(yt?.pageUrl, 'http://e.com/p.html');
  assert.equal(yt?.timestamp, '20160102000000');
  assert.equal(yt?.transclusions[0]?.mediaUrl, 'http://e.com/v.flv');
  const multi = parseTransclusionRecord({ targetUri: 'urn:transclusions:http://e.com/p.html', warcDate: '2016-01-02T00:00:00Z', body: JSON.stringify({ transclusions: { 'http://e.com/v.flv': { formats: video.formats } }, creation_timestamp: '20190301' }) });
  assert.equal(multi?.format, 'transclusions');
  assert.equal(multi?.created, '20190301');
  const old = parseTransclusionRecord({ targetUri: 'metadata://e.com/p.html', warcDate: '2016-01-02T00:00:00Z', body: JSON.stringify({ formats: video.formats }) });
  assert.equal(old?.pageUrl, 'http://e.com/p.html');
  assert.equal(parseTransclusionRecord({ targetUri: 'urn:embeds:x', warcDate: '2016', body: 'not json' }), undefined);
});
