import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadTransclusionManifest, ManifestError, toTransclusionManifest } from '../../src/transclusions/manifest.js';
import { tempDir } from '../helpers/tmp.js';

const M = 'http://e.com/v.flv';

test('misspelt keys are errors naming the file, the path inside it, and the key meant', () => {
  const cases: Array<[unknown, string]> = [
    [{ transclusions: { [M]: [{ url: 'http://e.com/p.html', selecter: 'embed' }] } }, `m.yaml: transclusions["${M}"][0].selecter: unknown key (did you mean selector?)`],
    [{ transclusions: { [M]: { url: 'http://e.com/p.html', tiemstamp: 2009 } } }, `m.yaml: transclusions["${M}"].tiemstamp: unknown key (did you mean timestamp?)`],
    [{ transclusions: { [M]: { url: 'http://e.com/p.html', metadata: 'x.json' } } }, `m.yaml: transclusions["${M}"].metadata: unknown key (did you mean metadata_file?)`],
    [{ transclusions: {}, transclusion: {} }, 'm.yaml: transclusion: unknown key (did you mean transclusions?)'],
  ];
  for (const [doc, message] of cases) {
    assert.throws(() => toTransclusionManifest(doc, 'm.yaml'), (e: Error) => e instanceof ManifestError && e.message === message, message);
  }
});

test('impossible dates are errors naming the place; partial ones are fine', () => {
  for (const ts of ['20111301', '20110230', '20110101250000']) {
    assert.throws(() => toTransclusionManifest({ transclusions: { [M]: { url: 'http://e.com/p', timestamp: ts } } }, 'm.yaml'), (e: Error) => e instanceof ManifestError && e.message.startsWith(`m.yaml: transclusions["${M}"].timestamp: "${ts}" is not a date`));
  }
  assert.equal(toTransclusionManifest({ transclusions: { [M]: { url: 'http://e.com/p', timestamp: 2009 } } }, 'm.yaml').transclusions.get(M)![0]!.timestamp, '2009');
});

test('a page URL without scheme and host is an error naming the place and the fix (replay never asks for urn:embeds:www.e.com/p.html)', () => {
  const cases: Array<[string, string]> = [
    ['www.e.com/p.html', 'm.yaml: transclusions["http://e.com/v.flv"].url: "www.e.com/p.html" is not an absolute URL (no scheme): write http://www.e.com/p.html'],
    ['p.html', 'm.yaml: transclusions["http://e.com/v.flv"].url: "p.html" is not an absolute URL (no scheme and host): write the URL the page was archived under'],
    ['/dir/p.html', 'm.yaml: transclusions["http://e.com/v.flv"].url: "/dir/p.html" is not an absolute URL (no scheme and host): write the URL the page was archived under'],
  ];
  for (const [url, message] of cases) {
    assert.throws(() => toTransclusionManifest({ transclusions: { [M]: { url } } }, 'm.yaml'), (e: Error) => e instanceof ManifestError && e.message === message, url);
  }
  for (const url of ['https://e.com/p.html', 'HTTP://E.COM/p', 'ftp://e.com/x']) assert.equal(toTransclusionManifest({ transclusions: { [M]: { url } } }, 'm.yaml').transclusions.get(M)![0]!.url, url);
});

test('a 50,000-media manifest loads (duplicate keys found by hash lookup; timing in npm run bench)', async () => {
  const dir = await tempDir();
  let text = 'transclusions:\n';
  for (let i = 0; i < 50000; i++) text += `  http://e.com/m/${i}.flv:\n    - url: http://e.com/p/${i}.html\n      timestamp: 20090415120000\n`;
  await writeFile(join(dir, 'big.yaml'), text);
  assert.equal((await loadTransclusionManifest(join(dir, 'big.yaml'))).transclusions.size, 50000);
  await writeFile(join(dir, 'dup.yaml'), `${text}  http://e.com/m/7.flv: {url: x}\n`);
  await assert.rejects(loadTransclusionManifest(join(dir, 'dup.yaml')), /dup\.yaml: duplicate key "http:\/\/e\.com\/m\/7\.flv" at line 150002, column 3/);
});

test('a selector browsers cannot use is an error naming the place (it would replace nothing at replay); standard selectors pass', () => {
  const entry = (selector: string): unknown => ({ transclusions: { [M]: { url: 'http://e.com/p.html', selector } } });
  const cases: Array<[string, RegExp]> = [
    ['embed[src=', /transclusions\["http:\/\/e\.com\/v\.flv"\]\.selector: "embed\[src=" is not a CSS selector \(Attribute selector didn't terminate\)/],
    ['div:contains(Flash)', /"div:contains\(Flash\)" uses :contains\(\), a jQuery extension: browsers \(pywb, ReplayWeb\.page\) reject the selector/],
    ['object:first', /uses :first, a jQuery extension/],
    ['div:not(:eq(2))', /uses :eq\(\), a jQuery extension/],
    ['p::before', /uses ::before, a pseudo-element: it matches no element that could be replaced/],
  ];
  for (const [selector, message] of cases) assert.throws(() => toTransclusionManifest(entry(selector), 'm.yaml'), (e: Error) => e instanceof ManifestError && message.test(e.message), selector);
  for (const selector of ['object, embed', 'embed[src$="lab.flv"]', '#player > object:nth-child(2)', 'div:has(> embed):not(.ad)', 'OBJECT:first-of-type', 'a[href*=" x "]']) {
    assert.equal(toTransclusionManifest(entry(selector), 'm.yaml').transclusions.get(M)![0]!.selector, selector);
  }
});
