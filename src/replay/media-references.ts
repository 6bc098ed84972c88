/**
 * Which of a page's media an element's references name (pure, also bundled into the browser
 * client): a reference that resolves, against the page's base URL, to a media's URL; else the
 * media whose name it holds the most of (full URL, path, the path's endings down to the file
 * name; a YouTube video by its id in any URL form); else, for a metafile (`clip1.ram`), the media
 * of its stem (`clip1.rm`).
 */
import { safeDecode } from '../util/safe-decode.js';
import type { Transclusion } from './records.js';

/** Resolving references: the page's base URL, and each media's comparable URL to its index. */
export interface Resolver {
  urls: ReadonlyMap<string, number>;
  base: string;
}

/**
 * The URL a page's relative references resolve against: its `<base href>` (as written, or as a
 * replay system rewrote it: the archived URL inside), else the page's own URL. A base that is
 * not a URL is ignored, as browsers ignore it.
 */
export function documentBase(pageUrl: string, baseHref?: string): string {
  if (!baseHref?.trim()) return pageUrl;
  // pywb and wabac.js write it as <prefix><timestamp><modifier>/<archived URL>.
  const archived = /\/\d{0,14}(?:[a-z]{2}_)?\/(https?:\/\/.+)$/i.exec(baseHref.trim())?.[1];
  try {
    return new URL(archived ?? baseHref.trim(), pageUrl).href;
  } catch {
    return pageUrl;
  }
}

/**
 * Ways a page may name a media file: full URL, path, and the path's endings down to the file
 * name (`/shows/ep1/video.flv`, `shows/ep1/video.flv`, `ep1/video.flv`, `video.flv`), each raw
 * and decoded; longest first.
 */
export function mediaNames(mediaUrl: string): string[] {
  const names = new Set<string>([mediaUrl, safeDecode(mediaUrl)]);
  const path = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*([^?#]*)/i.exec(mediaUrl)?.[1];
  if (path) {
    names.add(path);
    names.add(safeDecode(path));
    for (let slash = path.indexOf('/'); slash !== -1; slash = path.indexOf('/', slash + 1)) {
      const ending = path.slice(slash + 1);
      names.add(ending);
      names.add(safeDecode(ending));
    }
  }
  for (const name of youtubeNames([mediaUrl])) names.add(name);
  return [...names].filter((n) => n && n !== '/').sort((a, b) => b.length - a.length);
}

/**
 * A YouTube video named in any of its URL forms (`watch?v=ID`, `/v/ID` of the 2008 embed code,
 * `/embed/ID`, youtube-nocookie.com, youtu.be): its 11-character id.
 */
const YOUTUBE = /(?:youtube(?:-nocookie)?\.com\/(?:watch\?(?:[^#"'\s]*?&(?:amp;)?)?v=|v\/|embed\/|e\/)|youtu\.be\/)([A-Za-z0-9_-]{11})(?![A-Za-z0-9_-])/gi;

/** `youtube:<id>` for each YouTube video the texts name: the name a YouTube media and its embeds share. */
function youtubeNames(texts: readonly string[]): string[] {
  const names: string[] = [];
  for (const text of texts) {
    YOUTUBE.lastIndex = 0;
    for (let match = YOUTUBE.exec(text); match; match = YOUTUBE.exec(text)) names.push(`youtube:${match[1]!}`);
  }
  return names;
}

/** A URL as compared with references: parsed (host in lower case, no default port), without fragment, decoded. */
function comparableUrl(url: string, base?: string): string | undefined {
  try {
    const parsed = new URL(url, base);
    parsed.hash = '';
    return safeDecode(parsed.href);
  } catch {
    return undefined;
  }
}

/** What a reference may hold: the value, and each value of its `name=value` pairs (flashvars: `file=ep1/video.flv&autostart=true`). */
function referenceParts(value: string): string[] {
  const parts = [value.trim()];
  for (const pair of value.split('&')) {
    const eq = pair.indexOf('=');
    if (eq !== -1) parts.push(safeDecode(pair.slice(eq + 1).trim()));
  }
  return parts;
}

/** The media a reference resolves to against the base URL, or -1. */
function resolvedMedia(values: readonly string[], urls: ReadonlyMap<string, number>, base: string): number {
  for (const value of values) {
    for (const part of referenceParts(value)) {
      const at = part ? urls.get(comparableUrl(part, base) ?? '') : undefined;
      if (at !== undefined) return at;
    }
  }
  return -1;
}

/**
 * Metafiles of the 1990s and 2000s players: a small text file naming the media (RealPlayer's
 * `.ram`/`.rpm`, Windows Media's `.asx`/`.wax`/`.wvx`, playlists, QuickTime links, SMIL). A page
 * names `clip.ram`; the media archived and converted is `clip.rm`.
 */
const METAFILE = /\.(?:ram|rpm|asx|wax|wvx|m3u|pls|qtl|smil?)(?=$|[?#&"'\s])/i;
const METAFILES = new RegExp(METAFILE.source, 'gi');

/** How a page may name each media (see {@link mediaNames}), and by the stem a metafile shares with it. */
export interface MediaNames {
  names: ReadonlyArray<readonly string[]>;
  /** The names without the media's extension (`…/media/clip1`): a metafile's name less its own is compared with them. */
  stems: ReadonlyArray<readonly string[]>;
}

/** The names of each media of a page. */
export function pageMediaNames(transclusions: readonly Transclusion[]): MediaNames {
  return {
    names: transclusions.map((t) => mediaNames(t.mediaUrl)),
    stems: transclusions.map((t) => mediaNames(t.mediaUrl.replace(/(\/[^/?#]+)\.[a-z0-9]{1,5}(?=$|[?#])/i, '$1'))),
  };
}

/** A character a file name goes on with: a name found right after or before one is part of a longer name. */
const NAME_CHAR = /[A-Za-z0-9._~%+-]/;

/** Whether `name` is in `text` as a whole name (`1.flv` in `file=media/1.flv&…`, not in `media/11.flv` or `1.flv2`). */
function holdsName(text: string, name: string): boolean {
  for (let at = text.indexOf(name); at !== -1; at = text.indexOf(name, at + 1)) {
    const before = at === 0 || name.startsWith('/') ? '' : text[at - 1]!;
    const after = text[at + name.length] ?? '';
    if (!NAME_CHAR.test(before) && !/[A-Za-z0-9_]/.test(after)) return true;
  }
  return false;
}

/** The media whose longest name is in one of `texts` (as a whole name), or -1. */
function longestNamed(texts: readonly string[], names: ReadonlyArray<readonly string[]>): number {
  let best = -1;
  let bestLength = 0;
  names.forEach((list, i) => {
    const hit = list.find((name) => texts.some((t) => holdsName(t, name)));
    if (hit && hit.length > bestLength) {
      best = i;
      bestLength = hit.length;
    }
  });
  return best;
}

/**
 * The index of the media an element references, or -1: the one a reference resolves to (with a
 * base URL), else the one whose longest name is found in a reference, else the one a metafile
 * reference names by its stem.
 */
export function referencedMedia(values: readonly string[], media: MediaNames, resolve?: Resolver): number {
  if (resolve) {
    const at = resolvedMedia(values, resolve.urls, resolve.base);
    if (at !== -1) return at;
  }
  const texts = values.flatMap((v) => [v, safeDecode(v)]);
  texts.push(...youtubeNames(texts));
  const named = longestNamed(texts, media.names);
  if (named !== -1) return named;
  // The metafile's name less its extension, then a boundary, so that `clip1` never stands for `clip10`.
  const metafiles = texts.filter((t) => METAFILE.test(t)).map((t) => t.replace(METAFILES, '\0'));
  return metafiles.length ? longestNamed(metafiles, media.stems.map((list) => list.map((stem) => `${stem}\0`))) : -1;
}

/** Each media's comparable URL, to the first transclusion of it. */
export function mediaUrlIndex(transclusions: readonly Transclusion[]): Map<string, number> {
  const urls = new Map<string, number>();
  transclusions.forEach((t, i) => {
    const url = comparableUrl(t.mediaUrl);
    if (url !== undefined && !urls.has(url)) urls.set(url, i);
  });
  return urls;
}
