import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTransclusionIndex, lookupTransclusions, mergeTransclusions, selectClosest } from '../../src/replay/lookup.js';
import type { TransclusionRecord } from '../../src/replay/records.js';

const PAGE = 'http://example.com/watch.html';

function rec(timestamp: string, media: string[], created = timestamp, pageUrl = PAGE): TransclusionRecord {
  return { pageUrl, timestamp, created, format: 'transclusions', transclusions: media.map((m) => ({ mediaUrl: m, formats: [{ url: m, original: true }] })) };
}

const cases: Array<{ name: string; records: TransclusionRecord[]; at: string; expect: { timestamp: string; media: string[] } | undefined; asked?: string }> = [
  { name: 'exact match', records: [rec('20160102000000', ['a']), rec('20170102000000', ['b'])], at: '20160102000000', expect: { timestamp: '20160102000000', media: ['a'] } },
  {
    name: 'several records at one timestamp are merged',
    records: [rec('20160102000000', ['a', 'b'], '20190301000000'), rec('20160102000000', ['c'], '20191001000000'), rec('20170102000000', ['d'])],
    at: '20160203000000',
    expect: { timestamp: '20160102000000', media: ['a', 'b', 'c'] },
  },
  { name: 'closest earlier', records: [rec('20160102000000', ['a']), rec('20170102000000', ['b'])], at: '20160301000000', expect: { timestamp: '20160102000000', media: ['a'] } },
  { name: 'closest later', records: [rec('20160102000000', ['a']), rec('20170102000000', ['b'])], at: '20161201000000', expect: { timestamp: '20170102000000', media: ['b'] } },
  { name: 'never reaches past the closest: a later page with other media is not merged', records: [rec('20170102000000', ['a']), rec('20160102000000', ['a', 'b'])], at: '20170203000000', expect: { timestamp: '20170102000000', media: ['a'] } },
  { name: 'tie between earlier and later: the earlier capture', records: [rec('20160101000000', ['early']), rec('20160103000000', ['late'])], at: '20160102000000', expect: { timestamp: '20160101000000', media: ['early'] } },
  { name: 'tie, records given in the other order', records: [rec('20160103000000', ['late']), rec('20160101000000', ['early'])], at: '20160102000000', expect: { timestamp: '20160101000000', media: ['early'] } },
  { name: 'no records for the page', records: [rec('20160102000000', ['a'], undefined, 'http://example.com/other.html')], at: '20160102000000', expect: undefined },
  { name: 'no records at all', records: [], at: '20160102000000', expect: undefined },
  { name: 'the page asked for with an upper-case host, the default port and an empty query meets its capture', records: [rec('20160102000000', ['a'], undefined, 'http://example.com/watch.html')], at: '2016', expect: { timestamp: '20160102000000', media: ['a'] }, asked: 'http://EXAMPLE.com:80/watch.html?' },
  { name: 'a manifest that spelt the page with an upper-case host still meets the page', records: [rec('20160102000000', ['a'], undefined, 'http://Example.COM/watch.html')], at: '2016', expect: { timestamp: '20160102000000', media: ['a'] } },
  { name: 'http and https captures of one page meet', records: [rec('20160102000000', ['a'], undefined, 'https://example.com/watch.html')], at: '2016', expect: { timestamp: '20160102000000', media: ['a'] } },
  {
    name: 'the same media in two merged records: the later-created one wins',
    records: [
      { ...rec('20160102000000', [], '20190101000000'), transclusions: [{ mediaUrl: 'a', selector: 'old', formats: [] }] },
      { ...rec('20160102000000', [], '20200101000000'), transclusions: [{ mediaUrl: 'a', selector: 'new', formats: [] }] },
    ],
    at: '20160102000000',
    expect: { timestamp: '20160102000000', media: ['a'] },
  },
];

for (const c of cases) {
  test(`lookup: ${c.name}`, () => {
    const found = lookupTransclusions(buildTransclusionIndex(c.records), c.asked ?? PAGE, c.at);
    if (!c.expect) return assert.equal(found, undefined);
    assert.ok(found);
    assert.equal(found.timestamp, c.expect.timestamp);
    assert.deepEqual(found.transclusions.map((t) => t.mediaUrl), c.expect.media);
  });
}

test('lookup: merged duplicates keep the newest selector', () => {
  const found = lookupTransclusions(buildTransclusionIndex(cases.at(-1)!.records), PAGE, '20160102000000');
  assert.equal(found?.transclusions[0]?.selector, 'new');
});

test('lookup: a directory URL takes its index file’s records when it has none of its own', () => {
  const index = buildTransclusionIndex([rec('20160102000000', ['a'], undefined, 'http://example.com/dir/index.html')]);
  assert.deepEqual(lookupTransclusions(index, 'http://example.com/dir/', '2016')?.transclusions.map((t) => t.mediaUrl), ['a']);
  assert.equal(lookupTransclusions(index, 'http://example.com/dir/', '2016')?.pageUrl, 'http://example.com/dir/index.html');
  assert.equal(lookupTransclusions(index, 'http://example.com/other/', '2016'), undefined);
});

test('merge: made at the same time, a multi-transclusion record wins over a youtube-dl one for the same media', () => {
  const yt: TransclusionRecord = { ...rec('20160102000000', [], '20190101000000'), format: 'youtube-dl', transclusions: [{ mediaUrl: 'a', selector: 'yt', formats: [] }] };
  const multi: TransclusionRecord = { ...rec('20160102000000', [], '20190101000000'), transclusions: [{ mediaUrl: 'a', selector: 'multi', formats: [] }] };
  for (const order of [[yt, multi], [multi, yt]]) assert.equal(mergeTransclusions(order)[0]?.selector, 'multi');
});

test('selectClosest: every item at the closest time, none farther', () => {
  const items = [{ timestamp: '20160102000000', n: 1 }, { timestamp: '20160102000000', n: 2 }, { timestamp: '20170101000000', n: 3 }];
  assert.deepEqual(selectClosest(items, '2016').map((i) => i.n), [1, 2]);
  assert.deepEqual(selectClosest(items, '2017').map((i) => i.n), [3]);
  assert.deepEqual(selectClosest([], '2017'), []);
});
