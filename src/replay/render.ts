/**
 * `<video>`/`<audio>` markup for a transclusion (pure), as the browser client builds it: one
 * `<source>` per playable format in order (skip_as_source and posters left out, the original
 * last), `<audio>` when every playable format is audio/*, a poster image as `poster`. The
 * markup is ASCII (anything else as character references), so it splices into a page of any
 * ASCII-compatible charset unchanged.
 */
import { describeMedia } from './media.js';
import type { Transclusion } from './records.js';

export { mediaKind, playableFormats } from './media.js';

/** Marks an element put in by warckit (in pages and by the browser client), so it is never replaced again. */
export const MEDIA_MARKER = 'data-warckit-media';

/** Options of {@link renderMediaElement}. */
export interface RenderOptions {
  /** Map an archived URL to the URL the browser should fetch (default: unchanged). */
  rewriteUrl?: (url: string, kind: 'source' | 'poster') => string;
  /** Attributes of the new element (from `carriedAttributes`), in order. */
  attributes?: ReadonlyArray<readonly [string, string]>;
}

/** An attribute value, escaped, with non-ASCII characters as numeric character references. */
export function escapeAttribute(value: string): string {
  let out = '';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (ch === '&') out += '&amp;';
    else if (ch === '"') out += '&quot;';
    else if (ch === '<') out += '&lt;';
    else if (ch === '>') out += '&gt;';
    else if (code > 0x7e || code < 0x20) out += `&#${code};`;
    else out += ch;
  }
  return out;
}

/** The `<video>` or `<audio>` markup for one transclusion: poster, sources in order, the original last. */
export function renderMediaElement(transclusion: Transclusion, options: RenderOptions = {}): string {
  const rewrite = options.rewriteUrl ?? ((url: string) => url);
  const media = describeMedia(transclusion);
  const attrs: string[] = ['controls', `${MEDIA_MARKER}="${escapeAttribute(transclusion.mediaUrl)}"`];
  for (const [name, value] of options.attributes ?? []) attrs.push(`${name}="${escapeAttribute(value)}"`);
  if (media.poster) attrs.push(`poster="${escapeAttribute(rewrite(media.poster.url, 'poster'))}"`);
  const sources = media.sources.map((f) => {
    const type = f.mime ? ` type="${escapeAttribute(f.mime)}"` : '';
    return `<source src="${escapeAttribute(rewrite(f.url, 'source'))}"${type}>`;
  });
  return `<${media.kind} ${attrs.join(' ')}>${sources.join('')}</${media.kind}>`;
}
