/**
 * The cluster test: Redis on a free loopback port, two warckit-worker processes and a
 * warckit-convert --queue producer for 12 generated clips. Skipped, with the reason, when
 * redis-server is not installed.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import { convertMedia } from '../../src/convert/convert.js';
import { type ConversionResults, readConversionResults } from '../../src/convert/results.js';
import { makeClip } from '../helpers/media.js';
import { type RedisServer, redisMissing, startRedis } from '../helpers/redis-server.js';
import { jsonEvents, runProducer, startWorkerProcess, type WorkerProcess } from './cluster.js';

const P = 'http://www.example.com/';
const CLIPS = 12;
const missing = redisMissing();
/** Deterministic FLAC (bit-exact), so two runs' outputs have the same digests; `slow` reads at the clip's own pace (-re). */
const rulesText = (slow: boolean): string => `
rules:
  - &flac {name: flac, ext: flac, args: [ffmpeg, -y, -nostdin, ${slow ? '-re, ' : ''}-i, '{input}', -c:a, flac, -fflags, +bitexact, -flags:a, +bitexact, '{output}'], mime: audio/flac}
file_types:
  - {ext: .wav, conversion_rules: [*flac]}
`;

let redis: RedisServer | undefined;
const workers: WorkerProcess[] = [];
let dir = '';
let site = '';

before(async () => {
  if (missing) return;
  redis = await startRedis();
  dir = await mkdtemp(join(tmpdir(), 'warckit-queue-'));
  site = join(dir, 'site');
  await mkdir(site);
  await Promise.all(Array.from({ length: CLIPS }, (_, i) => makeClip(join(site, `c${String(i).padStart(2, '0')}.wav`), { video: false, seconds: 0.6 })));
  await writeFile(join(dir, 'fast.yaml'), rulesText(false));
  await writeFile(join(dir, 'slow.yaml'), rulesText(true));
  for (let i = 0; i < 2; i++) workers.push(await startWorkerProcess(redis.url, ['-j', '1', '--lock-seconds', '2']));
});

after(async () => {
  await Promise.all(workers.map((w) => w.stop('SIGKILL')));
  await redis?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The results as a local run would compare them: without times, with one output dir named as the other. */
function comparable(doc: ConversionResults, outputDir: string): unknown {
  const copy = structuredClone(doc.conversions);
  for (const list of Object.values(copy)) {
    for (const r of list) {
      delete r.duration_seconds;
      if (r.event) delete (r.event as Record<string, unknown>).date;
    }
  }
  return JSON.parse(JSON.stringify(copy).replaceAll(outputDir, '<out>'));
}

async function filesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath ?? e.path, e.name));
}

const sha256 = async (path: string): Promise<string> => createHash('sha256').update(await readFile(path)).digest('hex');

test('two workers: the results file equals a local run\'s (same outputs, same digests)', { skip: missing }, async () => {
  const rules = join(dir, 'fast.yaml');
  const localOut = join(dir, 'local');
  const local = await convertMedia({ urlPrefix: P, inputs: [site], rules, outputDir: localOut, jobs: 2 });
  assert.equal(local.converted, CLIPS);

  const queueOut = join(dir, 'queued');
  const run = await runProducer([P, site, '--rules', rules, '--output-dir', queueOut, '--queue', redis!.url, '--json']);
  assert.equal(run.code, 0, run.stderr);
  const summary = jsonEvents(run.stdout, 'summary')[0]!;
  assert.deepEqual([summary.converted, summary.skipped, summary.failed], [CLIPS, 0, 0]);

  const queued = await readConversionResults(join(queueOut, 'warcit-conversion-results.yaml'));
  const locally = await readConversionResults(join(localOut, 'warcit-conversion-results.yaml'));
  assert.deepEqual(comparable(queued, queueOut), comparable(locally, localOut));
  // The recorded digests are the files' on disk, and both workers took jobs.
  for (const [, list] of Object.entries(queued.conversions)) for (const r of list) assert.equal(await sha256(r.output), r.output_sha256);
  for (const w of workers) assert.match(w.log(), /1 converted/, 'each worker converted something');
});

test('one worker SIGKILLed mid-conversion: every job completes exactly once, no .partial left; a re-run skips all', { skip: missing }, async () => {
  const rules = join(dir, 'slow.yaml');
  const out = join(dir, 'killed');
  const producing = runProducer([P, site, '--rules', rules, '--output-dir', out, '--queue', redis!.url, '--json']);
  const victim = workers[0]!;
  // Mid-conversion: its ffmpeg has opened its partial output (named with the worker's pid).
  const mine = new RegExp(`\\.partial-${victim.pid}-`);
  let seen = false;
  for (let i = 0; i < 600 && !seen; i++) {
    seen = (await filesUnder(out).catch(() => [] as string[])).some((f) => mine.test(f));
    if (!seen) await sleep(20);
  }
  assert.ok(seen, 'the worker to kill started a conversion');
  victim.child.kill('SIGKILL');
  await victim.exited;

  const run = await producing;
  assert.equal(run.code, 0, run.stderr);
  const conversions = jsonEvents(run.stdout, 'conversion');
  assert.equal(conversions.length, CLIPS);
  assert.equal(new Set(conversions.map((c) => c.url)).size, CLIPS, 'each conversion told once');
  assert.ok(conversions.every((c) => c.status === 'converted'));
  const results = await readConversionResults(join(out, 'warcit-conversion-results.yaml'));
  assert.equal(Object.keys(results.conversions).length, CLIPS);
  for (const [, list] of Object.entries(results.conversions)) {
    assert.equal(list.length, 1);
    assert.equal(list[0]!.success, true);
    assert.equal(await sha256(list[0]!.output), list[0]!.output_sha256);
  }
  assert.deepEqual((await filesUnder(out)).filter((f) => f.includes('.partial')), []);
  assert.match(workers[1]!.log(), /removed 1 partial output/);
  assert.match(run.stdout, /stopped answering/);
  // The producer showed the workers' running conversions as its progress.
  const running = jsonEvents(run.stdout, 'progress').flatMap((e) => e.running as Array<{ url: string }>);
  assert.ok(running.some((r) => r.url.startsWith(`${P}c`)), 'workers\' conversions in the producer\'s progress');

  // Back to two workers; the re-run finds everything done.
  workers[0] = await startWorkerProcess(redis!.url, ['-j', '1', '--lock-seconds', '2']);
  const again = await runProducer([P, site, '--rules', rules, '--output-dir', out, '--queue', redis!.url, '--json']);
  assert.equal(again.code, 0, again.stderr);
  const summary = jsonEvents(again.stdout, 'summary')[0]!;
  assert.deepEqual([summary.converted, summary.skipped, summary.failed], [0, CLIPS, 0]);
});
