/**
 * The replay system around the page: pywb or wabac.js (ReplayWeb.page), read from the `wbinfo`
 * both put into every replayed page, and how to reach its records and its index from here.
 */

interface WbInfo {
  url?: string;
  timestamp?: string;
  prefix?: string;
  coll?: string;
  isSW?: boolean;
}

/** A deployment that is neither may describe itself before the client loads. */
export interface ManualConfig {
  /** Replay prefix: records are fetched at `<prefix><timestamp>id_/<url>`. */
  prefix: string;
  url: string;
  timestamp: string;
  /** How to list a page's metadata records: pywb's CDX API, wabac.js's API, or none (direct fetches only). */
  index?: 'pywb' | 'wabac' | 'none';
}

declare global {
  interface Window {
    wbinfo?: WbInfo;
    WARCKIT_REPLAY?: ManualConfig;
    __warckitTransclusions?: boolean;
  }
}

/** A capture listed by the replay index. */
export interface Listed {
  url: string;
  timestamp: string;
}

export interface ReplayEnv {
  kind: 'pywb' | 'wabac' | 'none';
  pageUrl: string;
  /** The page's capture time (14 digits). */
  timestamp: string;
  /** The URL that serves an archived URL's payload, as captured closest to `timestamp`. */
  recordUrl(url: string, timestamp: string): string;
  /** The index query listing records whose URI starts with `uriPrefix`, or undefined when there is no index API. */
  listUrl(uriPrefix: string): string | undefined;
  parseList(body: string): Listed[];
  /** fetch() that reaches the replay system's own URLs (wombat rewrites every URL given to the page's). */
  fetch: typeof fetch;
}

function hasWombat(win: Window): boolean {
  const w = win as unknown as Record<string, unknown>;
  return w._wb_wombat !== undefined || w.WB_wombat_location !== undefined || w._WB_wombat_location !== undefined;
}

/**
 * A fetch that wombat does not rewrite: the nearest same-origin frame above the page that runs
 * no wombat (pywb's and ReplayWeb.page's replay UI), else the page's own.
 */
function nativeFetch(win: Window): typeof fetch {
  try {
    for (let w: Window = win; w.parent && w.parent !== w; w = w.parent) {
      const parent = w.parent;
      if (!hasWombat(parent) && typeof parent.fetch === 'function') return parent.fetch.bind(parent);
    }
  } catch {
    // a cross-origin frame above: the page's own fetch it is
  }
  return win.fetch.bind(win);
}

function parsePywbCdx(body: string): Listed[] {
  const out: Listed[] = [];
  for (const line of body.split('\n')) {
    if (!line.trim()) continue;
    const doc = JSON.parse(line) as { url?: unknown; timestamp?: unknown };
    if (typeof doc.url === 'string' && typeof doc.timestamp === 'string') out.push({ url: doc.url, timestamp: doc.timestamp });
  }
  return out;
}

function parseWabacUrls(body: string): Listed[] {
  const doc = JSON.parse(body) as { urls?: Array<{ url?: unknown; ts?: unknown }> };
  return (doc.urls ?? []).filter((u) => typeof u.url === 'string' && typeof u.ts === 'string').map((u) => ({ url: u.url as string, timestamp: u.ts as string }));
}

/** The replay environment of `win`, or undefined when the page is not being replayed. */
export function findReplay(win: Window): ReplayEnv | undefined {
  const manual = win.WARCKIT_REPLAY;
  const info = win.wbinfo;
  const prefix = manual?.prefix ?? info?.prefix;
  const pageUrl = manual?.url ?? info?.url;
  const timestamp = manual?.timestamp ?? info?.timestamp;
  if (!prefix || !pageUrl || !timestamp) return undefined;
  const kind = manual ? (manual.index ?? 'none') : info?.isSW ? 'wabac' : 'pywb';
  const enc = encodeURIComponent;
  const listUrl = (uriPrefix: string): string | undefined => {
    if (kind === 'pywb') return `${prefix}cdx?url=${enc(uriPrefix)}&matchType=prefix&output=json&limit=10000`;
    if (kind === 'wabac') {
      const coll = info?.coll ?? /([^/]+)\/$/.exec(prefix)?.[1] ?? '';
      // The prefix is <root><coll>/, or <root><coll>/:<hash>/ for a WACZ: the API is at <root>api/c/<coll>/.
      const at = prefix.lastIndexOf(`/${coll}/`);
      const root = at >= 0 ? prefix.slice(0, at + 1) : prefix.slice(0, prefix.length - coll.length - 1);
      // wabac.js needs every parameter present (mime= empty means any type).
      return `${root}api/c/${enc(coll)}/urls?url=${enc(uriPrefix)}&prefix=1&mime=&count=10000`;
    }
    return undefined;
  };
  return {
    kind,
    pageUrl,
    timestamp: timestamp.replace(/\D/g, '').slice(0, 14),
    recordUrl: (url, ts) => `${prefix}${ts}id_/${url}`,
    listUrl,
    parseList: kind === 'wabac' ? parseWabacUrls : parsePywbCdx,
    fetch: nativeFetch(win),
  };
}
