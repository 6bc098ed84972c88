/**
 * The replay lookup rule (pure): among a page's metadata records, those closest in time to
 * the requested timestamp; several at exactly that timestamp are merged; records farther
 * away are never used. Equal distance before and after: the earlier capture wins.
 */
import type { Transclusion, TransclusionRecord } from './records.js';

/** Page key: the URL without its scheme, so http and https captures of a page meet. */
export function pageKey(url: string): string {
  return url.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '//');
}

export interface TransclusionIndex {
  byPage: Map<string, TransclusionRecord[]>;
}

/** Index records by page. */
export function buildTransclusionIndex(records: Iterable<TransclusionRecord>): TransclusionIndex {
  const byPage = new Map<string, TransclusionRecord[]>();
  for (const record of records) {
    const key = pageKey(record.pageUrl);
    const list = byPage.get(key) ?? [];
    list.push(record);
    byPage.set(key, list);
  }
  return { byPage };
}

export interface LookupResult {
  pageUrl: string;
  /** The capture timestamp the transclusions come from. */
  timestamp: string;
  transclusions: Transclusion[];
  /** How many records were merged. */
  records: number;
}

/** 14-digit timestamps as seconds since 1970, for distances. */
function seconds(ts: string): number {
  const d = ts.replace(/\D/g, '').padEnd(14, '0');
  return Date.UTC(+d.slice(0, 4), +d.slice(4, 6) - 1, +d.slice(6, 8), +d.slice(8, 10), +d.slice(10, 12), +d.slice(12, 14)) / 1000;
}

/**
 * The transclusions to apply to `pageUrl` at `timestamp`, or undefined when the page has no
 * metadata. The same media named by several merged records: the most recently created wins.
 */
export function lookupTransclusions(index: TransclusionIndex, pageUrl: string, timestamp: string): LookupResult | undefined {
  const candidates = index.byPage.get(pageKey(pageUrl));
  if (!candidates?.length) return undefined;
  const wanted = seconds(timestamp);
  let best: TransclusionRecord[] = [];
  let bestDistance = Infinity;
  let bestTimestamp = '';
  for (const record of candidates) {
    const distance = Math.abs(seconds(record.timestamp) - wanted);
    const earlierTie = distance === bestDistance && record.timestamp < bestTimestamp;
    if (distance < bestDistance || earlierTie) {
      best = [record];
      bestDistance = distance;
      bestTimestamp = record.timestamp;
    } else if (distance === bestDistance && record.timestamp === bestTimestamp) best.push(record);
  }
  const merged = new Map<string, { created: string; transclusion: Transclusion }>();
  for (const record of best) {
    for (const transclusion of record.transclusions) {
      const seen = merged.get(transclusion.mediaUrl);
      if (!seen || record.created >= seen.created) merged.set(transclusion.mediaUrl, { created: record.created, transclusion });
    }
  }
  return { pageUrl, timestamp: bestTimestamp, transclusions: [...merged.values()].map((m) => m.transclusion), records: best.length };
}
