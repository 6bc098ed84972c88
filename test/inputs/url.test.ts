import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fnmatchToRegExp, indexUrlOf, pathToUrlPath, urlFor, urlPathChar } from '../../src/inputs/url.js';

test('paths become URLs the way warcit makes them, except that non-ASCII characters are percent-encoded as UTF-8 (warcit writes them raw: ReplayWeb.page serves no record at such a URL, pywb none outside Latin-1)', () => {
  const cases: Array<[string, string]> = [
    ['index.html', 'index.html'],
    ['./a/b.html', 'a/b.html'],
    ['a dir/my #page.html', 'a%20dir/my%20%23page.html'],
    ['q?x=1&y=2;z:@+$,.html', 'q%3fx%3d1%26y%3d2%3bz%3a%40%2b%24%2c.html'],
    ['vidéo ñ.flv', 'vid%C3%A9o%20%C3%B1.flv'],
    ['日本/映像.flv', '%E6%97%A5%E6%9C%AC/%E6%98%A0%E5%83%8F.flv'],
    ['100%.html', '100%.html'],
  ];
  for (const [path, expected] of cases) assert.equal(pathToUrlPath(path), expected, path);
  assert.equal(urlFor('http://example.com/', 'a b.html'), 'http://example.com/a%20b.html');
});

test('a backslash in a file name is %5C, not a separator: back\\slash.html and back/slash.html keep two URLs (a raw backslash is no URI character, and browsers read it as /)', () => {
  assert.equal(pathToUrlPath('back\\slash.html'), 'back%5Cslash.html');
  assert.equal(pathToUrlPath('back/slash.html'), 'back/slash.html');
  assert.equal(pathToUrlPath('dir\\sub\\a.flv'), 'dir%5Csub%5Ca.flv');
});

test('a path with nothing to escape is taken as it is, and every path comes out as its segments escaped character by character would (random paths of the characters that matter)', () => {
  const byChar = (path: string): string => [...path.split(/\/+/).filter((part) => part !== '' && part !== '.').join('/')].map(urlPathChar).join('');
  const alphabet = ['a', 'Z', '0', '.', '/', '-', '_', '~', '%', '#', ' ', '?', ':', '\\', '\n', '\x7f', 'é', '日', '\ud800', '..'];
  let seed = 7;
  const next = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
  for (let i = 0; i < 20000; i++) {
    const path = Array.from({ length: next(12) }, () => alphabet[next(alphabet.length)]).join('');
    assert.equal(pathToUrlPath(path), byChar(path), JSON.stringify(path));
  }
  for (const path of ['', '.', './a', 'a/./b', 'a//b', 'a/', '/a', '.hidden/x', '../up', 'a/..', 'a/.']) assert.equal(pathToUrlPath(path), byChar(path), JSON.stringify(path));
});

test('index URL is everything up to the last slash', () => {
  assert.equal(indexUrlOf('http://example.com/sub/index.html'), 'http://example.com/sub/');
  assert.equal(indexUrlOf('http://example.com/index.html'), 'http://example.com/');
});

test('wildcards follow Python fnmatch', () => {
  const cases: Array<[string, string, boolean]> = [
    ['*.jpeg', 'site/img/a.jpeg', true],
    ['*.jpeg', 'site/img/a.jpg', false],
    ['site/*', 'site/a/b/c.html', true],
    ['?.html', 'a.html', true],
    ['?.html', 'ab.html', false],
    ['[ab].css', 'b.css', true],
    ['[!ab].css', 'b.css', false],
    ['[!ab].css', 'c.css', true],
    ['a.(x)+', 'a.(x)+', true],
  ];
  for (const [pattern, value, expected] of cases) assert.equal(fnmatchToRegExp(pattern).test(value), expected, `${pattern} ~ ${value}`);
});

test('urlFor: control characters in a name are escaped (%0A, %09, %7F), as they are in WARC headers', () => {
  assert.equal(urlFor('http://example.com/', 'new\nline.flv'), 'http://example.com/new%0Aline.flv');
  assert.equal(urlFor('http://example.com/', 'a\tb\x7f.flv'), 'http://example.com/a%09b%7F.flv');
});
