/**
 * `<video>`/`<audio>` markup for a transclusion (pure), as pywb's client builds it: one
 * `<source>` per playable format in order (skip_as_source and posters left out, the original
 * last), `<audio>` when every playable format is audio/*, a poster image as `poster`.
 */
import type { MediaFormat, Transclusion } from './records.js';

export interface RenderOptions {
  /** Map an archived URL to the URL the browser should fetch (default: unchanged). */
  rewriteUrl?: (url: string, kind: 'source' | 'poster') => string;
  /** Attributes carried over from the replaced element (width, height, id, class, style). */
  attributes?: Record<string, string>;
}

export function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function isPoster(format: MediaFormat): boolean {
  return format.poster === true || (!format.original && typeof format.mime === 'string' && format.mime.startsWith('image/'));
}

/** The formats a browser may play, in order, with the original last. */
export function playableFormats(transclusion: Transclusion): MediaFormat[] {
  const playable = transclusion.formats.filter((f) => !f.skip_as_source && !isPoster(f));
  return [...playable.filter((f) => !f.original), ...playable.filter((f) => f.original)];
}

export function mediaKind(transclusion: Transclusion): 'audio' | 'video' {
  const playable = playableFormats(transclusion);
  return playable.length > 0 && playable.every((f) => typeof f.mime === 'string' && f.mime.startsWith('audio/')) ? 'audio' : 'video';
}

export function renderMediaElement(transclusion: Transclusion, options: RenderOptions = {}): string {
  const rewrite = options.rewriteUrl ?? ((url: string) => url);
  const kind = mediaKind(transclusion);
  const attrs: string[] = ['controls'];
  for (const [name, value] of Object.entries(options.attributes ?? {})) attrs.push(`${name}="${escapeAttribute(value)}"`);
  const poster = kind === 'video' ? transclusion.formats.find(isPoster) : undefined;
  if (poster) attrs.push(`poster="${escapeAttribute(rewrite(poster.url, 'poster'))}"`);
  const sources = playableFormats(transclusion).map((f) => {
    const type = f.mime ? ` type="${escapeAttribute(f.mime)}"` : '';
    return `<source src="${escapeAttribute(rewrite(f.url, 'source'))}"${type}>`;
  });
  return `<${kind} ${attrs.join(' ')}>${sources.join('')}</${kind}>`;
}
