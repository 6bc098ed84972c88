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
