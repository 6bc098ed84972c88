/**
 * The pages a WARC's transclusion metadata is about (pure): for the media among the inputs, in
 * input order, which pages embed them at which timestamps. One multi-transclusion record per
 * page and timestamp goes right after the last of its media; linear in the manifest's size.
 */
import type { TransclusionEntry, TransclusionManifest } from './manifest.js';

export interface PageGroup {
  pageUrl: string;
  timestamp: string;
  /** The media of the page at that time, in input order, with the selector the manifest gives. */
  media: Array<{ mediaUrl: string; selector?: string }>;
}

export interface PagePlan {
  /** Multi-transclusion groups to write after the media URL that completes them. */
  groupsAfter: Map<string, PageGroup[]>;
  /** Pages that get several youtube-dl records at one timestamp (stock pywb shows one of them): page → count. */
  crowdedPages: Map<string, number>;
}

/** The timestamp a manifest entry means: its own, else the run's. */
export function entryTimestamp(entry: TransclusionEntry, runTimestamp: string): string {
  return entry.timestamp ?? runTimestamp;
}

/**
 * Group the manifest's pages for the media in `mediaUrls` (the WARC's inputs, in order).
 * Entries with `metadata_file` are written as given, so they join no group.
 */
export function planPages(manifest: TransclusionManifest, mediaUrls: Iterable<string>, runTimestamp: string): PagePlan {
  const groups = new Map<string, PageGroup & { seen: Set<string>; last: string }>();
  const youtubeDl = new Map<string, { pageUrl: string; count: number }>();
  for (const mediaUrl of mediaUrls) {
    for (const entry of manifest.transclusions.get(mediaUrl) ?? []) {
      const timestamp = entryTimestamp(entry, runTimestamp);
      const key = `${timestamp} ${entry.url}`;
      const counted = youtubeDl.get(key) ?? { pageUrl: entry.url, count: 0 };
      counted.count++;
      youtubeDl.set(key, counted);
      if (entry.metadataJson) continue;
      let group = groups.get(key);
      if (!group) {
        group = { pageUrl: entry.url, timestamp, media: [], seen: new Set(), last: mediaUrl };
        groups.set(key, group);
      }
      if (group.seen.has(mediaUrl)) continue;
      group.seen.add(mediaUrl);
      group.media.push({ mediaUrl, ...(entry.selector ? { selector: entry.selector } : {}) });
      group.last = mediaUrl;
    }
  }
  const groupsAfter = new Map<string, PageGroup[]>();
  for (const { seen: _seen, last, ...group } of groups.values()) {
    const list = groupsAfter.get(last);
    if (list) list.push(group);
    else groupsAfter.set(last, [group]);
  }
  const crowdedPages = new Map<string, number>();
  for (const { pageUrl, count } of youtubeDl.values()) if (count > 1) crowdedPages.set(pageUrl, Math.max(count, crowdedPages.get(pageUrl) ?? 0));
  return { groupsAfter, crowdedPages };
}
