/**
 * What a transclusion becomes (pure, also bundled into the browser client): a `<video>` or
 * `<audio>` with one source per playable format, and the size and identity of the element it
 * replaces.
 */
import { playsInBrowsers } from '../media/playable.js';
import type { MediaFormat, Transclusion } from './records.js';

/** The element that replaces a player: its kind, poster, and sources in order. */
export interface MediaDescription {
  kind: 'video' | 'audio';
  poster?: MediaFormat;
  sources: MediaFormat[];
}

function isPoster(format: MediaFormat): boolean {
  return format.poster === true || format.name === 'png_poster' || (!format.original && typeof format.mime === 'string' && format.mime.startsWith('image/'));
}

/** The formats a browser may play, in order, `skip_as_source` and posters left out, the original last. */
export function playableFormats(transclusion: Transclusion): MediaFormat[] {
  const playable = transclusion.formats.filter((f) => !f.skip_as_source && !isPoster(f));
  return [...playable.filter((f) => !f.original), ...playable.filter((f) => f.original)];
}

/**
 * `audio` when every playable format is audio/* (pywb's rule), else `video`; an original that no
 * browser plays (an audio-only FLV converted to MP3 alone) does not count when something else does.
 */
export function mediaKind(transclusion: Transclusion): 'audio' | 'video' {
  const playable = playableFormats(transclusion);
  const played = playable.filter((f) => !f.original || playsInBrowsers(typeof f.mime === 'string' ? f.mime : undefined, f.url));
  const judged = played.length ? played : playable;
  return judged.length > 0 && judged.every((f) => typeof f.mime === 'string' && f.mime.startsWith('audio/')) ? 'audio' : 'video';
}

export function describeMedia(transclusion: Transclusion): MediaDescription {
  const kind = mediaKind(transclusion);
  const poster = kind === 'video' ? transclusion.formats.find(isPoster) : undefined;
  return { kind, ...(poster ? { poster } : {}), sources: playableFormats(transclusion) };
}

/** What is known of the replaced element: its attributes, and (in a browser) its laid-out size. */
export interface ReplacedElement {
  attributes: Readonly<Record<string, string | undefined>>;
  measured?: { width: number; height: number };
}

/** Attributes that carry over as they are. */
const KEPT = ['id', 'class', 'title', 'lang', 'dir', 'align'];

function cssLength(value: string): string | undefined {
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return `${v}px`;
  if (/^\d+(\.\d+)?(px|%|em|rem|pt|vw|vh)$/i.test(v)) return v;
  return undefined;
}

/**
 * The attributes of the new element, in order: identity (id, class, title…) and size kept.
 * A `<video>` keeps integer width/height attributes; other sizes, and every size of an
 * `<audio>` (which has no width/height attributes), go into its style, before the element's
 * own style so that the page's CSS still wins. Without a size in the markup, the laid-out size
 * (when given) is used.
 */
export function carriedAttributes(kind: 'video' | 'audio', replaced: ReplacedElement): Array<[string, string]> {
  const attrs = replaced.attributes;
  const out: Array<[string, string]> = [];
  for (const name of KEPT) {
    const value = attrs[name];
    if (value !== undefined) out.push([name, value]);
  }
  const styleParts: string[] = [];
  for (const dimension of ['width', 'height'] as const) {
    const given = attrs[dimension];
    const measured = replaced.measured && replaced.measured[dimension] > 0 ? String(Math.round(replaced.measured[dimension])) : undefined;
    const value = given ?? measured;
    if (value === undefined) continue;
    if (kind === 'video' && /^\d+$/.test(value.trim())) out.push([dimension, value.trim()]);
    else {
      const css = cssLength(value);
      if (css) styleParts.push(`${dimension}:${css}`);
    }
  }
  const style = [...styleParts, ...(attrs.style ? [attrs.style] : [])].join(';');
  if (style) out.push(['style', style]);
  return out;
}
