/**
 * A conversion worker: takes `warckit-convert --queue` jobs from BullMQ and runs each source's
 * conversions with the local run's code. A worker that dies mid-job (SIGKILL, machine lost)
 * stops renewing its job's lock; after `lockSeconds` another worker's stalled check puts the job
 * back, and it runs again from the start (the dead worker's partial outputs removed first).
 */
import { Worker, UnrecoverableError, type Job } from 'bullmq';
import pLimit from 'p-limit';
import type { RunningConversion } from '../convert/progress.js';
import type { Logger } from '../util/logger.js';
import { silentLogger } from '../util/logger.js';
import { DEFAULT_STALL_SECONDS } from '../convert/options.js';
import { QUEUE_NAME, redisOptions, shownUrl } from './connection.js';
import { isSourceJobData, type SourceJobResult } from './job.js';
import { ConnectionWatch, settledWithin } from './lost-connection.js';
import { readyWithin } from './ready.js';
import { runKey } from './run-key.js';
import { runSourceJob } from './run-job.js';

/** BullMQ's default lock: long enough that a busy machine does not lose a healthy job's lock. */
export const DEFAULT_LOCK_SECONDS = 30;
/** A job may stall (its worker die) once and run again; the second time it is failed, not retried forever. */
export const MAX_STALLED = 1;
const PROGRESS_EVERY_MS = 1000;
/** Once its own jobs are done, a stopping worker gives BullMQ this long to report them (Redis may be gone). */
const CLOSE_MS = 5000;

/** The jobs this worker runs now, and how many ended while Redis was gone (their results may not reach it). */
class JobTally {
  active = 0;
  endedCutOff = 0;
  private waiting: Array<() => void> = [];

  track<T>(run: () => Promise<T>, cutOff: () => boolean): Promise<T> {
    this.active++;
    return run().finally(() => {
      this.active--;
      if (cutOff()) this.endedCutOff++;
      if (this.active === 0) for (const wake of this.waiting.splice(0)) wake();
    });
  }

  /** Resolves once no job of ours runs. */
  idle(): Promise<void> {
    return this.active === 0 ? Promise.resolve() : new Promise((wake) => this.waiting.push(wake));
  }
}

export interface WorkerOptions {
  /** `redis://host:6379/0` */
  queue: string;
  /** Conversions (and jobs) at once. */
  jobs: number;
  /** Seconds a dead worker's job stays locked before it is retried elsewhere. Default 30. */
  lockSeconds?: number;
  /** Seconds a command may print nothing and write nothing before it is stopped and its conversion failed. Default 600. */
  stallSeconds?: number;
  ffmpegPath?: string;
  ffprobePath?: string;
  env?: Readonly<Record<string, string | undefined>>;
  logger?: Logger;
  /** Told each job as it ends. */
  onJob?: (event: { id: string; source: string; result?: SourceJobResult; error?: Error }) => void;
}

/** A running worker: `close()` stops taking jobs and waits for the running ones; `kill()` also aborts them. */
export interface QueueWorker {
  close(): Promise<void>;
  kill(): Promise<void>;
}

/** Connect and start taking jobs; resolves once connected. */
export async function startWorker(options: WorkerOptions): Promise<QueueWorker> {
  const logger = options.logger ?? silentLogger;
  const lockMs = Math.round((options.lockSeconds ?? DEFAULT_LOCK_SECONDS) * 1000);
  const limit = pLimit(options.jobs);
  const killer = new AbortController();
  const processor = async (job: Job): Promise<SourceJobResult> => {
    if (!isSourceJobData(job.data)) throw new UnrecoverableError('not a warckit-convert job this worker can read (another warckit version?)');
    const data = job.data;
    if (job.attemptsStarted > 1) logger.warn(`${data.source.path}: started again (try ${job.attemptsStarted})`);
    let last = 0;
    let timer: NodeJS.Timeout | undefined;
    let latest: readonly RunningConversion[] = [];
    const send = (): void => {
      last = Date.now();
      timer = undefined;
      void job.updateProgress({ running: latest.map((r) => ({ ...r })) }).catch(() => undefined);
    };
    try {
      const client = await worker.client;
      if ((await client.get(runKey(data.run))) === null) throw new UnrecoverableError(`its producer (run ${data.run}) is gone: nobody would record the results`);
      const result = await runSourceJob(data, {
        limit,
        logger,
        signal: killer.signal,
        stallMs: (options.stallSeconds ?? DEFAULT_STALL_SECONDS) * 1000,
        ...(options.ffmpegPath ? { ffmpegPath: options.ffmpegPath } : {}),
        ...(options.ffprobePath ? { ffprobePath: options.ffprobePath } : {}),
        ...(options.env ? { env: options.env } : {}),
        progress: (running) => {
          latest = running;
          // At most one update a second per job: progress goes through Redis to the producer.
          if (timer) return;
          timer = setTimeout(send, Math.max(0, PROGRESS_EVERY_MS - (Date.now() - last)));
        },
      });
      options.onJob?.({ id: String(job.id), source: data.source.path, result });
      return result;
    } catch (error) {
      options.onJob?.({ id: String(job.id), source: data.source.path, error: error as Error });
      throw error;
    } finally {
      if (timer) clearTimeout(timer);
    }
  };
  const tally = new JobTally();
  let link: ConnectionWatch | undefined;
  const worker = new Worker(QUEUE_NAME, (job: Job) => tally.track(() => processor(job), () => link?.lost === true), {
    connection: redisOptions(options.queue),
    concurrency: options.jobs,
    lockDuration: lockMs,
    stalledInterval: lockMs,
    maxStalledCount: MAX_STALLED,
    autorun: false,
  });
  worker.on('error', (error) => logger.debug(`queue: ${error.message}`));
  try {
    await readyWithin([worker.waitUntilReady()], options.queue);
  } catch (error) {
    await worker.close(true).catch(() => undefined);
    throw error;
  }
  // A worker outlives Redis restarts (ioredis reconnects), but says when it is cut off.
  const shown = shownUrl(options.queue);
  link = new ConnectionWatch(await worker.client, {
    lost: () => logger.warn(`lost the connection to Redis at ${shown}; reconnecting (running conversions go on)`),
    back: () => {
      tally.endedCutOff = 0; // what they sent while it was gone went out on reconnecting
      logger.info(`Redis at ${shown} answers again`);
    },
  });
  void worker.run().catch((error: Error) => logger.error(`queue: ${error.message}`));
  const watch = link;
  /** Close, but not forever: BullMQ waits on Redis to report the jobs' ends, and Redis may be gone. */
  const closeWithin = async (force: boolean): Promise<void> => {
    await tally.idle();
    // While Redis is gone there is nothing to wait for; otherwise BullMQ reports the jobs' ends.
    if (!watch.lost && (await settledWithin(worker.close(force), CLOSE_MS))) return watch.stop();
    if (tally.endedCutOff) logger.warn(`could not report ${tally.endedCutOff} finished job(s) to Redis at ${shown}: each goes back to the queue once its lock runs out, and runs again`);
    watch.stop();
    await settledWithin(worker.disconnect(), 1000);
  };
  return {
    close: () => closeWithin(false),
    kill: async () => {
      killer.abort();
      await closeWithin(true);
    },
  };
}
