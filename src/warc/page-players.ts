/**
 * The manifest's pages that are among the inputs, checked while the WARC is written as replay
 * will place their media: each page is read (up to {@link MAX_PAGE_BYTES}) and given to the
 * same rule `warckit-replay inject` and the browser client use. A media that no element of the
 * page takes, and a selector that cannot work, are warned about, naming the page, so the
 * archivist learns it before replay does. A player that a script writes at replay is not seen
 * here (the warning says so). Memory follows the manifest's pages, not the number of files.
 */
import type { FileEntry } from '../inputs/entry.js';
import type { Transclusion } from '../replay/records.js';
import type { TransclusionManifest } from '../transclusions/manifest.js';
import { pageKey } from '../transclusions/record-uri.js';
import { readHead } from './content-type.js';

/** Pages larger than this are not checked (a page is seldom more than a few hundred KB). */
const MAX_PAGE_BYTES = 16 * 1024 * 1024;

/** The page's bytes, or undefined when it is larger than {@link MAX_PAGE_BYTES}. */
async function pageBytes(entry: FileEntry): Promise<Buffer | undefined> {
  if (entry.size > MAX_PAGE_BYTES) return undefined;
  if (entry.data) return entry.data;
  const bytes = await readHead(entry.open, MAX_PAGE_BYTES + 1);
  return bytes.length > MAX_PAGE_BYTES ? undefined : bytes;
}

export class PagePlayerCheck {
  /** Each page's media (by page key), with their selectors. */
  private readonly media = new Map<string, Transclusion[]>();
  private readonly pages = new Map<string, { entry: FileEntry; url: string }>();

  constructor(manifest: TransclusionManifest) {
    for (const [mediaUrl, entries] of manifest.transclusions) {
      for (const entry of entries) {
        const list = this.media.get(pageKey(entry.url)) ?? [];
        if (!list.some((t) => t.mediaUrl === mediaUrl)) list.push({ mediaUrl, ...(entry.selector ? { selector: entry.selector } : {}), formats: [] });
        this.media.set(pageKey(entry.url), list);
      }
    }
  }

  /** Pages served as XHTML (see {@link typed}). */
  private readonly xhtml = new Set<string>();

  /** A file among the inputs, at `url`: kept for the check when it is one of the manifest's pages. */
  note(entry: FileEntry, url: string): void {
    const key = pageKey(url);
    if (this.media.has(key) && !this.pages.has(key)) this.pages.set(key, { entry, url });
  }

  /** The Content-Type a file at `url` is served with: a manifest page as XHTML gets no client in ReplayWeb.page. */
  typed(url: string, mime: string): void {
    if (mime === 'application/xhtml+xml' && this.media.has(pageKey(url))) this.xhtml.add(pageKey(url));
  }

  /** Check each page noted; what replay would miss goes to `warn`. A page that cannot be read is left to the record's own reading. */
  async check(warn: (message: string) => void): Promise<void> {
    if (this.pages.size === 0) return;
    const { injectTransclusionsIntoBytes } = await import('../replay/inject.js');
    for (const [key, { entry, url }] of this.pages) {
      // wabac.js injects its scripts (the client among them) into text/html only.
      if (this.xhtml.has(key)) warn(`${entry.path} is served as application/xhtml+xml: ReplayWeb.page runs no script in such a page, so its media are not put in there (pywb does); write it with --no-xhtml to serve it as text/html`);
      const bytes = await pageBytes(entry).catch(() => undefined);
      if (!bytes) continue;
      let result;
      try {
        result = injectTransclusionsIntoBytes(bytes, this.media.get(key)!, { pageUrl: url });
      } catch {
        continue; // not a page inject can read (UTF-16, not HTML): nothing to say about its players
      }
      for (const p of result.problems) warn(`${entry.path}: at replay ${p.mediaUrl}: selector "${p.selector}": ${p.problem}`);
      for (const media of result.unmatched) warn(`${entry.path}: at replay no element of the page takes ${media} (as warckit-replay inject finds the players; one that a script writes at replay may still take it)`);
    }
  }
}
