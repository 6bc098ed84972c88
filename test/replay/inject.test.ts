import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as cheerio from 'cheerio';
import { injectTransclusions, injectTransclusionsIntoBytes } from '../../src/replay/inject.js';
import { AUDIO, media, VIDEO } from './fixtures.js';

test('inject: each media takes the element that references it, else the first free one', () => {
  const html = `<html><body>
    <object id="o1" width="10"><param name="movie" value="player.swf"><param name="flashvars" value="file=/a%20b.ra"><embed src="player.swf" flashvars="file=/a b.ra"></object>
    <p>text</p>
    <embed id="e2" src="v.flv" height="20">
  </body></html>`;
  const { html: out, applied, unmatched } = injectTransclusions(html, [VIDEO, AUDIO]);
  const $ = cheerio.load(out);
  assert.deepEqual(applied, [VIDEO.mediaUrl, AUDIO.mediaUrl]);
  assert.deepEqual(unmatched, []);
  assert.equal($('video').attr('id'), 'e2', 'the embed whose src names v.flv');
  assert.equal($('video').attr('height'), '20');
  assert.equal($('audio').attr('id'), 'o1', 'the object whose flashvars name a b.ra');
  assert.equal($('audio').attr('style'), 'width:10px');
  assert.equal($('object, embed').length, 0, 'the object and its inner embed are one player, both replaced');
  assert.equal($('p').text(), 'text');
});

test("inject: no selector → the first free player only (pywb's rule); a selector → every element it matches", () => {
  const page = '<embed id="x" src="a.swf"><embed id="y" src="b.swf"><embed id="z" src="other.flv">';
  const first = cheerio.load(injectTransclusions(page, [media('http://e.com/unrelated.flv')]).html);
  assert.deepEqual(first('video').map((_, el) => first(el).attr('id')).get(), ['x']);
  const every = injectTransclusions(page, [media('http://e.com/unrelated.flv', 'embed'), media('http://e.com/other.flv')]);
  const $ = cheerio.load(every.html);
  assert.deepEqual(
    $('video').map((_, el) => `${$(el).attr('id')} ${$(el).attr('data-warckit-media')}`).get(),
    ['x http://e.com/unrelated.flv', 'y http://e.com/unrelated.flv', 'z http://e.com/other.flv'],
    'the element naming another media of the page is left to it',
  );
  assert.equal(every.replaced, 3);
});

test('inject: nothing matches → reported, page unchanged byte for byte', () => {
  const page = '<P>no players</P>\r\n<!-- kept -->';
  const { html, unmatched } = injectTransclusions(page, [VIDEO]);
  assert.deepEqual(unmatched, [VIDEO.mediaUrl]);
  assert.equal(html, page);
});

test('inject: selectors cannot replace the page; invalid selectors are reported, not thrown', () => {
  const big = `<div id="wrap"><h1>Title</h1>${'<p>x</p>'.repeat(40)}</div>`;
  const page = `<html><body>${big}<div id="holder"><p>Get Flash <a href="x"><img src="y.gif"></a></p></div></body></html>`;
  for (const selector of ['html', 'body', '*', 'div#wrap', 'h1']) {
    const result = injectTransclusions(page, [media('http://e.com/v.flv', selector)]);
    assert.equal(result.html, page, `${selector}: the page stays as it was`);
    assert.ok(result.problems.some((p) => /refused to replace/.test(p.problem)), `${selector}: refusal reported`);
  }
  const placeholder = injectTransclusions(page, [media('http://e.com/v.flv', 'div#holder')]);
  assert.equal(cheerio.load(placeholder.html)('video').attr('id'), 'holder', 'a small placeholder div is replaced');
  const invalid = injectTransclusions(page, [media('http://e.com/v.flv', 'embed[src='), media('http://e.com/w.flv', 'div#holder')]);
  assert.match(invalid.problems[0]?.problem ?? '', /invalid selector/);
  assert.equal(invalid.problems[0]?.mediaUrl, 'http://e.com/v.flv');
  assert.deepEqual(invalid.applied, ['http://e.com/w.flv'], 'the other media still goes in');
});

test('inject: an <object> never closed takes its params and embed, not the rest of the page', () => {
  const page = '<p>before</p><object id="o" data="p.swf"><param name="movie" value="p.swf">\n<embed src="v.flv">\n<div>after</div><p>end</p>';
  const { html } = injectTransclusions(page, [VIDEO]);
  assert.match(html, /^<p>before<\/p><video controls data-warckit-media="http:\/\/e\.com\/v\.flv" id="o" poster=/);
  assert.ok(html.endsWith('</video>\n<div>after</div><p>end</p>'), html);
});

test('inject: an element already put in is never replaced again (inject twice = inject once)', () => {
  const once = injectTransclusions('<embed src="v.flv"><video id="old"></video>', [{ ...VIDEO, selector: 'embed, video' }]).html;
  const twice = injectTransclusions(once, [{ ...VIDEO, selector: 'embed, video' }]).html;
  assert.equal(twice.split('data-warckit-media').length, once.split('data-warckit-media').length);
  assert.equal(cheerio.load(once)('video').length, 2, 'the page’s own <video> matched by the selector is replaced, ours is not');
});

/** Bytes before and after the replaced region are the input's. */
function assertOnlyRegionChanged(input: Buffer, output: Buffer, region: string, encoding: BufferEncoding | 'win1252' = 'latin1'): void {
  const marker = encoding === 'win1252' ? Buffer.from(region, 'latin1') : Buffer.from(region, encoding);
  const start = input.indexOf(marker);
  assert.ok(start >= 0, 'region found in the input');
  const end = start + marker.length;
  const tail = input.length - end;
  assert.deepEqual(output.subarray(0, start), input.subarray(0, start), 'bytes before the element unchanged');
  assert.deepEqual(output.subarray(output.length - tail), input.subarray(end), 'bytes after the element unchanged');
  assert.ok(!output.subarray(start, output.length - tail).includes(marker), 'the element itself replaced');
}

test('inject (bytes): an HTML 4.01 windows-1252 page differs from the input only inside the replaced element', () => {
  const page = [
    '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">\r\n',
    '<HTML><HEAD><META http-equiv=Content-Type content="text/html; charset=windows-1252">\r\n',
    '<TITLE>Caf\xe9 \x93vid\xe9os\x94</TITLE></HEAD>\r\n',
    "<BODY BGCOLOR=white><!-- caf\xe9 <embed src='x'> -->\r\n",
    "<P ALIGN=center>Notre caf\xe9 :</P>\t<EMBED SRC='media/caf\xe9.flv' WIDTH=320 HEIGHT=240 TITLE='Caf\xe9'>\r\n",
    '<p>fin &eacute; \x80</p></BODY></HTML>\r\n',
  ].join('');
  const input = Buffer.from(page, 'latin1');
  const result = injectTransclusionsIntoBytes(input, [{ mediaUrl: 'http://e.com/media/caf%C3%A9.flv', formats: [{ url: 'http://e.com/media/caf%C3%A9.flv.webm', mime: 'video/webm' }] }]);
  assert.equal(result.charset, 'windows-1252');
  assert.deepEqual(result.applied, ['http://e.com/media/caf%C3%A9.flv'], 'the embed naming café.flv (in windows-1252) is found');
  assertOnlyRegionChanged(input, result.bytes, "<EMBED SRC='media/caf\xe9.flv' WIDTH=320 HEIGHT=240 TITLE='Caf\xe9'>");
  assert.match(result.bytes.toString('latin1'), /<video controls data-warckit-media="http:\/\/e\.com\/media\/caf%C3%A9\.flv" title="Caf&#233;" width="320" height="240">/);
});

test('inject (bytes): UTF-8 and Shift_JIS pages keep every byte outside the element', () => {
  const utf8 = Buffer.from('<!doctype html><meta charset=utf-8><p>日本語 ✓</p><embed src="動画.flv" title="名前"><p>後 ✓</p>', 'utf8');
  const u = injectTransclusionsIntoBytes(utf8, [media('http://e.com/%E5%8B%95%E7%94%BB.flv')]);
  assert.equal(u.charset, 'utf-8');
  assertOnlyRegionChanged(utf8, u.bytes, '<embed src="動画.flv" title="名前">', 'utf8');
  assert.match(u.bytes.toString('utf8'), /title="&#21517;&#21069;"/);
  const decoder = new TextDecoder('shift_jis');
  // 表 is 0x95 0x5C in Shift_JIS: its second byte is a backslash.
  const sjis = Buffer.concat([Buffer.from('<html><head><meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS"></head><body><p>'), Buffer.from([0x95, 0x5c, 0x82, 0xa0]), Buffer.from('</p><embed src="a.flv"><p>'), Buffer.from([0x95, 0x5c]), Buffer.from('</p></body></html>')]);
  assert.equal(decoder.decode(Buffer.from([0x95, 0x5c])), '表');
  const s = injectTransclusionsIntoBytes(sjis, [media('http://e.com/a.flv')]);
  assert.equal(s.charset, 'shift_jis');
  assertOnlyRegionChanged(sjis, s.bytes, '<embed src="a.flv">');
});

test('inject (bytes): a declared charset wins over sniffing; UTF-16 is refused with a message', () => {
  const page = Buffer.from('<p>\xe9</p><embed src="v.flv">', 'latin1');
  assert.equal(injectTransclusionsIntoBytes(page, [VIDEO], { charset: 'iso-8859-2' }).charset, 'iso-8859-2');
  assert.throws(() => injectTransclusionsIntoBytes(Buffer.from('\ufeff<p>x</p>', 'utf16le'), [VIDEO]), /utf-16le pages are not supported/);
});

test('inject: a Flash player that is the fallback inside a <video> ("Video for Everybody", 2010) replaces the <video> itself, which browsers show, not the fallback they skip', () => {
  const html = `<html><body>
    <video id="vfe" width="320" height="240" controls><source src="v.mp4" type="video/mp4">
      <object data="player.swf" width="320" height="240"><param name="flashvars" value="file=v.flv"><embed src="player.swf" flashvars="file=v.flv"></object>
    </video>
    <p id="after">after</p>
    <embed id="plain" src="other.swf">
  </body></html>`;
  const { html: out, applied } = injectTransclusions(html, [VIDEO]);
  const $ = cheerio.load(out);
  assert.deepEqual(applied, [VIDEO.mediaUrl]);
  assert.equal($('video').length, 1, 'no <video> left inside another');
  assert.equal($('video').attr('id'), 'vfe');
  assert.equal($('video').attr('data-warckit-media'), VIDEO.mediaUrl);
  assert.equal($('video source[src="v.mp4"]').length, 0, 'the unarchived MP4 source is gone with the element');
  assert.equal($('#plain').length, 1, 'the other player is left');
  assert.equal($('#after').text(), 'after');
});

/** Which media each player got, by id. */
function owners(html: string): Record<string, string | undefined> {
  const $ = cheerio.load(html);
  return Object.fromEntries($('[data-warckit-media]').map((_, el) => [[$(el).attr('id')!, $(el).attr('data-warckit-media')]]).get());
}

test('inject: media of one name in different directories (ep1/video.flv, ep2/video.flv) each go to the player that names its directory', () => {
  const ep = (n: number): string => `http://www.example.com/shows/ep${n}/video.flv`;
  const html = `<html><body>
    <embed id="e1" src="ep1/video.flv">
    <object id="o2" data="player.swf"><param name="flashvars" value="file=ep2/video.flv&amp;autostart=false"></object>
    <object id="o3" data="player.swf"><param name="flashvars" value="file=http%3A%2F%2Fwww.example.com%2Fshows%2Fep3%2Fvideo.flv"></object>
  </body></html>`;
  // Listed in another order than the page's, so that "the first media named video.flv" is never the right answer by chance.
  const { html: out, unmatched } = injectTransclusions(html, [media(ep(3)), media(ep(2)), media(ep(1))]);
  assert.deepEqual(unmatched, []);
  assert.deepEqual(owners(out), { e1: ep(1), o2: ep(2), o3: ep(3) });
});

test("inject: a relative reference is resolved against the page's URL, or its <base href>, before names are compared", () => {
  const ep = (n: number): string => `http://www.example.com/shows/ep${n}/video.flv`;
  const page = '<html><body><embed id="here" src="video.flv"><embed id="up" src="../ep1/video.flv"></body></html>';
  const plain = injectTransclusions(page, [media(ep(1)), media(ep(2))], { pageUrl: 'http://www.example.com/shows/ep2/index.html' });
  assert.deepEqual(owners(plain.html), { here: ep(2), up: ep(1) });
  assert.deepEqual(plain.unmatched, []);
  const based = `<html><head><base href="/shows/ep1/"></head><body><embed id="here" src="video.flv"><embed id="other" src="../ep2/video.flv"></body></html>`;
  const withBase = injectTransclusions(based, [media(ep(2)), media(ep(1))], { pageUrl: 'http://www.example.com/index.html' });
  assert.deepEqual(owners(withBase.html), { here: ep(1), other: ep(2) });
});

test('inject: players that scripts write into a placeholder (SWFObject 1.5 and 2, JW Player, Flowplayer) replace that placeholder', () => {
  const ep = (n: number): string => `http://www.example.com/shows/ep${n}/video.flv`;
  const html = `<html><head><script type="text/javascript" src="swfobject.js"></script>
    <script>
      var s1 = new SWFObject('player.swf', 'mpl1', '320', '240', '9');
      s1.addParam('flashvars', 'file=ep1/video.flv&autostart=false');
      s1.write('preview1');
    </script></head><body>
    <p id="preview1">The player will show in this paragraph. <a href="http://www.macromedia.com/go/getflashplayer">Get Flash</a></p>
    <div id="ep2"><p>Get the Flash Player to see this video.</p></div>
    <div id="ep3">Flash needed</div>
    <a id="flow" href="ep4/video.flv" style="display:block;width:320px;height:240px"></a>
    <div id="news"><h2>News</h2><p>Not a player</p></div>
    <script>
      swfobject.embedSWF("player.swf", "ep2", "320", "240", "9.0.0", false, {file: "ep2/video.flv"});
      swfobject.embedSWF("player.swf", "ep3", "320", "240", "9.0.0", false, {file: "ep3/video.flv"}, {}, {id: "ep3player"});
      document.getElementById("news").className = "shown";
      flowplayer("flow", "flowplayer.swf");
    </script>
  </body></html>`;
  const { html: out, unmatched, applied } = injectTransclusions(html, [media(ep(3)), media(ep(4)), media(ep(2)), media(ep(1))], { pageUrl: 'http://www.example.com/shows/index.html' });
  assert.deepEqual(unmatched, []);
  assert.equal(applied.length, 4);
  assert.deepEqual(owners(out), { preview1: ep(1), ep2: ep(2), ep3: ep(3), flow: ep(4) });
  const $ = cheerio.load(out);
  assert.equal($('#news h2').text(), 'News', 'an element a script names that holds page structure is never replaced');
});

test('inject: a script that names no media of the page, or only an element that is not a placeholder, changes nothing', () => {
  const html = `<html><body><div id="nav"><ul><li>Home</li></ul></div><div id="box">x</div>
    <script>swfobject.embedSWF("banner.swf", "box", "468", "60", "9"); setup("nav", "v.flv");</script></body></html>`;
  const { html: out, unmatched } = injectTransclusions(html, [VIDEO], { pageUrl: 'http://e.com/index.html' });
  assert.equal(out, html);
  assert.deepEqual(unmatched, [VIDEO.mediaUrl]);
});

test('inject: a player that names a metafile (clip1.ram, talk.asx) goes to the media of that name (clip1.rm, talk.wmv)', () => {
  const m = (path: string): string => `http://www.example.com/media/${path}`;
  const html = `<html><body>
    <embed id="r1" src="media/clip1.ram" type="audio/x-pn-realaudio-plugin">
    <embed id="r10" src="media/clip10.ram" type="audio/x-pn-realaudio-plugin">
    <object id="w" classid="clsid:22D6F312-B0F6-11D0-94AB-0080C74C7E95"><param name="FileName" value="media/talk.asx"></object>
    <embed id="swf" src="player.swf">
  </body></html>`;
  const { html: out, unmatched } = injectTransclusions(html, [media(m('talk.wmv')), media(m('clip10.rm')), media(m('clip1.rm'))], { pageUrl: 'http://www.example.com/index.html' });
  assert.deepEqual(unmatched, []);
  assert.deepEqual(owners(out), { r1: m('clip1.rm'), r10: m('clip10.rm'), w: m('talk.wmv') });
  assert.equal(cheerio.load(out)('#swf').length, 1, 'a player naming no media of the page is left');
});

test('inject: a <video>, <audio>, <iframe> or <bgsound> of the page that names a media (src="clip.flv", <source src="talk.ra">, a player page\'s ?file=, background music) is replaced with the default selector', () => {
  const html = `<html><body>
    <video id="v" src="media/clip.flv" width="320" height="240" controls></video>
    <audio id="a" controls><source src="media/talk.ra" type="audio/x-pn-realaudio"></audio>
    <video id="other" src="media/trailer.mp4"></video>
    <iframe id="f" src="player.html?file=media/intro.flv" width="400" height="300"></iframe>
    <iframe id="ad" src="ads.html"></iframe>
    <bgsound id="bg" src="media/theme.wav" loop="infinite">
  </body></html>`;
  const m = (path: string): string => `http://www.example.com/media/${path}`;
  const { html: out, unmatched } = injectTransclusions(html, [media(m('talk.ra')), media(m('intro.flv')), media(m('clip.flv')), media(m('theme.wav'))], { pageUrl: 'http://www.example.com/index.html' });
  assert.deepEqual(unmatched, []);
  assert.deepEqual(owners(out), { v: m('clip.flv'), a: m('talk.ra'), f: m('intro.flv'), bg: m('theme.wav') });
  assert.equal(cheerio.load(out)('#ad').length, 1, 'a frame naming no media is left');
  const $ = cheerio.load(out);
  assert.equal($('#other').attr('src'), 'media/trailer.mp4', 'a player naming no media of the page is left as it is');
  assert.equal($('#v source').first().attr('src'), `${m('clip.flv')}.webm`);
});

test('inject: YouTube embeds of 2008 (<object> …/v/ID) and 2012 (<iframe> …/embed/ID) go to the media archived for that video, whatever form its URL takes', () => {
  const html = `<html><body>
    <object id="y1" width="425" height="344"><param name="movie" value="http://www.youtube.com/v/dQw4w9WgXcQ&hl=en&fs=1"></param><embed src="http://www.youtube.com/v/dQw4w9WgXcQ&hl=en&fs=1" type="application/x-shockwave-flash" width="425" height="344"></embed></object>
    <iframe id="y2" width="560" height="315" src="https://www.youtube-nocookie.com/embed/9bZkp7q19f0?rel=0" frameborder="0" allowfullscreen></iframe>
    <object id="y3" width="425" height="344"><param name="movie" value="http://www.youtube.com/v/kJQP7kiw5Fk?fs=1"></param></object>
  </body></html>`;
  const videos = ['https://youtu.be/kJQP7kiw5Fk', 'https://www.youtube.com/watch?v=9bZkp7q19f0&feature=share', 'https://www.youtube.com/watch?v=dQw4w9WgXcQ'];
  const { html: out, unmatched } = injectTransclusions(html, videos.map((url) => media(url)), { pageUrl: 'http://blog.example.com/2008/06/videos.html' });
  assert.deepEqual(unmatched, []);
  assert.deepEqual(owners(out), { y1: videos[2], y2: videos[1], y3: videos[0] });
});

test('inject: an element a script names beside the media that holds the page\'s text (a post, not a placeholder) is not taken for the player\'s placeholder', () => {
  const text = 'The interview was recorded in 1998 at the lab. '.repeat(40);
  const html = `<html><body><div id="post"><p>${text}</p><p>${text}</p></div>
    <script>document.getElementById("post").className = "read"; var clip = "media/interview.flv";</script></body></html>`;
  const { html: out, unmatched } = injectTransclusions(html, [media('http://e.com/media/interview.flv')], { pageUrl: 'http://e.com/index.html' });
  assert.equal(out, html);
  assert.deepEqual(unmatched, ['http://e.com/media/interview.flv']);
});

test('inject: a selector browsers reject (a jQuery extension cheerio would take) is reported and replaces nothing, as in the browser client', () => {
  const page = '<html><body><embed id="e" src="other.swf"><div id="d">Flash needed</div></body></html>';
  const { html, unmatched, problems } = injectTransclusions(page, [media('http://e.com/v.flv', 'embed:first'), media('http://e.com/w.flv', 'div:contains(Flash)')]);
  assert.equal(html, page);
  assert.deepEqual(unmatched, ['http://e.com/v.flv', 'http://e.com/w.flv']);
  assert.match(problems.map((p) => p.problem).join('\n'), /invalid selector \(uses :first, a jQuery extension[^\n]*\ninvalid selector \(uses :contains\(\), a jQuery extension/);
});
