import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isTransclusionRecord, MetadataRecordError, parseTransclusionRecord } from '../../src/replay/records.js';
import { VIDEO } from './fixtures.js';

test('records: youtube-dl, multi-transclusion (old and keyed URIs) and old metadata:// forms parse', () => {
  const yt = parseTransclusionRecord({ targetUri: 'urn:embeds:http://e.com/p.html', warcDate: '2016-01-02T00:00:00Z', body: JSON.stringify({ formats: VIDEO.formats, selector: 'embed', webpage_url: 'http://e.com/p.html' }) });
  assert.equal(yt.pageUrl, 'http://e.com/p.html');
  assert.equal(yt.timestamp, '20160102000000');
  assert.equal(yt.transclusions[0]?.mediaUrl, 'http://e.com/v.flv');
  assert.equal(yt.transclusions[0]?.selector, 'embed');
  for (const uri of ['urn:transclusions:http://e.com/p.html', 'urn:transclusions:http://e.com/p.html?warckit-record=4f1c']) {
    const multi = parseTransclusionRecord({ targetUri: uri, warcDate: '20160102000000', body: JSON.stringify({ transclusions: { 'http://e.com/v.flv': { formats: VIDEO.formats } }, creation_timestamp: '20190301' }) });
    assert.equal(multi.format, 'transclusions');
    assert.equal(multi.pageUrl, 'http://e.com/p.html');
    assert.equal(multi.timestamp, '20160102000000');
    assert.equal(multi.created, '20190301');
  }
  const old = parseTransclusionRecord({ targetUri: 'metadata://e.com/p.html', warcDate: '2016-01-02T00:00:00Z', body: JSON.stringify({ formats: VIDEO.formats }) });
  assert.equal(old.pageUrl, 'http://e.com/p.html');
});

test('records: a payload that is not transclusion metadata says why', () => {
  const cases: Array<[string, RegExp]> = [
    ['not json', /payload is not valid JSON/],
    ['[1, 2]', /not a JSON object/],
    ['{"formats": []}', /neither "transclusions" nor "formats"/],
  ];
  for (const [body, message] of cases) {
    assert.throws(() => parseTransclusionRecord({ targetUri: 'urn:embeds:http://e.com/p', warcDate: '2016', body }), (e: Error) => e instanceof MetadataRecordError && message.test(e.message) && e.message.startsWith('urn:embeds:http://e.com/p'));
  }
  assert.ok(isTransclusionRecord('urn:transclusions:http://e.com/?warckit-record=1', undefined));
  assert.ok(isTransclusionRecord('http://e.com/x.json', 'application/vnd.transclusions+json; charset=utf-8'));
  assert.ok(!isTransclusionRecord('http://e.com/x.json', 'application/json'));
});
