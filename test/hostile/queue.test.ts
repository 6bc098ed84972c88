/**
 * Hostile cases of the conversion queue (skipped, with the reason, without redis-server):
 * - a job's source is not on the worker's storage: the job fails twice, naming the path, and the
 *   producer reports the conversion failed (exit 1, recorded), instead of retrying forever;
 * - a job whose workers die on it twice (SIGKILL mid-conversion, twice): failed as stalled, not
 *   retried forever, and no partial output is left or trusted;
 * - a producer killed with jobs queued: once its run's key has expired, workers drop its jobs
 *   instead of converting for nobody.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, test } from 'node:test';
import { Queue } from 'bullmq';
import { readConversionResults } from '../../src/convert/results.js';
import { QUEUE_NAME, redisOptions } from '../../src/queue/connection.js';
import { runKey } from '../../src/queue/run-key.js';
import { makeClip } from '../helpers/media.js';
import { type RedisServer, redisMissing, startPersistentRedis, startRedis } from '../helpers/redis-server.js';
import { jsonEvents, startProducer, startWorkerProcess, until, type WorkerProcess } from '../queue/cluster.js';

const P = 'http://www.example.com/';
const missing = redisMissing();
const RULES = `
rules:
  - &flac {name: flac, ext: flac, args: [ffmpeg, -y, -nostdin, -re, -i, '{input}', -c:a, flac, '{output}'], mime: audio/flac}
file_types:
  - {ext: .wav, conversion_rules: [*flac]}
`;

let redis: RedisServer | undefined;
let dir = '';
const started: WorkerProcess[] = [];

before(async () => {
  if (missing) return;
  redis = await startRedis();
  dir = await mkdtemp(join(tmpdir(), 'warckit-hostile-queue-'));
  await writeFile(join(dir, 'rules.yaml'), RULES);
});

after(async () => {
  await Promise.all(started.map((w) => w.stop('SIGKILL')));
  await redis?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function worker(args: string[] = []): Promise<WorkerProcess> {
  const w = await startWorkerProcess(redis!.url, ['-j', '1', '--lock-seconds', '1', ...args]);
  started.push(w);
  return w;
}

const partials = async (out: string): Promise<string[]> => (await readdir(out, { recursive: true }).catch(() => [] as string[])).filter((f) => f.includes('.partial-'));

test('a source missing on the worker\'s storage: failed after two tries, naming the path, recorded', { skip: missing }, async () => {
  const site = join(dir, 'gone-site');
  await mkdir(site);
  const clip = join(site, 'a.wav');
  await makeClip(clip, { video: false, seconds: 0.2 });
  const out = join(dir, 'gone-out');
  const producer = startProducer([P, site, '--rules', join(dir, 'rules.yaml'), '--output-dir', out, '--queue', redis!.url, '--json']);
  assert.ok(await until(() => /source\(s\) queued/.test(producer.output())), producer.output());
  await rm(clip); // planned and queued here; not there when a worker looks
  const w = await worker();
  const run = await producer.done;
  assert.equal(run.code, 1, run.stderr);
  const [conversion] = jsonEvents(run.stdout, 'conversion');
  assert.equal(conversion?.status, 'failed');
  assert.match(String(conversion?.error), new RegExp(`${clip.replaceAll('/', '\\/')}: the source not found on this worker`));
  assert.equal((w.log().match(/job \S+ failed/g) ?? []).length, 2, 'tried twice, then given up');
  const recorded = await readConversionResults(join(out, 'warcit-conversion-results.yaml'));
  assert.match(String(recorded.conversions[`${P}a.wav`]?.[0]?.failure), /^queue: .*not found on this worker/);
  await w.stop('SIGKILL'); // the next test's jobs are for its own workers
});

test('a job whose workers are killed on it twice: failed as stalled, not retried forever; no partial left', { skip: missing }, async () => {
  const site = join(dir, 'stall-site');
  await mkdir(site);
  await makeClip(join(site, 'long.wav'), { video: false, seconds: 30 });
  const out = join(dir, 'stall-out');
  const producer = startProducer([P, site, '--rules', join(dir, 'rules.yaml'), '--output-dir', out, '--queue', redis!.url, '--json']);
  after(() => producer.stop());
  for (let i = 0; i < 2; i++) {
    const w = await worker();
    assert.ok(await until(async () => (await partials(out)).some((f) => f.includes(`.partial-${w.pid}-`))), `worker ${i + 1} started the conversion`);
    w.child.kill('SIGKILL');
    await w.exited;
  }
  const last = await worker();
  const run = await producer.done;
  assert.equal(run.code, 1, run.stderr);
  const [conversion] = jsonEvents(run.stdout, 'conversion');
  assert.equal(conversion?.status, 'failed');
  assert.match(String(conversion?.error), /stalled more than allowable limit/);
  assert.doesNotMatch(last.log(), /Converting:/, 'the third worker did not run it again');
  // The dead tries' partial outputs are gone, and nothing of them is recorded as an output.
  assert.deepEqual(await partials(out), []);
  const recorded = await readConversionResults(join(out, 'warcit-conversion-results.yaml'));
  assert.equal(recorded.conversions[`${P}long.wav`]?.[0]?.success, false);
  assert.equal(recorded.conversions[`${P}long.wav`]?.[0]?.output_sha256, undefined);
  await last.stop('SIGKILL'); // the next test's jobs are for its own workers
});

test('a producer killed with jobs queued: its jobs are dropped by the workers once its key is gone, nothing converted', { skip: missing }, async () => {
  const site = join(dir, 'orphan-site');
  await mkdir(site);
  await Promise.all(['a', 'b'].map((n) => makeClip(join(site, `${n}.wav`), { video: false, seconds: 0.2 })));
  const out = join(dir, 'orphan-out');
  const producer = startProducer([P, site, '--rules', join(dir, 'rules.yaml'), '--output-dir', out, '--queue', redis!.url]);
  assert.ok(await until(() => /source\(s\) queued/.test(producer.output())), producer.output());
  producer.stop(); // SIGKILL: no goodbye
  await producer.done;
  const run = /\(run (\w+)\)/.exec(producer.output())![1]!;
  // Its key outlives it by up to a minute; the test does not wait for that.
  const queue = new Queue(QUEUE_NAME, { connection: redisOptions(redis!.url) });
  await (await queue.client).del(runKey(run));
  await queue.close();
  const w = await worker();
  assert.ok(await until(() => (w.log().match(/producer \(run \w+\) is gone/g) ?? []).length === 2), w.log());
  assert.doesNotMatch(w.log(), /Converting:/);
  assert.deepEqual((await readdir(out, { recursive: true })).filter((f) => f.endsWith('.flac')), []);
  await w.stop('SIGKILL');
});

/** A run on a Redis of its own that the test then stops for good, with one worker busy on its first source. */
async function runThenLoseRedis(name: string, producerArgs: string[]): Promise<{ producer: ReturnType<typeof startProducer>; lostAt: number; out: string; w: WorkerProcess }> {
  const own = await startRedis();
  const site = join(dir, `${name}-site`);
  await mkdir(site);
  await Promise.all(['a', 'b', 'c'].map((n) => makeClip(join(site, `${n}.wav`), { video: false, seconds: 3 })));
  const out = join(dir, `${name}-out`);
  const w = await startWorkerProcess(own.url, ['-j', '1']);
  started.push(w);
  const producer = startProducer([P, site, '--rules', join(dir, 'rules.yaml'), '--output-dir', out, '--queue', own.url, ...producerArgs]);
  after(() => producer.stop());
  assert.ok(await until(() => /Converting:/.test(w.log())), w.log());
  await own.stop();
  return { producer, lostAt: Date.now(), out, w };
}

test('Redis gone for good mid-run: the producer says so at once, gives up after --queue-wait-seconds, records the sources not back as failed, exit 1', { skip: missing, timeout: 60_000 }, async () => {
  const { producer, lostAt, out, w } = await runThenLoseRedis('lost', ['--queue-wait-seconds', '3']);
  assert.ok(await until(() => /lost the connection to Redis/.test(producer.output()), 5_000), `said at once: ${producer.output()}`);
  const ended = await Promise.race([producer.done, new Promise<undefined>((r) => setTimeout(r, 30_000))]);
  producer.stop();
  assert.ok(ended, `still waiting 30 s after Redis went away: ${producer.output()}`);
  assert.ok(Date.now() - lostAt < 20_000, `gave up ${Date.now() - lostAt} ms after Redis went away`);
  assert.equal(ended.code, 1, ended.stderr);
  assert.match(ended.stderr, /lost the connection to Redis at redis:\/\/127\.0\.0\.1:\d+\/0/);
  assert.match(ended.stderr, /gave up on 3 source\(s\): Redis at redis:\/\/127\.0\.0\.1:\d+\/0 did not answer for 3 s/);
  const recorded = Object.values((await readConversionResults(join(out, 'warcit-conversion-results.yaml'))).conversions).flat();
  assert.deepEqual(recorded.map((r) => [r.success, r.failure]), Array(3).fill([false, `queue: Redis at ${/redis:\/\/[^ ]+/.exec(ended.stderr)![0]} did not answer for 3 s`]));
  await w.stop('SIGKILL');
});

test('SIGTERM while Redis is gone: the producer ends within seconds (exit 130), not waiting on Redis to take its jobs back', { skip: missing, timeout: 60_000 }, async () => {
  const { producer, w } = await runThenLoseRedis('term', []);
  assert.ok(await until(() => /lost the connection to Redis/.test(producer.output()), 5_000), producer.output());
  const sent = Date.now();
  producer.signal('SIGTERM');
  const ended = await Promise.race([producer.done, new Promise<undefined>((r) => setTimeout(r, 15_000))]);
  producer.stop();
  assert.ok(ended, `still running 15 s after SIGTERM: ${producer.output()}`);
  assert.ok(Date.now() - sent < 6_000, `ended ${Date.now() - sent} ms after SIGTERM`);
  assert.equal(ended.code, 130, ended.stderr);
  assert.match(ended.stderr, /could not take back 3 job\(s\) of this run/);
  await w.stop('SIGKILL');
});

test('warckit-worker stopped while Redis is gone: idle, it exits at once (0); with a job running, it finishes the job, says its result could not be reported, and exits', { skip: missing, timeout: 90_000 }, async () => {
  // Idle.
  const own = await startRedis();
  const idle = await startWorkerProcess(own.url, ['-j', '1']);
  started.push(idle);
  await own.stop();
  assert.ok(await until(() => /lost the connection to Redis/.test(idle.log()), 10_000), idle.log());
  let sent = Date.now();
  idle.child.kill('SIGTERM');
  const idleCode = await Promise.race([idle.exited, new Promise<'running'>((r) => setTimeout(() => r('running'), 15_000))]);
  assert.equal(idleCode, 0, `exit within 15 s of SIGTERM: ${idle.log()}`);
  assert.ok(Date.now() - sent < 8_000, `ended ${Date.now() - sent} ms after SIGTERM`);

  // Busy: Redis goes while it converts, then it is asked to stop.
  const { producer, w } = await runThenLoseRedis('worker-stop', ['--queue-wait-seconds', '60']);
  producer.stop();
  assert.ok(await until(() => /lost the connection to Redis/.test(w.log()), 10_000), w.log());
  sent = Date.now();
  w.child.kill('SIGTERM');
  const busyCode = await Promise.race([w.exited, new Promise<'running'>((r) => setTimeout(() => r('running'), 30_000))]);
  assert.equal(busyCode, 0, `exit within 30 s of SIGTERM: ${w.log()}`);
  assert.match(w.log(), /Converting: .*a\.wav/);
  assert.match(w.log(), /could not report 1 finished job\(s\) to Redis/);
});

test('Redis restarted mid-run with its data (appendonly): producer and worker say so, reconnect, and the run ends with every source converted, exit 0', { skip: missing, timeout: 90_000 }, async () => {
  const data = join(dir, 'redis-data');
  await mkdir(data);
  const own = await startPersistentRedis(data);
  after(() => own.stop());
  const site = join(dir, 'restart-site');
  await mkdir(site);
  await Promise.all(['a', 'b', 'c'].map((n) => makeClip(join(site, `${n}.wav`), { video: false, seconds: 2 })));
  const out = join(dir, 'restart-out');
  const w = await startWorkerProcess(own.url, ['-j', '1']);
  started.push(w);
  const producer = startProducer([P, site, '--rules', join(dir, 'rules.yaml'), '--output-dir', out, '--queue', own.url]);
  after(() => producer.stop());
  assert.ok(await until(() => /Converting:/.test(w.log())), w.log());
  await own.restart(2000);
  const run = await producer.done;
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /lost the connection to Redis[^\n]*\n(.|\n)*Redis at redis:\/\/127\.0\.0\.1:\d+\/0 answers again/);
  assert.match(w.log(), /lost the connection to Redis(.|\n)*answers again/);
  const recorded = Object.values((await readConversionResults(join(out, 'warcit-conversion-results.yaml'))).conversions).flat();
  assert.deepEqual(recorded.map((r) => r.success), [true, true, true]);
  await w.stop('SIGKILL');
});

test('a sidecar a worker cannot write (a directory in its place): the producer names it and exits 1; the conversion stands', { skip: missing, timeout: 60_000 }, async () => {
  const site = join(dir, 'sidecar-site');
  await mkdir(site);
  await makeClip(join(site, 'a.wav'), { video: false, seconds: 0.2 });
  const out = join(dir, 'sidecar-out');
  // Outputs go under the name of the input's parent directory (warcit's layout).
  await mkdir(join(out, basename(dir), 'sidecar-site', 'a.wav.ffprobe.json'), { recursive: true });
  const w = await worker();
  const producer = startProducer([P, site, '--rules', join(dir, 'rules.yaml'), '--output-dir', out, '--queue', redis!.url]);
  after(() => producer.stop());
  const run = await producer.done;
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stderr, /a\.wav\.ffprobe\.json: characterization not written by the worker \S+ \d+; the next run writes it/);
  const recorded = await readConversionResults(join(out, 'warcit-conversion-results.yaml'));
  assert.equal(recorded.conversions[`${P}a.wav`]?.[0]?.success, true);
  await w.stop('SIGKILL');
});
