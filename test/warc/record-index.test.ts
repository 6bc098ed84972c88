import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cdxjLineOf } from '../../src/warc/record-index.js';
import type { WrittenRecord } from '../../src/warc/writer.js';

const record = (targetUri: string): WrittenRecord => ({ recordId: '<urn:uuid:x>', type: 'resource', date: new Date('2009-04-15T12:00:00Z'), offset: 0, length: 100, digests: {}, payloadLength: 10, targetUri, contentType: 'application/vnd.transclusions+json' });

test("--cdxj keys records as pywb's canonicalize does (metadata records: lower case, no trailing slash, query sorted; web URLs: no trailing slash of a directory) (lower case, no trailing slash, query sorted): pywb then finds a directory page's records, by prefix and by id_ fetch", () => {
  // Expected keys: pywb 2.10's pywb.utils.canonicalize.canonicalize on each URI.
  const cases: Array<[string, string]> = [
    ['urn:embeds:http://www.example.com/dir/', 'urn:embeds:http://www.example.com/dir'],
    ['urn:embeds:http://www.example.com/', 'urn:embeds:http://www.example.com'],
    ['urn:transclusions:http://www.example.com/dir/?warckit-record=K', 'urn:transclusions:http://www.example.com/dir?warckit-record=k'],
    ['urn:transclusions:http://www.example.com/?warckit-record=K', 'urn:transclusions:http://www.example.com?warckit-record=k'],
    ['urn:embeds:http://WWW.Example.com/A%20b.html', 'urn:embeds:http://www.example.com/a%20b.html'],
    ['urn:transclusions:http://www.example.com/p.php?b=2&a=1&warckit-record=K', 'urn:transclusions:http://www.example.com/p.php?a=1&b=2&warckit-record=k'],
    ['urn:embeds:http://www.example.com/a/b/', 'urn:embeds:http://www.example.com/a/b'],
  ];
  for (const [uri, key] of cases) {
    const line = cdxjLineOf(record(uri), undefined, 'w.warc.gz', true)!;
    assert.equal(line.split(' ')[0], key, uri);
    assert.equal((JSON.parse(line.slice(line.indexOf('{'))) as { url: string }).url, uri, 'the URI itself as written');
  }
  // Web URLs: warcio.js's SURT, which differs from pywb's only in keeping a directory's trailing slash (values from pywb 2.10's canonicalize).
  const web: Array<[string, string]> = [
    ['http://www.example.com/dir/', 'com,example)/dir'],
    ['http://www.example.com/', 'com,example)/'],
    ['http://www.example.com/A/B.html?b=2&a=1', 'com,example)/a/b.html?a=1&b=2'],
    ['https://example.com/a%20b/', 'com,example)/a%20b'],
    ['http://www.example.com/caf%C3%A9.flv', 'com,example)/caf%c3%a9.flv'],
  ];
  for (const [uri, key] of web) assert.equal(cdxjLineOf(record(uri), undefined, 'w.warc.gz', true)!.split(' ')[0], key, uri);
});
