/**
 * Put transclusions into archived HTML (cheerio). Each media gets its own element: among
 * the elements matching its selector (default `object, embed`), the one that references the
 * media (src, data, a <param> value, flashvars) if any, else the first not yet replaced.
 */
import * as cheerio from 'cheerio';
import type { Transclusion } from './records.js';
import { type RenderOptions, renderMediaElement } from './render.js';

export const DEFAULT_SELECTOR = 'object, embed';
const KEPT_ATTRIBUTES = ['width', 'height', 'id', 'class', 'style'];

export interface InjectOptions {
  rewriteUrl?: RenderOptions['rewriteUrl'];
}

export interface InjectResult {
  html: string;
  /** Media URLs put into the page. */
  applied: string[];
  /** Media URLs for which no element matched. */
  unmatched: string[];
}

/** Ways a page may name a media file: full URL, path, decoded path, file name. */
function mentions(mediaUrl: string): string[] {
  const names = new Set<string>([mediaUrl]);
  try {
    const url = new URL(mediaUrl);
    names.add(url.pathname);
    names.add(decodeURIComponent(url.pathname));
    const file = url.pathname.slice(url.pathname.lastIndexOf('/') + 1);
    if (file) {
      names.add(file);
      names.add(decodeURIComponent(file));
    }
  } catch {
    // not a URL: the full string only
  }
  return [...names].filter(Boolean);
}

export function injectTransclusions(html: string, transclusions: readonly Transclusion[], options: InjectOptions = {}): InjectResult {
  const $ = cheerio.load(html);
  const inserted = new Set<unknown>();
  const applied: string[] = [];
  const unmatched: string[] = [];
  for (const transclusion of transclusions) {
    // Replaced elements are gone from the document; an element around one we inserted (the
    // <object> of an <embed> already replaced) is taken too.
    const candidates = $(transclusion.selector || DEFAULT_SELECTOR)
      .toArray()
      .filter((el) => !$(el).find('video, audio').toArray().some((child) => inserted.has(child)));
    const names = mentions(transclusion.mediaUrl);
    const refersTo = (el: (typeof candidates)[number]): boolean => {
      const node = $(el);
      const values = [node.attr('src'), node.attr('data'), node.attr('flashvars'), ...node.find('param, embed').toArray().flatMap((p) => [$(p).attr('value'), $(p).attr('src'), $(p).attr('flashvars')])];
      return values.some((v) => v !== undefined && names.some((n) => v.includes(n)));
    };
    const target = candidates.find(refersTo) ?? candidates[0];
    if (!target) {
      unmatched.push(transclusion.mediaUrl);
      continue;
    }
    const attributes: Record<string, string> = {};
    for (const name of KEPT_ATTRIBUTES) {
      const value = $(target).attr(name);
      if (value !== undefined) attributes[name] = value;
    }
    const element = $(renderMediaElement(transclusion, { ...(options.rewriteUrl ? { rewriteUrl: options.rewriteUrl } : {}), attributes }));
    $(target).replaceWith(element);
    inserted.add(element[0]);
    applied.push(transclusion.mediaUrl);
  }
  return { html: $.html(), applied, unmatched };
}
