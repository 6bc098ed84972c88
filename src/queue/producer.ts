/**
 * @internal The producer's side of `convertMedia({ queue })`: one BullMQ job per source, then
 * each finished job's outcomes handed to the run exactly as a local source's are (so the results
 * file is written by the same store, per source, as workers finish), and the workers' running
 * conversions shown as the run's progress. Loaded only when a queue is asked for.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { Job, Queue, QueueEvents } from 'bullmq';
import type { ConversionOutcome } from '../convert/convert.js';
import type { RunningConversion } from '../convert/progress.js';
import type { ConversionResult } from '../convert/results.js';
import type { SourceState } from '../convert/source-run.js';
import type { Logger } from '../util/logger.js';
import { QUEUE_NAME, redisOptions, shownUrl } from './connection.js';
import { failedOutcome, JOB_VERSION, jobItem, jobSource, outcomeFromWire, type SourceJobData, type SourceJobResult } from './job.js';
import { removeJobPartials } from './partials.js';
import { ConnectionWatch, settledWithin } from './lost-connection.js';
import { readyWithin } from './ready.js';
import { runKey, RUN_TTL_MS } from './run-key.js';

/** A thrown job is tried once more (maybe on another worker); the second failure is final. */
export const JOB_ATTEMPTS = 2;
/** Finished jobs stay a day (a producer that missed the event reads them back); failed ones a week, to look into. */
const KEEP_COMPLETED = { age: 24 * 3600 };
const KEEP_FAILED = { age: 7 * 24 * 3600 };
/** Without any event for this long, outstanding jobs are looked up directly. */
const SWEEP_MS = 10_000;
/** Closing the connections may take this long at most (Redis may be gone). */
const CLOSE_MS = 3_000;
/** Taking back the jobs not started, after an abort, may take this long at most. */
const TAKE_BACK_MS = 15_000;
const ADD_BATCH = 500;

export interface QueueRun {
  url: string;
  sources: readonly SourceState[];
  rules: SourceJobData['rules'];
  outputDir: string;
  force: boolean;
  signal: AbortSignal;
  logger: Logger;
  /** How long Redis may stop answering mid-run before the sources not back are given up on. */
  waitSeconds: number;
  /** The run's `stallSeconds`, when given: sent with each job (else each worker's own applies). */
  stallSeconds?: number;
  previous(sourceUrl: string): readonly ConversionResult[] | undefined;
  /** Each conversion's outcome, then the source once all its outcomes are in (not after an abort). */
  done(outcome: ConversionOutcome): void;
  finished(state: SourceState): void;
  /** The conversions running on all workers now. */
  progress(running: readonly RunningConversion[]): void;
}

function isResult(value: unknown, items: number): value is SourceJobResult {
  const r = value as Partial<SourceJobResult> | null;
  return typeof r === 'object' && r !== null && r.v === JOB_VERSION && Array.isArray(r.outcomes) && r.outcomes.length === items;
}

function runningOf(data: unknown): RunningConversion[] {
  const list = (data as { running?: unknown } | null)?.running;
  return Array.isArray(list) ? list.filter((r): r is RunningConversion => typeof r === 'object' && r !== null && typeof (r as RunningConversion).url === 'string') : [];
}

/** Enqueue every source, wait for all (or the abort), and tell the run what came back. Returns the workers' ffmpeg version. */
export async function convertOnQueue(run: QueueRun): Promise<{ toolVersion?: string; unwrittenSidecars: string[] }> {
  const connection = redisOptions(run.url);
  const queue = new Queue(QUEUE_NAME, { connection });
  queue.on('error', () => undefined); // ioredis reconnects by itself; errors that matter reject the calls
  let events: QueueEvents | undefined;
  let heart: NodeJS.Timeout | undefined;
  let stopHeart: (() => Promise<unknown>) | undefined;
  let watch: ConnectionWatch | undefined;
  const shown = shownUrl(run.url);
  try {
    // One connection first: QueueEvents cannot be closed before it has connected.
    await readyWithin([queue.waitUntilReady()], run.url, run.signal);
    events = new QueueEvents(QUEUE_NAME, { connection });
    events.on('error', () => undefined);
    await readyWithin([events.waitUntilReady()], run.url, run.signal);
    const runId = `${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;
    // Alive while this producer is: workers drop the jobs of a run whose key is gone.
    const client = await queue.client;
    const link = new ConnectionWatch(client, {
      lost: () => run.logger.warn(`lost the connection to Redis at ${shown}; waiting up to ${run.waitSeconds} s for it to answer again`),
      back: () => run.logger.info(`Redis at ${shown} answers again`),
    });
    watch = link;
    const beat = (): Promise<unknown> => client.set(runKey(runId), `${hostname()} ${process.pid}`, { PX: RUN_TTL_MS });
    await beat();
    // Not while Redis is gone: the beats would only pile up in ioredis' offline queue.
    heart = setInterval(() => void (link.lost ? undefined : beat().catch(() => undefined)), RUN_TTL_MS / 4);
    stopHeart = () => client.del(runKey(runId));
    const outstanding = new Map<string, SourceState>();
    const running = new Map<string, RunningConversion[]>();
    let toolVersion: string | undefined;
    const unwrittenSidecars: string[] = [];
    let lastEvent = Date.now();
    let finishedAll: () => void = () => undefined;
    const allDone = new Promise<void>((done) => (finishedAll = done));
    const tellProgress = (): void => run.progress([...running.values()].flat());

    const settle = (id: string, outcomes: (p: SourceState['items'][number], i: number) => ConversionOutcome): void => {
      const state = outstanding.get(id);
      if (!state) return; // told twice (event and sweep)
      outstanding.delete(id);
      running.delete(id);
      state.items.forEach((p, i) => {
        const outcome = outcomes(p, i);
        state.outcomes.set(p, outcome);
        run.done(outcome);
      });
      state.pending = 0;
      if (!run.signal.aborted) run.finished(state);
      tellProgress();
      if (outstanding.size === 0) finishedAll();
    };
    const completed = (id: string, value: unknown): void => {
      const state = outstanding.get(id);
      if (!state) return;
      if (!isResult(value, state.items.length)) return failed(id, 'the worker sent back something this warckit does not read (another version?)');
      toolVersion ??= value.toolVersion;
      for (const sidecar of Array.isArray(value.unwrittenSidecars) ? value.unwrittenSidecars : []) {
        unwrittenSidecars.push(String(sidecar));
        run.logger.error(`${sidecar}: characterization not written by the worker ${value.worker}; the next run writes it`);
      }
      settle(id, (p, i) => outcomeFromWire(value.outcomes[i]!, p));
    };
    const cleanups: Promise<unknown>[] = [];
    const failed = (id: string, reason: string): void => {
      const state = outstanding.get(id);
      if (!state) return;
      run.logger.error(`${state.entry.path}: the queue gave up on it (${reason})`);
      // No worker will run it again: a dead try's partial outputs go (they are never used).
      cleanups.push(removeJobPartials(state.items.map((p) => p.output)).catch(() => []));
      settle(id, (p) => failedOutcome(p, reason));
    };
    events.on('completed', ({ jobId, returnvalue }) => {
      lastEvent = Date.now();
      completed(jobId, returnvalue);
    });
    // Emitted only once a job's attempts are used up (a retry is a 'waiting' event).
    events.on('failed', ({ jobId, failedReason }) => {
      lastEvent = Date.now();
      failed(jobId, failedReason);
    });
    events.on('progress', ({ jobId, data }) => {
      lastEvent = Date.now();
      if (!outstanding.has(jobId)) return;
      running.set(jobId, runningOf(data));
      tellProgress();
    });
    events.on('stalled', ({ jobId }) => {
      lastEvent = Date.now();
      const state = outstanding.get(jobId);
      if (state) run.logger.warn(`${state.entry.path}: its worker stopped answering; the job goes back to the queue`);
      running.delete(jobId);
    });

    const absolute = (path: string): string => resolve(path);
    const jobs = run.sources.map((state, i) => {
      const id = `${runId}-${i}`;
      outstanding.set(id, state);
      const data: SourceJobData = {
        v: JOB_VERSION,
        run: runId,
        rules: run.rules,
        outputDir: run.outputDir,
        force: run.force,
        source: jobSource(state.entry, absolute),
        items: state.items.map(jobItem),
        previous: [...(run.previous(state.entry.url) ?? [])],
        ...(run.stallSeconds !== undefined ? { stallSeconds: run.stallSeconds } : {}),
      };
      return { name: 'source', data, opts: { jobId: id, attempts: JOB_ATTEMPTS, removeOnComplete: KEEP_COMPLETED, removeOnFail: KEEP_FAILED } };
    });
    if (!jobs.length) return { unwrittenSidecars };
    for (let i = 0; i < jobs.length && !run.signal.aborted; i += ADD_BATCH) await queue.addBulk(jobs.slice(i, i + ADD_BATCH));
    run.logger.info(`${jobs.length} source(s) queued on ${shown} (run ${runId})`);

    const giveUp = (): void => {
      const reason = `Redis at ${shown} did not answer for ${run.waitSeconds} s`;
      run.logger.error(`gave up on ${outstanding.size} source(s): ${reason}`);
      for (const id of [...outstanding.keys()]) settle(id, (p) => failedOutcome(p, reason));
    };
    // Events can be missed (the stream is trimmed, a reconnect): look jobs up when none came for a while.
    const sweep = setInterval(() => {
      if (link.lost) {
        // Nothing is looked up while Redis is gone (the lookups would wait, or fail as if the jobs were).
        if (link.goneFor() >= run.waitSeconds * 1000) giveUp();
        return;
      }
      if (Date.now() - lastEvent < SWEEP_MS) return;
      lastEvent = Date.now();
      void (async () => {
        for (const id of [...outstanding.keys()].slice(0, 200)) {
          const job = await Job.fromId(queue, id).catch(() => undefined);
          if (!job) {
            failed(id, 'the job is gone from the queue');
            continue;
          }
          const state = await job.getState().catch(() => 'unknown');
          if (state === 'completed') completed(id, job.returnvalue);
          else if (state === 'failed') failed(id, job.failedReason);
        }
      })().catch(() => undefined);
    }, 1000);
    const aborted = new Promise<void>((done) => {
      if (run.signal.aborted) done();
      run.signal.addEventListener('abort', () => done(), { once: true });
    });
    try {
      await Promise.race([allDone, aborted]);
    } finally {
      clearInterval(sweep);
    }
    if (run.signal.aborted) {
      // Jobs not started are taken back; running ones finish on their workers, unrecorded.
      const left = await takeBack(queue, [...outstanding.keys()], link.lost);
      if (left) run.logger.warn(`could not take back ${left} job(s) of this run from Redis at ${shown}: workers drop them once this run's key expires (within ${RUN_TTL_MS / 1000} s)`);
      for (const state of outstanding.values()) {
        for (const p of state.items) if (!state.outcomes.has(p)) state.outcomes.set(p, { source: p.source.url, sourcePath: p.source.path, rule: p.rule.name, url: p.url, output: p.output, status: 'not-run', argv: [] });
      }
    }
    await Promise.all(cleanups);
    return { ...(toolVersion ? { toolVersion } : {}), unwrittenSidecars };
  } finally {
    clearInterval(heart);
    watch?.stop();
    const closed = Promise.all([watch?.lost ? undefined : stopHeart?.(), events?.close(), queue.close()]);
    if (!(await settledWithin(closed, CLOSE_MS))) await Promise.all([events?.disconnect(), queue.disconnect()]).catch(() => undefined);
  }
}

/**
 * Remove the jobs not started from the queue (a hundred at a time: ioredis pipelines them),
 * giving up after {@link TAKE_BACK_MS} should Redis stop answering meanwhile; how many were not
 * gone through (all of them while Redis is gone).
 */
async function takeBack(queue: Queue, ids: readonly string[], redisGone: boolean): Promise<number> {
  if (redisGone) return ids.length;
  let done = 0;
  const work = (async () => {
    for (let i = 0; i < ids.length; i += 100) {
      const chunk = ids.slice(i, i + 100);
      await Promise.all(chunk.map((id) => queue.remove(id).catch(() => 0)));
      done += chunk.length;
    }
  })();
  await settledWithin(work, TAKE_BACK_MS);
  return ids.length - done;
}
