/**
 * Put transclusions into archived HTML without re-serializing it: the page is parsed (parse5,
 * through cheerio) only to find the elements to replace and where they are in the source; the
 * `<video>`/`<audio>` markup is spliced in at those places and every other byte stays as it was.
 */
import * as cheerio from 'cheerio';
import type { AnyNode, Element } from 'domhandler';
import { selectorProblem } from '../transclusions/selector-check.js';
import { decodeHtml, sniffCharset } from './html-bytes.js';
import { carriedAttributes, mediaKind } from './media.js';
import { documentBase } from './media-references.js';
import type { Transclusion } from './records.js';
import { MEDIA_MARKER, type RenderOptions, renderMediaElement } from './render.js';
import { type DomAdapter, NOT_REFERENCES, planTargets, REFERENCE_PARTS, type TargetProblem } from './targets.js';

export { DEFAULT_SELECTOR } from './targets.js';

/** Options of {@link injectTransclusions}: `rewriteUrl` maps each media URL (e.g. to `<prefix><timestamp>id_/<url>`). */
export interface InjectOptions {
  rewriteUrl?: RenderOptions['rewriteUrl'];
  /**
   * The page's URL: relative references (`src="video.flv"`, flashvars `file=../ep1/video.flv`)
   * are resolved against it, or against the page's `<base href>`, so that media sharing a file
   * name in different directories each go to the player that references them.
   */
  pageUrl?: string;
}

/** Options of {@link injectTransclusionsIntoBytes}. */
export interface InjectBytesOptions extends InjectOptions {
  /** The page's charset when known (e.g. from its record's Content-Type); else sniffed. */
  charset?: string;
}

interface InjectOutcome {
  /** Media URLs put into the page. */
  applied: string[];
  /** Elements replaced. */
  replaced: number;
  /** Media URLs for which no element matched. */
  unmatched: string[];
  /** Invalid selectors and refused elements, per media. */
  problems: TargetProblem[];
}

/** The page as text with the players in place, and what was applied. */
export interface InjectResult extends InjectOutcome {
  html: string;
}

/** The page's bytes with the players in place, and what was applied. */
export interface InjectBytesResult extends InjectOutcome {
  bytes: Buffer;
  charset: string;
}

interface Splice {
  start: number;
  end: number;
  markup: string;
}

const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'param', 'source', 'track', 'wbr', 'keygen', 'frame', 'basefont', 'bgsound']);
/** What may follow an unclosed player's start tag and still be part of it. */
const PLAYER_PARTS = new Set(['param', 'embed', 'noembed', 'source']);

function cheerioAdapter($: cheerio.CheerioAPI): DomAdapter<Element> {
  let ids: Map<string, Element> | undefined;
  const values = (el: Element): string[] => Object.entries(el.attribs).filter(([name]) => !NOT_REFERENCES.has(name) && name !== MEDIA_MARKER).map(([, value]) => value);
  return {
    select: (selector) => {
      // As browsers do (the client's querySelectorAll): cheerio would take jQuery's :contains or :first, which replay never could.
      const problem = selectorProblem(selector);
      if (problem) throw new Error(problem);
      return $(selector).toArray().filter((n): n is Element => n.type === 'tag' || n.type === 'script' || n.type === 'style');
    },
    tagName: (el) => el.tagName.toLowerCase(),
    referenceValues: (el) => [...values(el), ...$(el).find(REFERENCE_PARTS).toArray().flatMap((p) => values(p as Element))],
    contains: (ancestor, el) => {
      for (let p = el.parent; p; p = p.parent) if (p === ancestor) return true;
      return false;
    },
    descendants: (el, selector) => $(el).find(selector).toArray() as Element[],
    isInserted: (el) => el.attribs[MEDIA_MARKER] !== undefined || $(el).parents(`[${MEDIA_MARKER}]`).length > 0,
    inlineScripts: () => $('script:not([src])').toArray().map((el) => $(el).text()),
    byId: (id) => (ids ??= idMap($)).get(id),
    textLength: (el) => $(el).text().length,
  };
}

/** Elements by id (the first of each, as getElementById), made once per page. */
function idMap($: cheerio.CheerioAPI): Map<string, Element> {
  const ids = new Map<string, Element>();
  for (const el of $('[id]').toArray() as Element[]) if (!ids.has(el.attribs.id!)) ids.set(el.attribs.id!, el);
  return ids;
}

function endOf(node: AnyNode): number | undefined {
  if (node.type === 'tag') return spliceRange(node)?.[1];
  return node.sourceCodeLocation?.endOffset ?? undefined;
}

/**
 * Where an element is in the source. An element closed by its end tag or void: its whole
 * source. An element never closed (legacy `<object>` without `</object>`): its start tag and
 * the player parts right after it (params, embeds, whitespace), never the rest of the page.
 */
function spliceRange(el: Element): [number, number] | undefined {
  const loc = el.sourceCodeLocation;
  if (!loc?.startTag) return undefined; // implied by the parser, not in the source
  if (loc.endTag) return [loc.startOffset, loc.endTag.endOffset];
  if (VOID.has(el.tagName.toLowerCase())) return [loc.startOffset, loc.startTag.endOffset];
  let end = loc.startTag.endOffset;
  for (const child of el.children) {
    if (child.type === 'text' && child.data.trim() === '') continue; // between parts; not taken after the last
    const partOfPlayer = (child.type === 'tag' && PLAYER_PARTS.has(child.tagName.toLowerCase())) || child.type === 'comment';
    const childEnd = partOfPlayer ? endOf(child) : undefined;
    if (childEnd === undefined) break;
    end = childEnd;
  }
  return [loc.startOffset, end];
}

function planSplices(text: string, transclusions: readonly Transclusion[], options: InjectOptions): InjectOutcome & { splices: Splice[] } {
  const $ = cheerio.load(text, { sourceCodeLocationInfo: true });
  const baseUrl = options.pageUrl !== undefined ? documentBase(options.pageUrl, $('base[href]').first().attr('href')) : undefined;
  const { plans, unmatched, problems } = planTargets(cheerioAdapter($), transclusions, baseUrl !== undefined ? { baseUrl } : {});
  const splices: Splice[] = [];
  const applied: string[] = [];
  for (const { transclusion, elements } of plans) {
    const kind = mediaKind(transclusion);
    let used = false;
    for (const el of elements) {
      const range = spliceRange(el);
      if (!range) continue;
      const attributes = carriedAttributes(kind, { attributes: el.attribs });
      splices.push({ start: range[0], end: range[1], markup: renderMediaElement(transclusion, { ...(options.rewriteUrl ? { rewriteUrl: options.rewriteUrl } : {}), attributes }) });
      used = true;
    }
    if (used) applied.push(transclusion.mediaUrl);
    else unmatched.push(transclusion.mediaUrl);
  }
  splices.sort((a, b) => a.start - b.start);
  return { splices, applied, replaced: splices.length, unmatched, problems };
}

/** Apply transclusions to HTML text; only the replaced elements change. */
export function injectTransclusions(html: string, transclusions: readonly Transclusion[], options: InjectOptions = {}): InjectResult {
  const { splices, ...outcome } = planSplices(html, transclusions, options);
  let out = '';
  let at = 0;
  for (const s of splices) {
    out += html.slice(at, s.start) + s.markup;
    at = s.end;
  }
  return { html: out + html.slice(at), ...outcome };
}

/**
 * Apply transclusions to archived HTML bytes in their own charset (declared, or sniffed as a
 * browser would); the result differs from the input only inside the replaced elements.
 */
export function injectTransclusionsIntoBytes(bytes: Uint8Array, transclusions: readonly Transclusion[], options: InjectBytesOptions = {}): InjectBytesResult {
  const decoded = decodeHtml(bytes, sniffCharset(bytes, options.charset));
  const { splices, ...outcome } = planSplices(decoded.text, transclusions, options);
  const parts: Uint8Array[] = [];
  let at = 0;
  for (const s of splices) {
    const start = decoded.byteOffset(s.start);
    parts.push(bytes.subarray(at, start), Buffer.from(s.markup, 'ascii'));
    at = decoded.byteOffset(s.end);
  }
  parts.push(bytes.subarray(at));
  return { bytes: Buffer.concat(parts), charset: decoded.charset, ...outcome };
}
