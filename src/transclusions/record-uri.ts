/**
 * Where transclusion metadata records live (pure; shared by the WARC writer, the replay
 * lookup and the browser client).
 *
 * - youtube-dl formats: `urn:embeds:<page>`, as warcit writes it and pywb's stock client reads it.
 * - multi-transclusion: `urn:transclusions:<page>?warckit-record=<key>`. Each record gets its own
 *   URI so that several records for one page at one timestamp (written by later runs, into other
 *   WARCs) stay distinct in every replay index: pywb serves one record per URI and timestamp, and
 *   wabac.js keys its store by URI and time. The common prefix `urn:transclusions:<page>` lets a
 *   client list them all with a prefix query. The bare form (no key) is what older warckit wrote;
 *   it is still read.
 */
export const YOUTUBE_DL_CONTENT_TYPE = 'application/vnd.youtube-dl_formats+json';
export const TRANSCLUSIONS_CONTENT_TYPE = 'application/vnd.transclusions+json';
export const EMBEDS_PREFIX = 'urn:embeds:';
export const TRANSCLUSIONS_PREFIX = 'urn:transclusions:';
/** Query parameter that makes a multi-transclusion record's URI unique; always the last one. */
export const RECORD_KEY_PARAM = 'warckit-record';

export type MetadataFormat = 'youtube-dl' | 'transclusions';

/** The page URL as records name it: without a fragment (never part of a capture's URL). */
function withoutFragment(url: string): string {
  const hash = url.indexOf('#');
  return hash < 0 ? url : url.slice(0, hash);
}

/**
 * The URI of a multi-transclusion record for `pageUrl`; `key` makes it unique (e.g. the record's
 * UUID). Record URIs name the page in its canonical form ({@link canonicalPageUrl}), as replay
 * systems ask for it, however the manifest spelt it.
 */
export function transclusionsRecordUri(pageUrl: string, key: string): string {
  const page = canonicalPageUrl(pageUrl);
  return `${TRANSCLUSIONS_PREFIX}${page}${page.includes('?') ? '&' : '?'}${RECORD_KEY_PARAM}=${encodeURIComponent(key)}`;
}

/** The URI of a youtube-dl formats record for `pageUrl` (warcit's and pywb's form). */
export function embedsRecordUri(pageUrl: string): string {
  return EMBEDS_PREFIX + canonicalPageUrl(pageUrl);
}

/**
 * A metadata record URI with its page in canonical form (`urn:embeds:http://WWW.Example.COM:80/p`
 * → `urn:embeds:http://www.example.com/p`), so an index finds records whichever way their writer
 * spelt the page; other URIs as they are.
 */
export function canonicalMetadataUri(uri: string): string {
  for (const prefix of [EMBEDS_PREFIX, TRANSCLUSIONS_PREFIX]) if (uri.startsWith(prefix)) return prefix + canonicalPageUrl(uri.slice(prefix.length));
  return uri;
}

export interface MetadataUri {
  format: MetadataFormat;
  /** The page the record is for. */
  pageUrl: string;
}

const KEY_SUFFIX = new RegExp(`[?&]${RECORD_KEY_PARAM}=[^&]*$`);

/** What a record URI says: its format and page; undefined for other URIs. Old warcit's `metadata://host/path` is a youtube-dl record. */
export function parseMetadataUri(uri: string): MetadataUri | undefined {
  if (uri.startsWith(EMBEDS_PREFIX)) return { format: 'youtube-dl', pageUrl: uri.slice(EMBEDS_PREFIX.length) };
  if (uri.startsWith(TRANSCLUSIONS_PREFIX)) return { format: 'transclusions', pageUrl: uri.slice(TRANSCLUSIONS_PREFIX.length).replace(KEY_SUFFIX, '') };
  if (uri.startsWith('metadata://')) return { format: 'youtube-dl', pageUrl: `http://${uri.slice('metadata://'.length)}` };
  return undefined;
}

const DEFAULT_PORTS: Record<string, string> = { 'http://': ':80', 'https://': ':443' };

/**
 * A URL's `scheme://[user@]host` as replay systems canonicalize it (scheme and host in lower
 * case, no default port) and the rest as it is; undefined for a URL without `scheme://`.
 */
export function splitCanonicalOrigin(url: string): { origin: string; rest: string } | undefined {
  const m = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)(.*)$/is.exec(url);
  if (!m) return undefined;
  const scheme = m[1]!.toLowerCase();
  const at = m[2]!.lastIndexOf('@');
  const user = m[2]!.slice(0, at + 1);
  let host = m[2]!.slice(at + 1).toLowerCase();
  if (DEFAULT_PORTS[scheme] && host.endsWith(DEFAULT_PORTS[scheme]!)) host = host.slice(0, -DEFAULT_PORTS[scheme]!.length);
  return { origin: scheme + user + host, rest: m[3]! };
}

/**
 * A path and query as a browser sends them (WHATWG URL serialization): what no URL may hold raw
 * (a space, a control character, `"<>`, non-ASCII) percent-encoded as UTF-8, escapes already
 * there kept as they are. A manifest written by hand may name `my page.html`; the browser asks
 * for `my%20page.html`, and a WARC-Target-URI may not hold a space.
 */
function asBrowsersSend(origin: string, rest: string): string {
  try {
    const url = new URL(origin + rest);
    return url.pathname + (rest.includes('?') ? `?${url.search.slice(1)}` : '');
  } catch {
    return rest;
  }
}

/**
 * A page URL as replay systems canonicalize it before looking it up, and no further: scheme and
 * host in lower case, no default port, `/` for an empty path, no empty query, and the path and
 * query as a browser sends them; their case and escapes stay as they are (part of the capture's URL).
 */
export function canonicalPageUrl(url: string): string {
  const page = withoutFragment(url);
  const split = splitCanonicalOrigin(page);
  if (!split) return page;
  let { rest } = split;
  if (rest.indexOf('?') === rest.length - 1) rest = rest.slice(0, -1); // an empty query only
  if (!rest.startsWith('/')) rest = `/${rest}`;
  return split.origin + asBrowsersSend(split.origin, rest);
}

/** A leading `www.` (or `www2.`…) of a host, which pywb's SURT keys and the Wayback Machine leave out. */
const WWW = /^(?:[^@/]*@)?(www\d*\.)/i;

/**
 * Page key: the canonical URL without its scheme and without a leading `www.`, so the http and
 * https captures of a page meet, and `www.example.com` meets `example.com`, as they do in pywb.
 */
export function pageKey(url: string): string {
  const rest = canonicalPageUrl(url).replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  return `//${wwwLess(rest) ?? rest}`;
}

/** `[user@]host/…` without a leading `www.` of its host; undefined when it has none. */
function wwwLess(rest: string): string | undefined {
  const www = WWW.exec(rest);
  return www ? rest.slice(0, www.index + www[0].length - www[1]!.length) + rest.slice(www.index + www[0].length) : undefined;
}

/**
 * The page URLs whose metadata applies to `url`, in order of preference: the URL itself, then,
 * for a directory URL (`http://host/dir/`), its index files (the WARC writer archives
 * `dir/index.html` and a revisit at `dir/`; the manifest usually names the file), and for an
 * index file (`…/dir/index.html`) its directory (a manifest may name that); then the same
 * for its canonical form ({@link canonicalPageUrl}) when that differs, as a page asked for as
 * `http://WWW.Example.com:80/watch.html?` was captured as `http://www.example.com/watch.html`.
 */
export function pageUrlCandidates(url: string, indexFiles: readonly string[] = ['index.html', 'index.htm']): string[] {
  const asked = withoutFragment(url);
  const canonical = canonicalPageUrl(asked);
  const withIndexFiles = (page: string): string[] => {
    if (page.includes('?')) return [page];
    if (page.endsWith('/')) return [page, ...indexFiles.map((name) => page + name)];
    // An index file also stands for its directory, where the manifest may name the page.
    const slash = page.lastIndexOf('/');
    return indexFiles.includes(page.slice(slash + 1)) && slash > page.indexOf('//') + 1 ? [page, page.slice(0, slash + 1)] : [page];
  };
  return [...new Set([...withIndexFiles(asked), ...withIndexFiles(canonical)])];
}

/** The URI prefixes under which a page's metadata records may be found, for prefix queries on an index. */
export function metadataUriPrefixes(pageUrl: string): string[] {
  const page = withoutFragment(pageUrl).split('?')[0]!;
  const rest = page.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const web = /^https?:\/\//i.test(page);
  const schemes = web ? ['http://', 'https://'] : [page.slice(0, page.length - rest.length)];
  // With and without a leading www. (see pageKey).
  const other = wwwLess(rest) ?? rest.replace(/^([^@/]*@)?/, '$1www.');
  const spellings = web ? [rest, other] : [rest];
  // pywb keys a directory page's records without the trailing slash (see metadataIndexKey): `…/dir?warckit-record=…`.
  const slashless = (spelt: string): string[] => (spelt.endsWith('/') && !spelt.endsWith('//') ? [`${TRANSCLUSIONS_PREFIX}${spelt.slice(0, -1)}?`] : []);
  return schemes.flatMap((scheme) => spellings.flatMap((spelt) => [TRANSCLUSIONS_PREFIX + scheme + spelt, EMBEDS_PREFIX + scheme + spelt, ...slashless(scheme + spelt)]));
}

/** True if a record found by a prefix query really is metadata for `pageUrl` (http/https alike). */
export function isMetadataFor(uri: string, pageUrl: string): boolean {
  const parsed = parseMetadataUri(uri);
  return parsed !== undefined && pageKey(parsed.pageUrl) === pageKey(pageUrl);
}

/**
 * The CDXJ key of a metadata record as pywb's `canonicalize` makes it, so pywb finds the record
 * through warckit's index as through its own (by prefix, and by an `id_` fetch of its URI): the
 * URI in lower case, without a trailing slash before its query, its query parameters sorted.
 */
export function metadataIndexKey(uri: string): string {
  const lower = uri.toLowerCase();
  const q = lower.indexOf('?');
  let path = q < 0 ? lower : lower.slice(0, q);
  if (path.endsWith('/') && !path.endsWith('//')) path = path.slice(0, -1);
  return q < 0 ? path : `${path}?${lower.slice(q + 1).split('&').sort().join('&')}`;
}

/** Whether a URI is that of a metadata record (`urn:embeds:`, `urn:transclusions:`). */
export function isMetadataUri(uri: string): boolean {
  return uri.startsWith(EMBEDS_PREFIX) || uri.startsWith(TRANSCLUSIONS_PREFIX);
}
