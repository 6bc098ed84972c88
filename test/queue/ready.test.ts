import assert from 'node:assert/strict';
import { test } from 'node:test';
import { QueueConnectionError, readyWithin } from '../../src/queue/ready.js';

test('a Redis that never answers is an error naming the URL (without its password), not an endless wait', async () => {
  const never = new Promise<void>(() => undefined);
  await assert.rejects(readyWithin([never], 'redis://u:pw@nowhere:6379/0', undefined, 50), (e: Error) => e instanceof QueueConnectionError && /nowhere:6379/.test(e.message) && !/pw/.test(e.message));
  await readyWithin([Promise.resolve()], 'redis://h/0', undefined, 50);
});

test('an abort while connecting ends the wait with the abort', async () => {
  const controller = new AbortController();
  const waiting = readyWithin([new Promise<void>(() => undefined)], 'redis://h/0', controller.signal, 60_000);
  controller.abort(new Error('stop'));
  await assert.rejects(waiting, /stop/);
});
