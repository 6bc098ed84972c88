/**
 * Manifest media URLs spelt otherwise than warckit names the files (pure). A manifest is written
 * by hand: `media/tour of the lab.flv` where the input's URL is `…/tour%20of%20the%20lab.flv`,
 * `HTTP://EXAMPLE.COM:80/…` where the prefix is `http://example.com/`. warcit matches the URL
 * exactly, so such an entry silently gets no metadata. Under the run's URL prefix, a manifest
 * URL is respelt the way warckit names files, changing only what no input URL can hold: a raw
 * space or other character warcit escapes, an escape of one of those in capitals, a raw
 * non-ASCII character (`é`, as warcit wrote it: warckit names it `%C3%A9`), the host in
 * capitals or a default port. Any other escape (`%41`) stays: a file may have it in its name.
 */
import { urlPathChar } from '../inputs/url.js';
import type { TransclusionEntry, TransclusionManifest } from './manifest.js';
import { safeDecode } from '../util/safe-decode.js';
import { splitCanonicalOrigin } from './record-uri.js';

/** A URL path (and query) spelt as warcit spells the file name it stands for (see above). */
function asInputPath(path: string): string {
  return path.replace(/%[0-9a-f]{2}(?:%[89a-f][0-9a-f])*|[^%]/gi, (token) => {
    if (!token.startsWith('%')) return urlPathChar(token);
    const first = Number.parseInt(token.slice(1, 3), 16);
    if (first < 0x80) {
      const char = String.fromCharCode(first);
      const escaped = urlPathChar(char);
      return (escaped === char ? token.slice(0, 3) : escaped) + asInputPath(token.slice(3));
    }
    // UTF-8 escapes (`%C3%A9`) as their characters, respelt; as they are when they spell none.
    const chars = safeDecode(token);
    return chars === token ? token : [...chars].map(urlPathChar).join('');
  });
}

/**
 * The URL warckit gives the file a manifest URL names, when it lies under `prefix` (its scheme
 * and host compared as replay systems compare them); the URL itself otherwise.
 */
export function inputUrlSpelling(url: string, prefix: string): string {
  const at = splitCanonicalOrigin(url);
  const base = splitCanonicalOrigin(prefix);
  if (!at || !base) return url;
  const full = at.origin + at.rest;
  const start = base.origin + base.rest;
  if (!full.startsWith(start) || full.length === start.length) return url;
  return prefix + asInputPath(full.slice(start.length));
}

/**
 * An absolute URL's path spelt as warckit names files, under the URL's own origin in canonical
 * form (see {@link inputUrlSpelling}); the query and anything not `scheme://` as they are. Results
 * files of warcit-converter, or of warckit before it escaped non-ASCII characters, key
 * `http://x/café.flv`: warckit names that file `http://x/caf%C3%A9.flv`.
 */
export function warckitSpelling(url: string): string {
  const at = splitCanonicalOrigin(url);
  if (!at) return url;
  const q = at.rest.indexOf('?');
  const path = q < 0 ? at.rest : at.rest.slice(0, q);
  const spelt = path.startsWith('/') ? `/${asInputPath(path.slice(1))}` : asInputPath(path);
  return at.origin + spelt + (q < 0 ? '' : at.rest.slice(q));
}

export interface AlignedManifest {
  manifest: TransclusionManifest;
  /** Manifest URLs taken as another spelling: [as written, as the input is named]. */
  respelt: Array<[string, string]>;
}

/**
 * The manifest with each media URL spelt as warckit names the file it means ({@link inputUrlSpelling});
 * `exact` URLs (a mapfile's, which name files freely) are kept as written. Entries of two
 * spellings of one URL are joined.
 */
export function alignManifestUrls(manifest: TransclusionManifest, prefix: string, exact: ReadonlySet<string> = new Set()): AlignedManifest {
  const out = new Map<string, TransclusionEntry[]>();
  const respelt: Array<[string, string]> = [];
  for (const [url, entries] of manifest.transclusions) {
    const spelt = exact.has(url) ? url : inputUrlSpelling(url, prefix);
    if (spelt !== url) respelt.push([url, spelt]);
    const list = out.get(spelt);
    if (list) list.push(...entries);
    else out.set(spelt, [...entries]);
  }
  return { manifest: respelt.length ? { ...manifest, transclusions: out } : manifest, respelt };
}
