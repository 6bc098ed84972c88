/** Which media a reference names: the page's base URL, as a replay system may have rewritten it. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { documentBase } from '../../src/replay/media-references.js';

test('documentBase: the base of a page whose <base href> a replay system rewrote is the archived URL inside it', () => {
  const page = 'http://www.example.com/shows/index.html';
  assert.equal(documentBase(page), page);
  assert.equal(documentBase(page, 'ep1/'), 'http://www.example.com/shows/ep1/');
  assert.equal(documentBase(page, '/pywb/20090415120000/http://www.example.com/shows/ep2/'), 'http://www.example.com/shows/ep2/');
  assert.equal(documentBase(page, 'https://replay.example.org/w/coll/20090415120000mp_/https://www.example.com/ep3/'), 'https://www.example.com/ep3/');
  assert.equal(documentBase(page, 'http://[bad'), page, 'a base that is not a URL is ignored, as browsers ignore it');
});

test('a media file name counts only as a whole name: 1.flv is not found in media/11.flv (an episode never archived), nor a.flv in banana.flv; at a path, after file=, in a query it is', async () => {
  const { pageMediaNames, referencedMedia } = await import('../../src/replay/media-references.js');
  const media = pageMediaNames([{ mediaUrl: 'http://www.example.com/media/1.flv' }, { mediaUrl: 'http://www.example.com/media/a.flv' }] as never);
  assert.equal(referencedMedia(['media/11.flv'], media), -1);
  assert.equal(referencedMedia(['file=media/11.flv&autostart=true'], media), -1);
  assert.equal(referencedMedia(['banana.flv'], media), -1);
  assert.equal(referencedMedia(['media/1.flv'], media), 0);
  assert.equal(referencedMedia(['file=1.flv&autostart=true'], media), 0);
  assert.equal(referencedMedia(['player.swf?file=../media/a.flv'], media), 1);
  assert.equal(referencedMedia(["so.addVariable('file','a.flv')"], media), 1);
  assert.equal(referencedMedia(['media/1.flv2'], media), -1);
});
