/**
 * Players that inline scripts write into a placeholder: SWFObject 1.5 (`so.addVariable('file',
 * 'video.flv'); so.write('player')`), SWFObject 2 (`swfobject.embedSWF('player.swf', 'player', …,
 * {file: 'video.flv'})`), JW Player (`jwplayer('player').setup({file: …})`), Flowplayer
 * (`flowplayer('player', 'flowplayer.swf')` over `<a id="player" href="video.flv">`). Without
 * Flash the placeholder is what the page shows, so that is where the media goes. Pure: the page
 * is reached through the target rule's DOM adapter.
 *
 * A media a script names is paired with the element whose id that script names nearest to it
 * (an element named by a script that itself references the media, as Flowplayer's link does,
 * is paired with it at once). Pairs are taken nearest first, each media and element once, and
 * only with an element that may be replaced (and, as `usable` says, holds little text): when the
 * nearest id is a page section or a post, the media gets no placeholder from that script.
 */
import type { DomAdapter } from './targets.js';

/** A JavaScript string literal, in single or double quotes, on one line. */
const LITERAL = /(["'])((?:\\.|(?!\1)[^\\\n])*)\1/g;
/** Scripts larger than this are libraries, not a page's player set-up. */
const MAX_SCRIPT = 256 * 1024;
/** Ids are names without white space, and short. */
const ID_LIKE = /^#?[^\s"'<>]{1,100}$/;

interface Pair<E> {
  media: number;
  el: E;
  distance: number;
}

/** The pairs one script gives: media literal → element of the nearest id literal. */
function scriptPairs<E>(dom: DomAdapter<E>, text: string, mediaOf: (values: readonly string[]) => number): Array<Pair<E>> {
  const pairs: Array<Pair<E>> = [];
  const ids: Array<{ at: number; el: E }> = [];
  const named: Array<{ at: number; media: number }> = [];
  const literal = new RegExp(LITERAL.source, 'g');
  for (let match = literal.exec(text); match; match = literal.exec(text)) {
    const value = match[2]!;
    const at = match.index;
    const el = ID_LIKE.test(value) ? dom.byId(value.replace(/^#/, '')) : undefined;
    if (el !== undefined) {
      ids.push({ at, el });
      const own = mediaOf(dom.referenceValues(el));
      if (own !== -1) pairs.push({ media: own, el, distance: 0 });
      continue;
    }
    const media = value ? mediaOf([value]) : -1;
    if (media !== -1) named.push({ at, media });
  }
  for (const { at, media } of named) {
    let nearest: { at: number; el: E } | undefined;
    for (const id of ids) if (nearest === undefined || Math.abs(id.at - at) < Math.abs(nearest.at - at)) nearest = id;
    if (nearest) pairs.push({ media, el: nearest.el, distance: Math.abs(nearest.at - at) });
  }
  return pairs;
}

/**
 * Placeholder of each media (by index) that the page's inline scripts fill with a player.
 * `mediaOf` tells which media reference values name (-1: none), `usable` whether an element may
 * be replaced.
 */
export function scriptedPlaceholders<E>(dom: DomAdapter<E>, mediaOf: (values: readonly string[]) => number, usable: (el: E) => boolean): Map<number, E> {
  const pairs = dom
    .inlineScripts()
    .filter((text) => text.length <= MAX_SCRIPT)
    .flatMap((text) => scriptPairs(dom, text, mediaOf));
  pairs.sort((a, b) => a.distance - b.distance);
  const chosen = new Map<number, E>();
  const used = new Set<E>();
  for (const { media, el } of pairs) {
    if (chosen.has(media) || used.has(el)) continue;
    used.add(el); // a nearer media's placeholder, or one that may not be replaced: no other media takes it
    if (usable(el)) chosen.set(media, el);
  }
  return chosen;
}
