import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  canonicalMetadataUri,
  canonicalPageUrl,
  embedsRecordUri,
  isMetadataFor,
  metadataUriPrefixes,
  pageKey,
  pageUrlCandidates,
  parseMetadataUri,
  transclusionsRecordUri,
} from '../../src/transclusions/record-uri.js';

test('record URIs: a multi-transclusion record is unique per key and keeps the page as a prefix', () => {
  const cases: Array<[string, string, string]> = [
    ['http://e.com/p.html', 'k1', 'urn:transclusions:http://e.com/p.html?warckit-record=k1'],
    ['http://e.com/p.php?id=3&x=y', 'k2', 'urn:transclusions:http://e.com/p.php?id=3&x=y&warckit-record=k2'],
    ['http://e.com/p.html#frag', 'k3', 'urn:transclusions:http://e.com/p.html?warckit-record=k3'],
    ['http://e.com/dir/', 'a b', 'urn:transclusions:http://e.com/dir/?warckit-record=a%20b'],
  ];
  for (const [page, key, uri] of cases) {
    assert.equal(transclusionsRecordUri(page, key), uri);
    assert.equal(parseMetadataUri(uri)?.pageUrl, page.split('#')[0], uri);
    assert.ok(uri.startsWith(`urn:transclusions:${page.split('#')[0]!.split('?')[0]}`), 'prefix queries by page find it');
  }
  assert.equal(embedsRecordUri('http://e.com/p.html#x'), 'urn:embeds:http://e.com/p.html');
  // Named as replay systems name the page (a manifest may say WWW.Example.COM:80): host in lower case, no default port.
  assert.equal(embedsRecordUri('HTTP://WWW.E.com:80/P.html?'), 'urn:embeds:http://www.e.com/P.html');
  assert.equal(transclusionsRecordUri('https://E.com:443', 'k'), 'urn:transclusions:https://e.com/?warckit-record=k');
  assert.equal(canonicalMetadataUri('urn:transclusions:http://WWW.E.com:80/P.html?warckit-record=k'), 'urn:transclusions:http://www.e.com/P.html?warckit-record=k');
  assert.equal(canonicalMetadataUri('urn:embeds:http://E.com:8080/x'), 'urn:embeds:http://e.com:8080/x');
  assert.equal(canonicalMetadataUri('http://E.com/x'), 'http://E.com/x', 'other URIs as they are');
});

test('a page named with a raw space or non-ASCII characters is recorded as browsers ask for it (%20, UTF-8 escapes): a WARC-Target-URI holds no space, and replay finds it', () => {
  assert.equal(canonicalPageUrl('http://x/my page.html'), 'http://x/my%20page.html');
  assert.equal(canonicalPageUrl('http://x/vidéo.html?q=été'), 'http://x/vid%C3%A9o.html?q=%C3%A9t%C3%A9');
  assert.equal(canonicalPageUrl('http://x/a%2Fb%20c.html?x=%41'), 'http://x/a%2Fb%20c.html?x=%41', 'escapes kept as they are');
  assert.equal(embedsRecordUri('http://x/my page.html'), 'urn:embeds:http://x/my%20page.html');
  assert.equal(transclusionsRecordUri('http://x/my page.html', 'k'), 'urn:transclusions:http://x/my%20page.html?warckit-record=k');
  assert.equal(canonicalMetadataUri('urn:embeds:http://x/my page.html'), 'urn:embeds:http://x/my%20page.html', 'an older record read as it is asked for');
  assert.ok(pageUrlCandidates('http://x/my page.html').includes('http://x/my%20page.html'));
});

test('record URIs: every form is read back, older ones included', () => {
  const cases: Array<[string, { format: string; pageUrl: string } | undefined]> = [
    ['urn:embeds:http://e.com/p.html', { format: 'youtube-dl', pageUrl: 'http://e.com/p.html' }],
    ['urn:transclusions:http://e.com/p.html', { format: 'transclusions', pageUrl: 'http://e.com/p.html' }],
    ['urn:transclusions:http://e.com/p.html?warckit-record=abc', { format: 'transclusions', pageUrl: 'http://e.com/p.html' }],
    ['urn:transclusions:http://e.com/p.php?warckit-record=1&a=2', { format: 'transclusions', pageUrl: 'http://e.com/p.php?warckit-record=1&a=2' }],
    ['metadata://e.com/p.html', { format: 'youtube-dl', pageUrl: 'http://e.com/p.html' }],
    ['http://e.com/p.html', undefined],
  ];
  for (const [uri, expected] of cases) assert.deepEqual(parseMetadataUri(uri), expected, uri);
});

test('pages: www. and no www. meet, as pywb (SURT) and the Wayback Machine take them for one host: a manifest naming http://www.example.com/watch.html finds the capture of https://example.com/watch.html', () => {
  assert.equal(pageKey('http://www.e.com/watch.html'), pageKey('https://e.com/watch.html'));
  assert.equal(pageKey('http://WWW2.E.com/a'), pageKey('http://e.com/a'));
  assert.notEqual(pageKey('http://www.e.com/a'), pageKey('http://w.e.com/a'));
  assert.notEqual(pageKey('http://wwwx.e.com/a'), pageKey('http://x.e.com/a'));
  const prefixes = metadataUriPrefixes('https://example.com/watch.html');
  assert.ok(prefixes.includes('urn:transclusions:http://www.example.com/watch.html'));
  assert.ok(metadataUriPrefixes('http://www.example.com/scheme.html').includes('urn:embeds:http://example.com/scheme.html'));
  assert.ok(isMetadataFor('urn:transclusions:http://www.example.com/watch.html?warckit-record=k', 'https://example.com/watch.html'));
});

test('directory pages: pywb keys their records without the trailing slash (urn:transclusions:http://e.com/dir?warckit-record=…), so the prefix queries also ask for that form; a page opened as dir/index.html finds the records of dir/', () => {
  const prefixes = metadataUriPrefixes('http://e.com/dir/');
  assert.ok(prefixes.includes('urn:transclusions:http://e.com/dir/'));
  assert.ok(prefixes.includes('urn:transclusions:http://e.com/dir?'));
  assert.ok(metadataUriPrefixes('http://e.com/').includes('urn:transclusions:http://e.com?'));
  assert.ok(!metadataUriPrefixes('http://e.com/a.html').some((p) => p.endsWith('?')));
  assert.deepEqual(pageUrlCandidates('http://e.com/dir/index.html'), ['http://e.com/dir/index.html', 'http://e.com/dir/']);
  assert.deepEqual(pageUrlCandidates('http://e.com/index.htm'), ['http://e.com/index.htm', 'http://e.com/']);
  assert.deepEqual(pageUrlCandidates('http://e.com/dir/index.html?x=1'), ['http://e.com/dir/index.html?x=1']);
});

test('pages: http and https meet; a directory URL also tries its index files', () => {
  assert.equal(pageKey('https://e.com/a'), pageKey('http://e.com/a'));
  assert.notEqual(pageKey('http://e.com/a'), pageKey('http://e.com/b'));
  assert.deepEqual(pageUrlCandidates('http://e.com/dir/'), ['http://e.com/dir/', 'http://e.com/dir/index.html', 'http://e.com/dir/index.htm']);
  assert.deepEqual(pageUrlCandidates('http://e.com/dir/?q=1'), ['http://e.com/dir/?q=1']);
  assert.deepEqual(pageUrlCandidates('http://e.com/a.html', ['default.asp']), ['http://e.com/a.html']);
  // As asked first, then canonical (host in lower case, no default port, no empty query), path untouched.
  assert.deepEqual(pageUrlCandidates('HTTP://WWW.E.com:80/A%20b.html?'), ['HTTP://WWW.E.com:80/A%20b.html?', 'http://www.e.com/A%20b.html']);
  assert.deepEqual(pageUrlCandidates('https://E.com:443'), ['https://E.com:443', 'https://e.com/', 'https://e.com/index.html', 'https://e.com/index.htm']);
  assert.deepEqual(pageUrlCandidates('http://e.com:8080/x?'), ['http://e.com:8080/x?', 'http://e.com:8080/x']);
  assert.deepEqual(pageUrlCandidates('http://e.com/x?a?'), ['http://e.com/x?a?'], 'a query that ends in ? is not empty');
  assert.equal(pageKey('http://WWW.E.com:80/a?'), pageKey('https://www.e.com/a'));
  assert.notEqual(pageKey('http://e.com:8080/a'), pageKey('http://e.com/a'));
  assert.deepEqual(metadataUriPrefixes('https://e.com/p.php?id=1'), [
    'urn:transclusions:http://e.com/p.php',
    'urn:embeds:http://e.com/p.php',
    'urn:transclusions:http://www.e.com/p.php',
    'urn:embeds:http://www.e.com/p.php',
    'urn:transclusions:https://e.com/p.php',
    'urn:embeds:https://e.com/p.php',
    'urn:transclusions:https://www.e.com/p.php',
    'urn:embeds:https://www.e.com/p.php',
  ]);
  assert.ok(isMetadataFor('urn:transclusions:https://e.com/p.php?id=1&warckit-record=z', 'http://e.com/p.php?id=1'));
  assert.ok(!isMetadataFor('urn:transclusions:http://e.com/p.php?id=2&warckit-record=z', 'http://e.com/p.php?id=1'));
  assert.ok(!isMetadataFor('urn:embeds:http://e.com/p.php2', 'http://e.com/p.php'));
});
