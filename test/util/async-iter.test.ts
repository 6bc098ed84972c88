import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { mapOrdered, readAhead } from '../../src/util/async-iter.js';

async function* numbers(n: number, pulled: number[] = []): AsyncGenerator<number> {
  for (let i = 0; i < n; i++) {
    pulled.push(i);
    yield i;
  }
}

test('mapOrdered: results in source order whatever finishes first, at most `concurrency` running', async () => {
  let running = 0;
  let most = 0;
  const out: number[] = [];
  for await (const x of mapOrdered(numbers(20), async (i) => {
    most = Math.max(most, ++running);
    await sleep((20 - i) % 7);
    running--;
    return i * 10;
  }, 4)) out.push(x);
  assert.deepEqual(out, Array.from({ length: 20 }, (_, i) => i * 10));
  assert.ok(most <= 4 && most > 1, `${most} at once`);
});

test('mapOrdered: a failure surfaces in its turn, after the results before it', async () => {
  const out: number[] = [];
  await assert.rejects(async () => {
    for await (const x of mapOrdered(numbers(10), async (i) => {
      if (i === 3) throw new Error('three');
      await sleep(5);
      return i;
    }, 4)) out.push(x);
  }, /three/);
  assert.deepEqual(out, [0, 1, 2]);
});

test('mapOrdered: answers given at once and later keep their order; a throw surfaces in its turn', async () => {
  const out: number[] = [];
  await assert.rejects(async () => {
    for await (const x of mapOrdered(numbers(12), (i) => {
      if (i === 9) throw new Error('nine');
      return i % 2 ? i : sleep(12 - i).then(() => i);
    }, 4)) out.push(x);
  }, /nine/);
  assert.deepEqual(out, [0, 1, 2, 3, 4, 5, 6, 7, 8]);
});

test('readAhead: pulls ahead up to `max`, says when the source is done, stops pulling when left', async () => {
  const pulled: number[] = [];
  let done = false;
  const it = readAhead(numbers(100, pulled), 10, () => (done = true));
  assert.equal((await it.next()).value, 0);
  await sleep(10);
  assert.ok(pulled.length <= 12 && pulled.length >= 10, `pulled ${pulled.length}`);
  assert.equal(done, false);
  await it.return(undefined);
  const count = pulled.length;
  await sleep(10);
  assert.equal(pulled.length, count, 'nothing pulled once left');
  const all: number[] = [];
  let finished = false;
  for await (const x of readAhead(numbers(30), 8, () => (finished = true))) all.push(x);
  assert.equal(all.length, 30);
  assert.ok(finished);
});
