/**
 * The conversion queue (group `queue`; skipped, with the reason, without redis-server): a
 * throwaway Redis on a loopback port, warckit-worker processes and `warckit-convert --queue`.
 * - 12 clips with 1 worker vs 2 workers (each -j 1), best of WARCKIT_BENCH_REPEAT (default 2);
 * - the queue's overhead per job: 1,000 sources through a trivial `cp` rule, enqueue to done,
 *   against the same run locally (-j 2 both ways; the workers are started beforehand).
 * Env: WARCKIT_BENCH_QUEUE_CLIPS (12), WARCKIT_BENCH_QUEUE_CLIP_SECONDS (3), WARCKIT_BENCH_QUEUE_JOBS (1000).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeClip } from '../test/convert/clips.js';
import { redisMissing, startRedis } from '../test/helpers/redis-server.js';
import { startWorkerProcess, type WorkerProcess } from '../test/queue/cluster.js';
import { round, timed } from './timed.js';

const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../bin/warckit-convert.js');
const PREFIX = 'http://www.example.com/';
// One thread per ffmpeg, so two workers can use two cores.
const X264 = `rules:
  - &mp4 {name: mp4, ext: mp4, args: [ffmpeg, -y, -nostdin, -i, '{input}', -c:v, libx264, -preset, veryfast, -threads, '1', -c:a, aac, '{output}'], mime: video/mp4}
file_types:
  - {ext: .flv, conversion_rules: [*mp4]}
`;
const COPY = `rules:
  - &copy {name: copy, ext: txt, args: [cp, '{input}', '{output}']}
file_types:
  - {ext: .dat, conversion_rules: [*copy]}
`;

type Timed = Awaited<ReturnType<typeof timed>>;

function ok(r: Timed, what: string): Timed {
  if (r.code !== 0) throw new Error(`${what} exited ${String(r.code)}: ${r.stderr}`);
  return r;
}

export async function runQueueBench(): Promise<Array<Record<string, unknown>>> {
  const missing = redisMissing();
  if (missing) return [{ case: 'queue', skipped: missing }];
  const clips = Number(process.env.WARCKIT_BENCH_QUEUE_CLIPS ?? 12);
  const seconds = Number(process.env.WARCKIT_BENCH_QUEUE_CLIP_SECONDS ?? 3);
  const jobs = Number(process.env.WARCKIT_BENCH_QUEUE_JOBS ?? 1000);
  const repeat = Math.max(1, Number(process.env.WARCKIT_BENCH_REPEAT ?? 2));
  const dir = await mkdtemp(join(tmpdir(), 'warckit-queue-bench-'));
  const redis = await startRedis();
  const workers: WorkerProcess[] = [];
  try {
    const site = join(dir, 'clips');
    for (let i = 0; i < clips; i += 2) {
      await Promise.all([i, i + 1].filter((n) => n < clips).map((n) => makeClip(join(site, `clip-${String(n + 1).padStart(2, '0')}.flv`), 'av', 'flv', seconds, '320x240')));
    }
    await writeFile(join(dir, 'x264.yaml'), X264);
    const producer = (out: string, rules: string, input: string): Promise<Timed> =>
      timed(process.execPath, [BIN, PREFIX, input, '--rules', rules, '--output-dir', out, '--queue', redis.url, '-q']);

    // 12 clips: one worker, then two, alternately, best of `repeat`.
    const best = { one: Infinity, two: Infinity };
    for (let i = 0; i < repeat; i++) {
      for (const n of [1, 2] as const) {
        while (workers.length < n) workers.push(await startWorkerProcess(redis.url, ['-j', '1']));
        while (workers.length > n) await workers.pop()!.stop();
        const out = join(dir, `w${n}`);
        await rm(out, { recursive: true, force: true });
        const r = ok(await producer(out, join(dir, 'x264.yaml'), site), `producer with ${n} worker(s)`);
        best[n === 1 ? 'one' : 'two'] = Math.min(best[n === 1 ? 'one' : 'two'], r.wall_s);
      }
    }
    const base = { clips, clip_seconds: seconds, clip_size: '320x240', rule: 'x264 veryfast, 1 thread', repeat, load_average_1m: round(loadavg()[0] ?? 0, 2) };

    // 1,000 cp jobs: the queue against the same run locally.
    const many = join(dir, 'many');
    await mkdir(many);
    for (let i = 0; i < jobs; i++) await writeFile(join(many, `f${String(i).padStart(5, '0')}.dat`), `file ${i}\n`);
    await writeFile(join(dir, 'copy.yaml'), COPY);
    while (workers.length) await workers.pop()!.stop();
    workers.push(await startWorkerProcess(redis.url, ['-j', '2']));
    const local = ok(await timed(process.execPath, [BIN, PREFIX, many, '--rules', join(dir, 'copy.yaml'), '--output-dir', join(dir, 'cp-local'), '-j', '2', '-q']), 'local cp run');
    const queued = ok(await producer(join(dir, 'cp-queue'), join(dir, 'copy.yaml'), many), 'queued cp run');
    return [
      { case: 'queue-clips-1-worker', ...base, workers: 1, wall_s: round(best.one) },
      { case: 'queue-clips-2-workers', ...base, workers: 2, wall_s: round(best.two), baseline_wall_s: round(best.one), speedup_vs_1_worker: round(best.one / best.two) },
      {
        case: 'queue-overhead-cp',
        jobs,
        wall_s: round(queued.wall_s),
        baseline_wall_s: round(local.wall_s),
        note: 'baseline: the same 1,000 cp conversions run locally (-j 2); one worker -j 2 for the queue',
        ratio_to_baseline: round(queued.wall_s / local.wall_s),
        ms_per_job: round((queued.wall_s / jobs) * 1000, 2),
        baseline_ms_per_job: round((local.wall_s / jobs) * 1000, 2),
        overhead_ms_per_job: round(((queued.wall_s - local.wall_s) / jobs) * 1000, 2),
        load_average_1m: round(loadavg()[0] ?? 0, 2),
      },
    ];
  } finally {
    await Promise.all(workers.map((w) => w.stop('SIGKILL')));
    await redis.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
