/**
 * Undo wabac.js's rewrite of `<embed>` into `<iframe sandbox="allow-same-origin allow-scripts">`
 * (ReplayWeb.page): an HTML `<embed>` has no end tag, so the `<iframe>` it becomes swallows the
 * rest of the page as raw text, and every later player (and all the content after it) is gone
 * from the page. Each such iframe becomes an `<embed>` again, and the text it swallowed is parsed
 * as the browser would have parsed it in place (inert: its scripts do not run) and put back.
 */
const WABAC_SANDBOX = 'allow-same-origin allow-scripts';
const EMBED_ONLY = ['type', 'flashvars', 'quality', 'wmode', 'allowscriptaccess', 'pluginspage', 'autostart', 'loop', 'play', 'bgcolor', 'menu'];
const CHAIN = 'data-warckit-chain';

function isRewrittenEmbed(el: Element): boolean {
  if (el.tagName.toLowerCase() !== 'iframe' || el.getAttribute('sandbox') !== WABAC_SANDBOX) return false;
  return (el.textContent ?? '').trim() !== '' || el.getAttribute('style') === 'border: none' || EMBED_ONLY.some((a) => el.hasAttribute(a));
}

/** Put nodes in after `ref`, in order. */
function insertAfter(ref: Node, nodes: Node[]): void {
  let at = ref;
  for (const node of nodes) {
    at.parentNode?.insertBefore(node, at.nextSibling);
    at = node;
  }
}

/** Parse `markup` as if it followed `embed` in the source, and put the result where the parser would have. */
function placeSwallowed(doc: Document, embed: Element, markup: string): void {
  const chain: Element[] = [];
  for (let el = embed.parentElement; el && el !== doc.body && el !== doc.documentElement; el = el.parentElement) chain.unshift(el);
  const opens = chain.map((el, i) => `<${el.tagName.toLowerCase()} ${CHAIN}="${i}">`).join('');
  const parsed = new DOMParser().parseFromString(`<!doctype html><body>${opens}${markup}`, 'text/html');
  const synthetic = (i: number): Element | null => (i < 0 ? parsed.body : parsed.querySelector(`[${CHAIN}="${i}"]`));
  // Deepest first: what stayed inside a chain element follows the embed (or that element's open child) there.
  for (let i = chain.length - 1; i >= -1; i--) {
    const holder = synthetic(i);
    if (!holder) continue;
    const inner = i + 1 < chain.length ? synthetic(i + 1) : null;
    const nodes = Array.from(holder.childNodes);
    const rest = inner && nodes.includes(inner) ? nodes.slice(nodes.indexOf(inner) + 1) : inner ? [] : nodes;
    const ref: Node = i === chain.length - 1 ? embed : chain[i + 1]!;
    insertAfter(ref, rest.map((n) => doc.adoptNode(n)));
  }
}

function restore(doc: Document, iframe: Element): void {
  const embed = doc.createElement('embed');
  for (const attr of Array.from(iframe.attributes)) {
    if (attr.name === 'sandbox' || (attr.name === 'style' && attr.value === 'border: none')) continue;
    embed.setAttribute(attr.name, attr.value);
  }
  const markup = iframe.textContent ?? '';
  iframe.parentNode?.replaceChild(embed, iframe);
  if (markup.trim()) placeSwallowed(doc, embed, markup);
}

/** Repair every embed wabac.js turned into an iframe; returns how many. */
export function repairEmbedIframes(doc: Document): number {
  let repaired = 0;
  // Each repair may bring back more broken iframes from the text it parses.
  for (let el = Array.from(doc.querySelectorAll('iframe')).find(isRewrittenEmbed); el && repaired < 10000; el = Array.from(doc.querySelectorAll('iframe')).find(isRewrittenEmbed)) {
    restore(doc, el);
    repaired++;
  }
  return repaired;
}
