/**
 * Whether a transclusion's selector can work where it is used: in browsers (pywb, ReplayWeb.page
 * run warckit's client, which calls `querySelectorAll`). Parsed with css-what (the parser cheerio
 * uses, so `warckit-replay inject` agrees); cheerio also takes jQuery's extensions (`:contains`,
 * `:first`, `:eq`), which browsers reject: a manifest relying on them would work offline and
 * replace nothing at replay.
 */
import { parse, type Selector } from 'css-what';

/** Pseudo-classes browsers support (Selectors Level 4, as Chromium, Firefox and Safari ship them). */
const STANDARD = new Set([
  'not', 'is', 'where', 'has', 'matches', 'any-link', 'link', 'visited', 'local-link', 'target', 'target-within', 'scope', 'hover', 'active', 'focus', 'focus-visible',
  'focus-within', 'current', 'past', 'future', 'playing', 'paused', 'enabled', 'disabled', 'read-only', 'read-write', 'placeholder-shown', 'default', 'checked',
  'indeterminate', 'blank', 'valid', 'invalid', 'in-range', 'out-of-range', 'required', 'optional', 'user-invalid', 'root', 'empty', 'nth-child', 'nth-last-child',
  'first-child', 'last-child', 'only-child', 'nth-of-type', 'nth-last-of-type', 'first-of-type', 'last-of-type', 'only-of-type', 'lang', 'dir', 'defined',
  'autofill', 'fullscreen', 'modal', 'picture-in-picture', 'popover-open', 'open', 'closed',
]);

/** The first pseudo-class or pseudo-element in the selector that browsers reject or that matches no element. */
function unusablePart(groups: readonly Selector[][]): string | undefined {
  for (const group of groups) {
    for (const token of group) {
      if (token.type === 'pseudo-element') return `uses ::${token.name}, a pseudo-element: it matches no element that could be replaced`;
      if (token.type !== 'pseudo') continue;
      if (!STANDARD.has(token.name)) return `uses :${token.name}${token.data !== null ? '()' : ''}, a jQuery extension: browsers (pywb, ReplayWeb.page) reject the selector, so it would replace nothing at replay`;
      if (Array.isArray(token.data)) {
        const inner = unusablePart(token.data);
        if (inner) return inner;
      }
    }
  }
  return undefined;
}

/** Why a selector cannot be used at replay, or undefined when it can. */
export function selectorProblem(selector: string): string | undefined {
  let groups: Selector[][];
  try {
    groups = parse(selector);
  } catch (error) {
    return `is not a CSS selector (${(error as Error).message})`;
  }
  return unusablePart(groups);
}
