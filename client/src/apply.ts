/**
 * Put the transclusions into the live page: each planned element (see targets.ts) is replaced
 * by a `<video>`/`<audio>` that keeps its size and identity; elements that appear later (players
 * written by scripts) are handled as they come.
 */
import { carriedAttributes, describeMedia } from '../../src/replay/media.js';
import type { LookupResult } from '../../src/replay/lookup.js';
import { documentBase } from '../../src/replay/media-references.js';
import type { Transclusion } from '../../src/replay/records.js';
import { MEDIA_MARKER } from '../../src/replay/render.js';
import { type DomAdapter, NOT_REFERENCES, planTargets, REFERENCE_PARTS } from '../../src/replay/targets.js';
import type { ReplayEnv } from './replay-env.js';

function attributesOf(el: Element): Record<string, string> {
  const out: Record<string, string> = {};
  for (const attr of Array.from(el.attributes)) out[attr.name.toLowerCase()] = attr.value;
  return out;
}

function browserAdapter(doc: Document): DomAdapter<Element> {
  const values = (el: Element): string[] =>
    Array.from(el.attributes)
      .filter((a) => !NOT_REFERENCES.has(a.name.toLowerCase()) && a.name !== MEDIA_MARKER)
      .map((a) => a.value);
  return {
    select: (selector) => Array.from(doc.querySelectorAll(selector)),
    tagName: (el) => el.tagName.toLowerCase(),
    referenceValues: (el) => [...values(el), ...Array.from(el.querySelectorAll(REFERENCE_PARTS)).flatMap(values)],
    contains: (ancestor, el) => ancestor !== el && ancestor.contains(el),
    descendants: (el, selector) => Array.from(el.querySelectorAll(selector)),
    isInserted: (el) => el.closest(`[${MEDIA_MARKER}]`) !== null,
    inlineScripts: () => Array.from(doc.querySelectorAll('script:not([src])'), (el) => el.textContent ?? ''),
    byId: (id) => doc.getElementById(id) ?? undefined,
    textLength: (el) => el.textContent?.length ?? 0,
  };
}

function mediaElement(doc: Document, replaced: Element, transclusion: Transclusion, env: ReplayEnv, timestamp: string): HTMLMediaElement {
  const media = describeMedia(transclusion);
  const node = doc.createElement(media.kind);
  node.setAttribute('controls', '');
  node.setAttribute('preload', 'metadata');
  node.setAttribute(MEDIA_MARKER, transclusion.mediaUrl);
  const rect = replaced.getBoundingClientRect();
  for (const [name, value] of carriedAttributes(media.kind, { attributes: attributesOf(replaced), measured: { width: rect.width, height: rect.height } })) {
    node.setAttribute(name, value);
  }
  if (media.poster) node.setAttribute('poster', env.recordUrl(media.poster.url, timestamp));
  for (const format of media.sources) {
    const source = doc.createElement('source');
    source.setAttribute('src', env.recordUrl(format.url, timestamp));
    if (format.mime) source.setAttribute('type', format.mime);
    node.appendChild(source);
  }
  return node;
}

/** Apply now, then again whenever the page changes; warnings go to the console once each. */
export function applyTransclusions(doc: Document, env: ReplayEnv, found: LookupResult): void {
  const applied = new Set<string>();
  const warned = new Set<string>();
  const apply = (): void => {
    // The archived page's base, not the replay URL's: references the replay system left as written (flashvars) resolve against it.
    const baseUrl = documentBase(env.pageUrl, doc.querySelector('base[href]')?.getAttribute('href') ?? undefined);
    const { plans, problems } = planTargets(browserAdapter(doc), found.transclusions, { alreadyApplied: applied, baseUrl });
    for (const { transclusion, elements } of plans) {
      for (const el of elements) el.parentNode?.replaceChild(mediaElement(doc, el, transclusion, env, found.timestamp), el);
      applied.add(transclusion.mediaUrl);
    }
    for (const p of problems) {
      const line = `warckit transclusions: ${p.mediaUrl}: selector "${p.selector}": ${p.problem}`;
      if (!warned.has(line)) {
        warned.add(line);
        console.warn(line);
      }
    }
  };
  apply();
  let pending: ReturnType<typeof setTimeout> | undefined;
  new MutationObserver(() => {
    if (pending === undefined) pending = setTimeout(() => ((pending = undefined), apply()), 50);
  }).observe(doc.documentElement, { childList: true, subtree: true });
}
