/**
 * The replay lookup rule (pure, also bundled into the browser client): among a page's
 * metadata records, those closest in time to the requested timestamp; several at exactly that
 * timestamp are merged; records farther away are never used. Equal distance before and after:
 * the earlier capture wins.
 */
import { canonicalPageUrl, pageKey, pageUrlCandidates } from '../transclusions/record-uri.js';
import type { Transclusion, TransclusionRecord } from './records.js';

export { pageKey } from '../transclusions/record-uri.js';

/** 14-digit timestamps (or fewer digits, padded with zeros) as seconds since 1970, for distances. */
function seconds(ts: string): number {
  const d = ts.replace(/\D/g, '').padEnd(14, '0');
  return Date.UTC(+d.slice(0, 4), +d.slice(4, 6) - 1, +d.slice(6, 8), +d.slice(8, 10), +d.slice(10, 12), +d.slice(12, 14)) / 1000;
}

/** The items at the timestamp closest to `wanted` (all of them when several share it), in their order. */
export function selectClosest<T extends { timestamp: string }>(items: readonly T[], wanted: string): T[] {
  const target = seconds(wanted);
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const item of items) {
    const distance = Math.abs(seconds(item.timestamp) - target);
    if (distance < bestDistance || (distance === bestDistance && best !== undefined && item.timestamp < best)) {
      best = item.timestamp;
      bestDistance = distance;
    }
  }
  return best === undefined ? [] : items.filter((item) => seconds(item.timestamp) === seconds(best!));
}

/**
 * The transclusions of records captured at one time, merged: the same media named by several
 * records takes the most recently created one (a multi-transclusion record over a youtube-dl
 * one made at the same time), at the place it first appeared.
 */
export function mergeTransclusions(records: readonly TransclusionRecord[]): Transclusion[] {
  const rank = (r: TransclusionRecord): string => `${r.created.replace(/\D/g, '').padEnd(14, '0')}${r.format === 'transclusions' ? 1 : 0}`;
  const merged = new Map<string, { rank: string; transclusion: Transclusion }>();
  for (const record of records) {
    for (const transclusion of record.transclusions) {
      const seen = merged.get(transclusion.mediaUrl);
      if (!seen || rank(record) >= seen.rank) merged.set(transclusion.mediaUrl, { rank: rank(record), transclusion });
    }
  }
  return [...merged.values()].map((m) => m.transclusion);
}

/** Transclusion records by page, for {@link lookupTransclusions} (built by {@link buildTransclusionIndex}). */
export interface TransclusionIndex {
  byPage: Map<string, TransclusionRecord[]>;
}

/** Index records by page. */
export function buildTransclusionIndex(records: Iterable<TransclusionRecord>): TransclusionIndex {
  const byPage = new Map<string, TransclusionRecord[]>();
  for (const record of records) {
    const key = pageKey(record.pageUrl);
    const list = byPage.get(key);
    if (list) list.push(record);
    else byPage.set(key, [record]);
  }
  return { byPage };
}

/** What a page gets at a time. */
export interface LookupResult {
  /** The page URL whose records were used (for a directory URL, possibly its index file). */
  pageUrl: string;
  /** The capture timestamp the transclusions come from. */
  timestamp: string;
  transclusions: Transclusion[];
  /** How many records were merged. */
  records: number;
}

/** Apply the lookup rule to the records of one page; undefined when there are none. */
export function resolveTransclusions(pageUrl: string, records: readonly TransclusionRecord[], timestamp: string): LookupResult | undefined {
  const closest = selectClosest(records, timestamp);
  if (!closest.length) return undefined;
  return { pageUrl, timestamp: closest[0]!.timestamp, transclusions: mergeTransclusions(closest), records: closest.length };
}

/**
 * The transclusions to apply to `pageUrl` at `timestamp`, or undefined when the page has no
 * metadata. A directory URL (`…/dir/`) without records of its own takes its index file's.
 */
export function lookupTransclusions(index: TransclusionIndex, pageUrl: string, timestamp: string, indexFiles?: readonly string[]): LookupResult | undefined {
  for (const candidate of pageUrlCandidates(pageUrl, indexFiles)) {
    // Named in its canonical form, whichever spelling found it (as the index route does).
    const found = resolveTransclusions(canonicalPageUrl(candidate), index.byPage.get(pageKey(candidate)) ?? [], timestamp);
    if (found) return found;
  }
  return undefined;
}
