/**
 * The target rule's cost in DOM calls, counted rather than timed: a page with thousands of
 * players (a gallery, a generated index) must not cost a number of calls that grows with the
 * square of its players — 40,000 embeds took 21 s to inject.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type DomAdapter, planTargets } from '../../src/replay/targets.js';

interface Node {
  tag: string;
  src?: string;
  parent?: Node;
}

/** A flat page of `n` embeds (each inside a div), with call counts. */
function page(n: number): { dom: DomAdapter<Node>; calls: { contains: number } } {
  const body: Node = { tag: 'body' };
  const embeds: Node[] = Array.from({ length: n }, (_, i) => ({ tag: 'embed', src: `media/x${i}.flv`, parent: { tag: 'div', parent: body } }));
  const calls = { contains: 0 };
  const dom: DomAdapter<Node> = {
    select: (selector) => (selector.includes('embed') ? [...embeds] : []),
    tagName: (el) => el.tag,
    referenceValues: (el) => (el.src ? [el.src] : []),
    contains: (ancestor, el) => {
      calls.contains++;
      for (let p = el.parent; p; p = p.parent) if (p === ancestor) return true;
      return false;
    },
    descendants: () => [],
    isInserted: () => false,
    inlineScripts: () => [],
    byId: () => undefined,
    textLength: () => 0,
  };
  return { dom, calls };
}

test('targets: nested-candidate and order checks take DOM calls in proportion to the players, not their square', () => {
  for (const n of [1000, 4000]) {
    const { dom, calls } = page(n);
    const { plans, unmatched } = planTargets<Node>(dom, [
      { mediaUrl: `http://example.com/media/x${n - 1}.flv`, formats: [] },
      { mediaUrl: 'http://example.com/media/other.flv', selector: 'embed', formats: [] },
    ]);
    assert.deepEqual(unmatched, []);
    assert.equal(plans[0]!.elements.length, 1, 'the embed that names the media');
    assert.equal(plans[1]!.elements.length, n - 1, 'an explicit selector takes every other free embed');
    assert.ok(calls.contains <= 4 * n, `${n} players: ${calls.contains} contains() calls`);
  }
});
