import assert from 'node:assert/strict';
import { test } from 'node:test';
import { QueueUrlError, redisOptions, shownUrl } from '../../src/queue/connection.js';

test('a Redis URL becomes the connection options BullMQ passes to ioredis', () => {
  assert.deepEqual(redisOptions('redis://queue-host:6380/2'), { host: 'queue-host', port: 6380, db: 2 });
  assert.deepEqual(redisOptions('redis://127.0.0.1'), { host: '127.0.0.1', port: 6379, db: 0 });
  assert.deepEqual(redisOptions('rediss://worker:p%40ss@[::1]:6379/0'), { host: '::1', port: 6379, db: 0, username: 'worker', password: 'p@ss', tls: {} });
  assert.deepEqual(redisOptions('redis://:secret@h/'), { host: 'h', port: 6379, db: 0, password: 'secret' });
});

test('URLs that are not Redis URLs are refused, naming the problem', () => {
  assert.throws(() => redisOptions('http://h:6379/0'), (e: Error) => e instanceof QueueUrlError && /redis:\/\/ or rediss:\/\//.test(e.message));
  assert.throws(() => redisOptions('redis://h:6379/queue'), /database number/);
  assert.throws(() => redisOptions('h:6379'), QueueUrlError);
  assert.throws(() => redisOptions('not a url'), /not a URL/);
});

test('messages never show the password', () => {
  assert.equal(shownUrl('redis://u:secret@h:6379/0'), 'redis://u:***@h:6379/0');
  assert.equal(shownUrl('redis://h:6379/0'), 'redis://h:6379/0');
});
