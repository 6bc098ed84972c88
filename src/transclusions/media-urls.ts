/**
 * Manifest media URLs spelt otherwise than warckit names the files (pure). A manifest is written
 * by hand: `media/tour of the lab.flv` where the input's URL is `…/tour%20of%20the%20lab.flv`,
 * `HTTP://EXAMPLE.COM/…` where the prefix is `http://example.com/`. warcit matches the URL
 * exactly, so such an entry silently gets no metadata. Under the run's URL prefix, a manifest
 * URL is taken as the name of the file it spells: decoded, then escaped the way input URLs are.
 */
import { pathToUrlPath } from '../inputs/url.js';
import type { TransclusionEntry, TransclusionManifest } from './manifest.js';

const DEFAULT_PORTS: Record<string, string> = { 'http://': ':80', 'https://': ':443' };

/** `scheme://host` in lower case without a default port, and the rest as it is; undefined for a URL without `scheme://`. */
function splitOrigin(url: string): { origin: string; rest: string } | undefined {
  const m = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)(.*)$/is.exec(url);
  if (!m) return undefined;
  const scheme = m[1]!.toLowerCase();
  let host = m[2]!.toLowerCase();
  const port = DEFAULT_PORTS[scheme];
  if (port && host.endsWith(port)) host = host.slice(0, -port.length);
  return { origin: scheme + host, rest: m[3]! };
}

/** Percent-escapes decoded where they spell UTF-8; anything else left as it is. */
function percentDecoded(text: string): string {
  return text.replace(/(?:%[0-9a-f]{2})+/gi, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });
}

/**
 * The URL warckit gives the file a manifest URL names, when it lies under `prefix` (its scheme
 * and host compared as replay systems compare them); the URL itself otherwise.
 */
export function inputUrlSpelling(url: string, prefix: string): string {
  const at = splitOrigin(url);
  const base = splitOrigin(prefix);
  if (!at || !base) return url;
  const full = at.origin + at.rest;
  const start = base.origin + base.rest;
  if (!full.startsWith(start) || full.length === start.length) return url;
  return prefix + pathToUrlPath(percentDecoded(full.slice(start.length)));
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
