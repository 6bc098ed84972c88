/** warckit-worker's command line: help with examples, did-you-mean, flags checked before BullMQ is loaded, an unreachable Redis said as such. */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { main as worker } from '../../src/cli/worker.js';
import { runCli } from '../helpers/cli.js';

test('--help: usage, the flags and an Examples section', async () => {
  const { code, stdout } = await runCli(worker, ['--help']);
  assert.equal(code, 0);
  assert.match(stdout, /warckit-worker --queue redis:\/\/host:6379\/0 \[-j N\]/);
  assert.match(stdout, /\nExamples:\n/);
  assert.match(stdout, /--lock-seconds/);
  assert.match(stdout, /same paths here\s+as on the producer/);
});

test('bad flags: a did-you-mean or the flag named, exit 2', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['--queu', 'redis://h/0'], /unknown option --queu \(did you mean --queue\?\)/],
    [[], /--queue: expected the Redis URL/],
    [['--queue', 'http://h:6379/0'], /--queue: http:\/\/h:6379\/0: expected a redis:\/\/ or rediss:\/\/ URL/],
    [['--queue', 'redis://h/0', '-j', 'two'], /--jobs: expected a positive whole number, got "two"/],
    [['--queue', 'redis://h/0', '--lock-seconds', '0'], /--lock-seconds: expected a number of seconds above 0, got "0"/],
  ];
  for (const [argv, message] of cases) {
    const { code, stderr } = await runCli(worker, argv);
    assert.equal(code, 2, argv.join(' '));
    assert.match(stderr, message);
  }
});

test('a Redis that does not answer: exit 2 with the URL, not a hang', async () => {
  // A port that accepts connections and never answers.
  const silent = createServer(() => undefined);
  await new Promise<void>((done) => silent.listen(0, '127.0.0.1', done));
  const port = (silent.address() as { port: number }).port;
  try {
    const { code, stderr } = await runCli(worker, ['--queue', `redis://127.0.0.1:${port}/0`]);
    assert.equal(code, 2);
    assert.match(stderr, new RegExp(`cannot reach Redis at redis://127.0.0.1:${port}/0`));
  } finally {
    silent.close();
  }
});
