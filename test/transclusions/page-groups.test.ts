import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TransclusionEntry } from '../../src/transclusions/manifest.js';
import { planPages } from '../../src/transclusions/page-groups.js';

const manifest = (entries: Record<string, TransclusionEntry[]>) => ({ transclusions: new Map(Object.entries(entries)) });

test('pages: one group per page and timestamp, after the last of its media in input order', () => {
  const plan = planPages(
    manifest({
      'm/a.flv': [{ url: 'p1', timestamp: '2009', selector: '#a' }, { url: 'p2' }],
      'm/b.flv': [{ url: 'p1', timestamp: '2009' }, { url: 'p1', timestamp: '2010' }],
      'm/c.wav': [{ url: 'p1', timestamp: '2009', metadata_file: 'x.json', metadataJson: Buffer.from('{}') }],
      'm/unused.flv': [{ url: 'p1', timestamp: '2009' }],
    }),
    ['m/b.flv', 'm/c.wav', 'm/a.flv'],
    '20261123000000',
  );
  const summary = [...plan.groupsAfter].sort(([a], [b]) => b.localeCompare(a)).map(([after, groups]) => [after, groups.map((g) => `${g.timestamp} ${g.pageUrl}: ${g.media.map((m) => `${m.mediaUrl}${m.selector ? ` ${m.selector}` : ''}`).join(', ')}`)]);
  assert.deepEqual(summary, [
    ['m/b.flv', ['2010 p1: m/b.flv']],
    ['m/a.flv', ['2009 p1: m/b.flv, m/a.flv #a', '20261123000000 p2: m/a.flv']],
  ]);
  assert.deepEqual([...plan.crowdedPages], [['p1', 3]], 'b, c (its own JSON) and a as youtube-dl records of p1 at 2009');
});
