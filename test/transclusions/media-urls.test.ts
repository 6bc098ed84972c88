import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alignManifestUrls, inputUrlSpelling } from '../../src/transclusions/media-urls.js';
import { urlFor } from '../../src/inputs/url.js';

const P = 'http://example.com/';

test('inputUrlSpelling: a manifest URL under the prefix is spelt as warckit names the file it means', () => {
  const files = ['media/tour of the lab.flv', 'media/a#b;c.flv', 'media/Müller.flv', 'media/100%.flv', 'media/x?id=3.flv'];
  for (const file of files) {
    const named = urlFor(P, file);
    for (const written of [named, P + file, `HTTP://EXAMPLE.COM:80/${file}`, P + encodeURI(file)]) {
      // Not every hand spelling can be read back (a raw '#' or '?' cuts a URL): only those that name the file are asked for.
      if (/[#?%]/.test(file) && written !== named) continue;
      assert.equal(inputUrlSpelling(written, P), named, `${written} → ${named}`);
    }
  }
  assert.equal(inputUrlSpelling('http://example.com/media/tour%20of%20the%20lab.flv', P), 'http://example.com/media/tour%20of%20the%20lab.flv');
  assert.equal(inputUrlSpelling('http://example.com/media/bad%zz%C3.flv', P), 'http://example.com/media/bad%zz%C3.flv', 'escapes that spell nothing stay');
  // Only what no input URL can hold is respelt: a file may have %41 in its name (warcit does not escape %).
  assert.equal(inputUrlSpelling(urlFor(P, 'x%41.flv'), P), urlFor(P, 'x%41.flv'));
  assert.equal(inputUrlSpelling(`${P}a%3Bb%2Fc.flv`, P), `${P}a%3bb%2Fc.flv`, "an escaped ';' in capitals as warcit writes it; '/' as written");
  assert.equal(inputUrlSpelling(`${P}caf%C3%A9%41.flv`, P), `${P}caf%C3%A9%41.flv`);
  assert.equal(inputUrlSpelling(`${P}café%41.flv`, P), `${P}caf%C3%A9%41.flv`, "a raw é as warcit wrote it: the UTF-8 escapes warckit gives the file");
  assert.equal(inputUrlSpelling(`${P}caf%c3%a9.flv`, P), `${P}caf%C3%A9.flv`);
  assert.equal(inputUrlSpelling('http://other.org/a b.flv', P), 'http://other.org/a b.flv', 'another host: as written');
  assert.equal(inputUrlSpelling('https://example.com/a b.flv', P), 'https://example.com/a b.flv', 'another scheme: as written');
  assert.equal(inputUrlSpelling('media/a.flv', P), 'media/a.flv', 'a relative URL is not guessed at');
  assert.equal(inputUrlSpelling('http://example.com/', P), 'http://example.com/');
});

test('alignManifestUrls: entries move to the spelling of the input; a mapfile URL and an exact spelling stay; two spellings join', () => {
  const entry = (page: string) => ({ url: page });
  const manifest = {
    transclusions: new Map([
      ['http://example.com/media/tour of the lab.flv', [entry('http://example.com/a.html')]],
      ['http://example.com/media/tour%20of%20the%20lab.flv', [entry('http://example.com/b.html')]],
      ['http://example.com/mapped name.flv', [entry('http://example.com/c.html')]],
      ['http://example.com/plain.flv', [entry('http://example.com/d.html')]],
    ]),
  };
  const { manifest: aligned, respelt } = alignManifestUrls(manifest, P, new Set(['http://example.com/mapped name.flv']));
  assert.deepEqual([...aligned.transclusions.keys()], ['http://example.com/media/tour%20of%20the%20lab.flv', 'http://example.com/mapped name.flv', 'http://example.com/plain.flv']);
  assert.deepEqual(aligned.transclusions.get('http://example.com/media/tour%20of%20the%20lab.flv')!.map((e) => e.url), ['http://example.com/a.html', 'http://example.com/b.html']);
  assert.deepEqual(respelt, [['http://example.com/media/tour of the lab.flv', 'http://example.com/media/tour%20of%20the%20lab.flv']]);
  assert.equal(manifest.transclusions.size, 4, 'the manifest given is not changed');
  assert.equal(alignManifestUrls(aligned, P, new Set(['http://example.com/mapped name.flv'])).manifest, aligned, 'nothing to respell: the same manifest');
});
