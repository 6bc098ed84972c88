/**
 * Which elements of a page each transclusion replaces (pure, also bundled into the browser
 * client; the DOM is reached through an adapter, so cheerio and the browser share the rule).
 *
 * - A transclusion's selector (default `object, embed`) names candidate elements; of nested
 *   candidates only the outermost is taken (an `<object>` and its inner `<embed>` are one player),
 *   and one that is the fallback inside a `<video>`/`<audio>` stands for that element.
 * - An element that references one of the page's media (its src, data, flashvars or a
 *   `<param>`/`<embed>` inside it names the file) goes to that media only (which media a
 *   reference names: media-references.ts).
 * - With the default selector, a `<video>`, `<audio>`, `<iframe>` or `<bgsound>` of the page that
 *   names the media is replaced too (`<video src="clip.flv">` plays in no browser; `<iframe
 *   src="player.html?file=clip.flv">` is a Flash player's page; `<bgsound>` played only in IE).
 * - With an explicit selector, every other element it matches is replaced too. With the default
 *   selector, a media that no element references takes the placeholder an inline script fills
 *   with its player (SWFObject, JW Player, Flowplayer: see scripted-players.ts), else the first
 *   free candidate (pywb's rule).
 * - Only media-like elements are replaced (players, images, links, frames, and small
 *   `div`/`span`/`p`/`figure` placeholders); a selector that matches `html`, `head` or `body` (such
 *   as `*`) replaces nothing. Refusals and invalid selectors are reported, never thrown.
 */
import type { Transclusion } from './records.js';
import { mediaUrlIndex, pageMediaNames, referencedMedia } from './media-references.js';
import { scriptedPlaceholders } from './scripted-players.js';

export const DEFAULT_SELECTOR = 'object, embed';
/** Elements that, with the default selector, are replaced when they name one of the page's media (never taken as free players). */
const NAMING_PLAYERS = 'video, audio, iframe, bgsound';
/** Elements inside a player whose attributes may name its media. */
export const REFERENCE_PARTS = 'param, embed, source';
/** Attributes that never name a media file. */
export const NOT_REFERENCES: ReadonlySet<string> = new Set(['id', 'class', 'style', 'width', 'height', 'type', 'name', 'align', 'title']);

/** What the rule needs of a DOM. */
export interface DomAdapter<E> {
  /** Elements matching a CSS selector, in document order; throws on an invalid selector. */
  select(selector: string): E[];
  /** Lower-case tag name. */
  tagName(el: E): string;
  /** Attribute values of the element and of the `<param>`/`<embed>` inside it that may name a media file. */
  referenceValues(el: E): string[];
  /** True if `ancestor` contains `el` (and is not `el`). */
  contains(ancestor: E, el: E): boolean;
  /** Elements inside `el` matching `selector`. */
  descendants(el: E, selector: string): E[];
  /** True for an element put in by warckit (it carries the marker). */
  isInserted(el: E): boolean;
  /** The text of each inline `<script>` (without `src`), in document order. */
  inlineScripts(): string[];
  /** The element with this id, if any. */
  byId(id: string): E | undefined;
  /** How many characters of text the element holds. */
  textLength(el: E): number;
}

export interface TargetPlan<E> {
  transclusion: Transclusion;
  elements: E[];
}

export interface TargetProblem {
  mediaUrl: string;
  selector: string;
  problem: string;
}

export interface TargetResult<E> {
  plans: Array<TargetPlan<E>>;
  /** Media for which no element was found. */
  unmatched: string[];
  problems: TargetProblem[];
}

export interface PlanOptions {
  /** Media already put into this page (a re-run after the page changed): no first-free fallback for them. */
  alreadyApplied?: ReadonlySet<string>;
  /**
   * The URL the page's relative references resolve against (`documentBase`): a reference
   * that resolves to a media's URL goes to that media, whatever other media share its file name.
   */
  baseUrl?: string;
}

const MEDIA_TAGS = new Set(['object', 'embed', 'applet', 'video', 'audio', 'img', 'iframe', 'frame', 'a', 'bgsound', 'noembed', 'canvas']);
const PLACEHOLDER_TAGS = new Set(['div', 'span', 'p', 'figure']);
const PAGE_TAGS = new Set(['html', 'head', 'body']);
/** A placeholder holding any of these is page structure, not a player's stand-in. */
const STRUCTURE = 'form, table, main, article, section, nav, header, footer, aside, h1, h2, h3, h4, h5, h6, ul, ol, dl';
const MAX_PLACEHOLDER_ELEMENTS = 30;
/** A placeholder that a script names holds a line or two ("Get Flash to see this video"), not the page's text. */
const MAX_PLACEHOLDER_TEXT = 1000;

/** Why an element may not be replaced, or undefined when it may. */
function refusal<E>(dom: DomAdapter<E>, el: E): string | undefined {
  const tag = dom.tagName(el);
  if (MEDIA_TAGS.has(tag)) return undefined;
  if (PLACEHOLDER_TAGS.has(tag)) {
    if (dom.descendants(el, '*').length > MAX_PLACEHOLDER_ELEMENTS) return `<${tag}> holds more than ${MAX_PLACEHOLDER_ELEMENTS} elements: not a player placeholder`;
    if (dom.descendants(el, STRUCTURE).length) return `<${tag}> holds page structure (headings, lists, tables, forms…): not a player placeholder`;
    return undefined;
  }
  return `<${tag}> is not a media element`;
}

/** Candidates of one transclusion: matching, allowed, not ours, outermost only. */
function candidatesFor<E>(dom: DomAdapter<E>, selector: string, mediaUrl: string, problems: TargetProblem[]): E[] {
  let matched: E[];
  try {
    matched = dom.select(selector);
  } catch (error) {
    problems.push({ mediaUrl, selector, problem: `invalid selector (${(error as Error).message.split('\n')[0]})` });
    return [];
  }
  const page = matched.find((el) => PAGE_TAGS.has(dom.tagName(el)));
  if (page) {
    problems.push({ mediaUrl, selector, problem: `refused to replace anything: the selector matches the page itself (<${dom.tagName(page)}>)` });
    return [];
  }
  const refused = new Set<string>();
  const allowed = matched.filter((el) => {
    if (dom.isInserted(el)) return false;
    const why = refusal(dom, el);
    if (why && !refused.has(why)) {
      refused.add(why);
      problems.push({ mediaUrl, selector, problem: `refused to replace ${why}` });
    }
    return why === undefined;
  });
  return outermost(dom, liftedToPlayers(dom, selector, allowed));
}

/**
 * A candidate inside a `<video>` or `<audio>` is that element's fallback, as in the "Video for
 * Everybody" markup of 2010 (`<video><source src=x.mp4><object>…Flash…</object></video>`):
 * browsers show the `<video>` (whose sources were often never archived) and skip the fallback,
 * so the outermost such element is taken instead. One pass in document order.
 */
function liftedToPlayers<E>(dom: DomAdapter<E>, selector: string, elements: readonly E[]): E[] {
  if (!elements.length) return [];
  const wanted = new Set(elements);
  const lifted: E[] = [];
  let player: E | undefined;
  for (const el of dom.select(`video, audio, ${selector}`)) {
    if (player !== undefined && !dom.contains(player, el)) player = undefined;
    const tag = dom.tagName(el);
    if (player === undefined && (tag === 'video' || tag === 'audio') && !dom.isInserted(el)) player = el;
    if (!wanted.has(el)) continue;
    const taken = player ?? el;
    if (lifted[lifted.length - 1] !== taken) lifted.push(taken);
  }
  return lifted;
}

/**
 * Elements (in document order) not inside another of them. In document order an element's
 * descendants follow it with nothing in between, so each need only be checked against the last
 * one kept: one check per element, not one per pair (40,000 embeds took 21 s).
 */
function outermost<E>(dom: DomAdapter<E>, elements: readonly E[]): E[] {
  const kept: E[] = [];
  for (const el of elements) {
    const last = kept[kept.length - 1];
    if (last === undefined || !dom.contains(last, el)) kept.push(el);
  }
  return kept;
}

/** Decide which elements each transclusion replaces. */
export function planTargets<E>(dom: DomAdapter<E>, transclusions: readonly Transclusion[], options: PlanOptions = {}): TargetResult<E> {
  const problems: TargetProblem[] = [];
  const names = pageMediaNames(transclusions);
  const resolve = options.baseUrl !== undefined ? { base: options.baseUrl, urls: mediaUrlIndex(transclusions) } : undefined;
  const owner = new Map<E, number>();
  let scripted: Map<number, E> | undefined;
  const placeholders = (): Map<number, E> =>
    (scripted ??= scriptedPlaceholders(dom, (values) => referencedMedia(values, names, resolve), (el) => !dom.isInserted(el) && !PAGE_TAGS.has(dom.tagName(el)) && refusal(dom, el) === undefined && dom.textLength(el) <= MAX_PLACEHOLDER_TEXT));
  let pagePlayers: E[] | undefined;
  /** The page's own players besides the selector's: `<video>`, `<audio>`, `<iframe>`, `<bgsound>` (not ours), outermost, in document order. */
  const players = (): E[] => (pagePlayers ??= outermost(dom, dom.select(NAMING_PLAYERS).filter((el) => !dom.isInserted(el))));
  const taken: E[] = [];
  const overlaps = (el: E): boolean => taken.some((t) => t === el || dom.contains(t, el) || dom.contains(el, t));
  const plans: Array<TargetPlan<E>> = [];
  const unmatched: string[] = [];
  transclusions.forEach((transclusion, i) => {
    const candidates = candidatesFor(dom, transclusion.selector || DEFAULT_SELECTOR, transclusion.mediaUrl, problems);
    const refOf = (el: E): number => {
      if (!owner.has(el)) owner.set(el, referencedMedia(dom.referenceValues(el), names, resolve));
      return owner.get(el)!;
    };
    const own = candidates.filter((el) => refOf(el) === i);
    const free = candidates.filter((el) => refOf(el) === -1);
    // With the default selector, a <video>/<audio>/<iframe>/<bgsound> of the page that names the media is its player too (<video src="clip.flv"> plays in no browser).
    const listed = new Set(candidates);
    if (!transclusion.selector) for (const el of players()) if (!listed.has(el) && refOf(el) === i) own.push(el);
    let chosen: E[];
    if (transclusion.selector) chosen = [...own, ...free];
    else if (own.length || options.alreadyApplied?.has(transclusion.mediaUrl)) chosen = own;
    else {
      const placeholder = placeholders().get(i);
      chosen = placeholder !== undefined && !overlaps(placeholder) ? [placeholder] : free.filter((el) => !overlaps(el)).slice(0, 1);
    }
    const elements = chosen.filter((el) => !overlaps(el));
    taken.push(...elements);
    const order = elements.every((el) => listed.has(el)) ? candidates : dom.select(`${NAMING_PLAYERS}, ${DEFAULT_SELECTOR}`);
    if (elements.length) plans.push({ transclusion, elements: sortInDocumentOrder(elements, order) });
    else if (!options.alreadyApplied?.has(transclusion.mediaUrl)) unmatched.push(transclusion.mediaUrl);
  });
  return { plans, unmatched, problems };
}

function sortInDocumentOrder<E>(elements: E[], order: readonly E[]): E[] {
  const place = new Map(order.map((el, i) => [el, i]));
  return [...elements].sort((a, b) => place.get(a)! - place.get(b)!);
}
