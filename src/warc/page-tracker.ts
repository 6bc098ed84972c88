/**
 * Multi-transclusion records as the media go by (pure, no I/O): one record per page and
 * timestamp, written right after the last of its media among the inputs. A group with media
 * that never come (not among the inputs) is complete only when the walk ends: it goes last.
 * Memory follows the manifest, not the number of files.
 */
import type { TransclusionManifest } from '../transclusions/manifest.js';
import { entryTimestamp, type PageGroup } from '../transclusions/page-groups.js';

interface Group extends PageGroup {
  order: number;
  missing: Set<string>;
  written: boolean;
}

export class PageTracker {
  private readonly groups = new Map<string, Group>();
  /** Each media's groups (its manifest entries that join one), with the selector its first entry in the group gives. */
  private readonly byMedia = new Map<string, Map<Group, string | undefined>>();
  /** youtube-dl records per page and timestamp: more than one means stock pywb shows only one. */
  private readonly youtubeDl = new Map<string, { pageUrl: string; count: number }>();
  private readonly seen = new Set<string>();
  private created = 0;

  constructor(
    private readonly manifest: TransclusionManifest,
    private readonly runTimestamp: string,
  ) {
    for (const [mediaUrl, entries] of manifest.transclusions) {
      for (const entry of entries) {
        if (entry.metadataJson) continue; // written as given: joins no group
        const timestamp = entryTimestamp(entry, runTimestamp);
        const key = `${timestamp} ${entry.url}`;
        let group = this.groups.get(key);
        if (!group) {
          group = { pageUrl: entry.url, timestamp, media: [], order: -1, missing: new Set(), written: false };
          this.groups.set(key, group);
        }
        group.missing.add(mediaUrl);
        // A map, not a list searched per entry: one media in 40,000 pages made that 40,000².
        let groups = this.byMedia.get(mediaUrl);
        if (!groups) this.byMedia.set(mediaUrl, (groups = new Map()));
        if (!groups.has(group)) groups.set(group, entry.selector);
      }
    }
  }

  /** A media among the inputs, in input order: the groups it completes, in the order they began. */
  add(mediaUrl: string): PageGroup[] {
    for (const entry of this.manifest.transclusions.get(mediaUrl) ?? []) {
      const key = `${entryTimestamp(entry, this.runTimestamp)} ${entry.url}`;
      const counted = this.youtubeDl.get(key) ?? { pageUrl: entry.url, count: 0 };
      counted.count++;
      this.youtubeDl.set(key, counted);
    }
    if (this.seen.has(mediaUrl)) return [];
    this.seen.add(mediaUrl);
    const complete: Group[] = [];
    for (const [group, selector] of this.byMedia.get(mediaUrl) ?? []) {
      if (group.order < 0) group.order = this.created++;
      group.media.push({ mediaUrl, ...(selector ? { selector } : {}) });
      group.missing.delete(mediaUrl);
      if (group.missing.size === 0) complete.push(group);
    }
    return this.take(complete);
  }

  /** The walk is over: groups that some of their media never completed. */
  rest(): PageGroup[] {
    return this.take([...this.groups.values()].filter((g) => g.order >= 0 && !g.written));
  }

  /** Pages with several youtube-dl records at one timestamp: page → count. */
  crowdedPages(): Map<string, number> {
    const crowded = new Map<string, number>();
    for (const { pageUrl, count } of this.youtubeDl.values()) if (count > 1) crowded.set(pageUrl, Math.max(count, crowded.get(pageUrl) ?? 0));
    return crowded;
  }

  private take(groups: Group[]): PageGroup[] {
    return groups
      .sort((a, b) => a.order - b.order)
      .map((group) => {
        group.written = true;
        return { pageUrl: group.pageUrl, timestamp: group.timestamp, media: group.media };
      });
  }
}
