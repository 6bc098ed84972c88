/** The archived-status rules, table-driven over records and results (pure). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type IndexedRecord, itemsFromManifest, itemsFromResults } from '../../src/verify/archived.js';
import type { ConversionResults } from '../../src/convert/results.js';

const S = 'a'.repeat(64);
const O = 'b'.repeat(64);
const rec = (uri: string, type: string, sha256: string, problems: string[] = [], sourcePath?: string): IndexedRecord => ({ warc: 'w.warc.gz', offset: 100, type, uri, sha256, problems, ...(sourcePath ? { sourcePath } : {}) });

function judge(records: IndexedRecord[], results: ConversionResults): string[] {
  const byUri = new Map<string, IndexedRecord[]>();
  for (const r of records) byUri.set(r.uri!, [...(byUri.get(r.uri!) ?? []), r]);
  return itemsFromResults(results, byUri).map((i) => `${i.kind} ${i.name} ${i.status}`);
}

test('sources and conversions: archived, changed (other bytes, or damaged), missing, failed', () => {
  const results: ConversionResults = {
    conversions: {
      'http://x/a.flv': [
        { url: 'http://x/a.flv.mp4', output: '/o/a.flv.mp4', metadata: {}, type: 'conversion', success: true, source_sha256: S, output_sha256: O },
        { url: 'http://x/a.flv.webm', output: '/o/a.flv.webm', metadata: {}, type: 'conversion', success: false, exit_code: 1, stderr_tail: 'line one\nConversion failed!' },
        { url: 'http://x/a.flv.mkv', output: '/o/a.flv.mkv', metadata: {}, type: 'conversion', success: true, output_sha256: O },
      ],
    },
  };
  const cases: Array<[IndexedRecord[], string[]]> = [
    [[rec('http://x/a.flv', 'resource', S), rec('http://x/a.flv.mp4', 'conversion', O), rec('http://x/a.flv.mkv', 'resource', O)], ['archived', 'archived', 'failed', 'archived']],
    [[rec('http://x/a.flv', 'resource', O), rec('http://x/a.flv.mp4', 'conversion', O, ['WARC-Block-Digest does not match (damaged)'])], ['changed', 'changed', 'failed', 'missing']],
    [[rec('http://x/a.flv', 'revisit', S)], ['missing', 'missing', 'failed', 'missing']],
    // appended twice: one good copy is enough
    [[rec('http://x/a.flv', 'resource', O), rec('http://x/a.flv', 'resource', S)], ['archived', 'missing', 'failed', 'missing']],
  ];
  for (const [records, statuses] of cases) assert.deepEqual(judge(records, results).map((l) => l.split(' ')[2]), statuses, JSON.stringify(records.map((r) => r.uri)));
  const byUri = new Map([['http://x/a.flv', [rec('http://x/a.flv', 'resource', S)]]]);
  const failed = itemsFromResults(results, byUri).find((i) => i.status === 'failed')!;
  assert.equal(failed.detail, 'exit code 1: line one', 'ffmpeg\'s closing "Conversion failed!" tells nothing: the line before it');
  // warcit's results carry no digests: presence only
  const warcit: ConversionResults = { conversions: { 'http://x/a.flv': [{ url: 'http://x/a.flv.mp4', output: '/o', metadata: {}, type: 'conversion', success: true }] } };
  const items = itemsFromResults(warcit, new Map([['http://x/a.flv', [rec('http://x/a.flv', 'resource', S)]], ['http://x/a.flv.mp4', [rec('http://x/a.flv.mp4', 'conversion', O)]]]));
  assert.deepEqual(items.map((i) => i.status), ['archived', 'archived']);
  assert.match(items[0]!.detail, /presence checked only/);
});

test('manifest files: by digest, else by source path (changed), else missing', () => {
  const records = [rec('http://x/a.wav', 'resource', S, [], '/site/a.wav'), rec('http://x/b.wav', 'resource', O, [], 'site/b.wav')];
  const items = itemsFromManifest(
    [
      { path: '/site/a.wav', listed: '../site/a.wav', algorithm: 'sha256', hash: S },
      { path: '/site/b.wav', listed: '../site/b.wav', algorithm: 'sha256', hash: 'c'.repeat(64) },
      { path: '/site/c.wav', listed: '../site/c.wav', algorithm: 'sha256', hash: 'd'.repeat(64) },
    ],
    records,
  );
  assert.deepEqual(items.map((i) => i.status), ['archived', 'changed', 'missing']);
});
