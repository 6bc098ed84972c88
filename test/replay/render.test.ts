import assert from 'node:assert/strict';
import { test } from 'node:test';
import { carriedAttributes, describeMedia, mediaKind } from '../../src/replay/media.js';
import { escapeAttribute, renderMediaElement } from '../../src/replay/render.js';
import { AUDIO, VIDEO } from './fixtures.js';

test('render: video with poster, sources in order, skip_as_source left out, original last, marked as ours', () => {
  assert.equal(
    renderMediaElement(VIDEO, { attributes: [['width', '320'], ['id', 'p"1']] }),
    '<video controls data-warckit-media="http://e.com/v.flv" width="320" id="p&quot;1" poster="http://e.com/v.flv.png"><source src="http://e.com/v.flv.webm" type="video/webm"><source src="http://e.com/v.flv.mp4" type="video/mp4"><source src="http://e.com/v.flv" type="video/x-flv"></video>',
  );
});

test('render: audio when every playable format is audio; URLs rewritten and escaped', () => {
  assert.equal(mediaKind(AUDIO), 'audio');
  assert.equal(
    renderMediaElement(AUDIO, { rewriteUrl: (u) => `/web/2016id_/${u}&x` }),
    '<audio controls data-warckit-media="http://e.com/a b.ra"><source src="/web/2016id_/http://e.com/a%20b.ra.webm&amp;x" type="audio/webm"><source src="/web/2016id_/http://e.com/a%20b.ra&amp;x" type="audio/x-pn-realaudio"></audio>',
  );
});

test('render: the markup is ASCII whatever the text (character references)', () => {
  assert.equal(escapeAttribute('café <日本> "q" & \u0007'), 'caf&#233; &lt;&#26085;&#26412;&gt; &quot;q&quot; &amp; &#7;');
});

test("media: pywb's png_poster is a poster; an audio-only transclusion has none", () => {
  const described = describeMedia({ mediaUrl: 'v', formats: [{ url: 'v.png', name: 'png_poster' }, { url: 'v.webm', mime: 'video/webm' }] });
  assert.equal(described.poster?.url, 'v.png');
  assert.deepEqual(described.sources.map((s) => s.url), ['v.webm']);
  assert.equal(describeMedia(AUDIO).poster, undefined);
});

test('media: the replaced element keeps identity and size; audio sizes go to style; the page style still wins', () => {
  const cases: Array<[Parameters<typeof carriedAttributes>, Array<[string, string]>]> = [
    [['video', { attributes: { id: 'p', class: 'c', width: '320', height: '240', src: 'x.swf' } }], [['id', 'p'], ['class', 'c'], ['width', '320'], ['height', '240']]],
    [['video', { attributes: { width: '100%', height: '240px', style: 'border:0' } }], [['style', 'width:100%;height:240px;border:0']]],
    [['audio', { attributes: { width: '300', height: '40' } }], [['style', 'width:300px;height:40px']]],
    [['video', { attributes: {}, measured: { width: 400.4, height: 0 } }], [['width', '400']]],
    [['video', { attributes: { width: '50' }, measured: { width: 400, height: 300 } }], [['width', '50'], ['height', '300']]],
    [['video', { attributes: { width: 'expression(alert(1))' } }], []],
  ];
  for (const [args, expected] of cases) assert.deepEqual(carriedAttributes(...args), expected, JSON.stringify(args));
});

test('media: an audio-only FLV converted to MP3 alone is an <audio>: its original, which no browser plays, does not make it a video; an FLV with a WebM is a <video>', () => {
  const audioFlv = { mediaUrl: 'http://e.com/talk.flv', formats: [{ url: 'http://e.com/talk.flv.mp3', mime: 'audio/mpeg' }, { url: 'http://e.com/talk.flv', mime: 'video/x-flv', original: true }] };
  assert.equal(mediaKind(audioFlv), 'audio');
  assert.equal(describeMedia(audioFlv).sources.length, 2, 'the original is still offered last');
  assert.equal(mediaKind({ mediaUrl: 'v', formats: [{ url: 'v.flv.webm', mime: 'video/webm' }, { url: 'v.flv', mime: 'video/x-flv', original: true }] }), 'video');
  assert.equal(mediaKind({ mediaUrl: 'v', formats: [{ url: 'v.flv', mime: 'video/x-flv', original: true }] }), 'video', 'nothing playable: judged on what there is');
});
