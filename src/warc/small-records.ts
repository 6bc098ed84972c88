/**
 * @internal Small records prepared on the other cores. For each record of up to a few MB the
 * thread reads the file (or takes the bytes), hashes them, serializes the head and, for
 * `.warc.gz`, compresses the record into its own gzip member: the digests are those of the very
 * bytes written. Records travel in batches (one message and one transferred buffer each way),
 * as a message per record would cost more than the work. The first 256 KB of a run are prepared
 * on the writer's thread with the same code (small-batch.ts), while the threads start.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { EncodeSettings } from './encode.js';
import { PayloadReadError } from './payload.js';
import type { RecordDigests } from './records.js';
import { BatchEncoder, batchTransfers, CLOSE_MESSAGE, packBatch, replyResults, type SmallJob, type SmallReply } from './small-batch.js';

export type { SmallJob } from './small-batch.js';

/** How long a thread has to end by itself before it is terminated. */
const CLOSE_GRACE_MS = 2000;

/** A record's place in the pool: waited for (send at once), and still gathered, not yet sent. */
export interface SmallTicket {
  wanted: boolean;
  gathered: boolean;
}

/** What a record is prepared into: its serialized bytes (a gzip member when gzipping) and digests. */
export interface SmallRecord {
  bytes: Buffer;
  digests: RecordDigests;
}

/** Told once a record is prepared (its bytes and digests), or why it could not be. */
export type SmallDone = (error: Error | undefined, bytes?: Buffer, digests?: RecordDigests) => void;

interface Pending {
  ticket: SmallTicket;
  job: SmallJob;
  data?: Buffer;
  done: SmallDone;
}

const BATCH_BYTES = 256 * 1024;
const BATCH_RECORDS = 256;
/** Answer buffers kept for the threads to answer in again (see release). */
const MAX_SPARES = 16;
/**
 * What a record weighs besides its payload (its head, and the work per record), in the byte
 * counts below: 50,000 files of 11 bytes are not 550 KB of work, and were prepared on the
 * writer's thread up to INLINE_BYTES of payload (23,000 of them) before the threads had any.
 */
const RECORD_WEIGHT = 512;
/**
 * The first records of a run, up to this many bytes, are prepared on the writer's thread: a run
 * of a few small files (or one big file and its warcinfo) is done before a thread would have
 * started (30 ms or more). Past this, every batch goes to the threads.
 */
const INLINE_BYTES = 256 * 1024;
/**
 * Once this much is known to come (prepared here or gathered), the threads are started, so they
 * are up (50 ms or more) by the time the share prepared here is used up.
 */
const START_BYTES = 64 * 1024;

/** Threads to use: one per core, at least one, at most three. */
export function smallRecordThreads(): number {
  return Math.max(1, Math.min(3, availableParallelism()));
}

export class SmallRecordPool {
  private readonly workers: Worker[] = [];
  /** Batches sent and not yet answered, with the thread working on each. */
  private readonly sent = new Map<number, { items: Pending[]; worker: Worker }>();
  private readonly busy = new Map<Worker, number>();
  private gathered: Pending[] = [];
  private gatheredBytes = 0;
  private nextId = 0;
  private turn = 0;
  private failure: Error | undefined;
  /** Bytes prepared on this thread so far (see INLINE_BYTES), and what prepares them. */
  private inlineBytes = 0;
  /** Batches go to the threads from now on. */
  private threaded = false;
  /** Threads that were given a batch (one that never was can be stopped at once). */
  private readonly used = new Set<Worker>();
  private encoder: BatchEncoder | undefined;
  /** Threads that have ended (an ended thread gets no 'exit' again: close must not wait for one). */
  private readonly ended = new Set<Worker>();
  private closing = false;
  /**
   * Answer buffers whose records are all written, for the threads to answer in again: a run's
   * answers then take the same few MB throughout, where buffers left to the collector piled up
   * (up to 60 MB, until V8's external-memory limit called a collection).
   */
  private readonly spares: ArrayBuffer[] = [];
  /** Per answer buffer: its records not yet released. */
  private readonly owed = new WeakMap<ArrayBuffer, { left: number }>();

  constructor(
    private readonly settings: EncodeSettings,
    readonly threads = smallRecordThreads(),
    /** The threads' module (tests give one that fails). */
    private readonly script = new URL('./small-records-worker.js', import.meta.url),
  ) {}

  /** Record threads started so far (none while the run's first records are prepared on this thread). */
  get threadsStarted(): number {
    return this.workers.length;
  }

  /**
   * Prepare a record: `done` is told its serialized bytes (a gzip member when gzipping) and
   * digests. `data` when the payload is in memory, else `file` is read by the thread. Sent when
   * the batch is full or when the writer waits for it (`ticket`).
   */
  prepare(job: SmallJob, data: Buffer | undefined, ticket: SmallTicket, done: SmallDone): void {
    if (this.failure) {
      done(this.failure);
      return;
    }
    this.gathered.push({ ticket, job, ...(data ? { data } : {}), done });
    ticket.gathered = true;
    this.gatheredBytes += (data?.length ?? job.file?.size ?? 0) + RECORD_WEIGHT;
    if (this.workers.length === 0 && this.inlineBytes + this.gatheredBytes >= START_BYTES) while (this.workers.length < this.threads) this.startWorker();
    if (ticket.wanted || this.gatheredBytes >= BATCH_BYTES || this.gathered.length >= BATCH_RECORDS) this.send();
  }

  /** {@link prepare} as a promise. */
  prepared(job: SmallJob, data: Buffer | undefined, ticket: SmallTicket): Promise<SmallRecord> {
    return new Promise((resolve, reject) => this.prepare(job, data, ticket, (error, bytes, digests) => (error ? reject(error) : resolve({ bytes: bytes!, digests: digests! }))));
  }

  /** The writer waits for this record: send its batch now if it is still being gathered, or as soon as it is. */
  want(ticket: SmallTicket): void {
    ticket.wanted = true;
    if (ticket.gathered) this.send();
  }

  /**
   * The writer waits for room (its window is full of records not yet written): send what is
   * gathered only if a thread has no batch. Records keep coming one by one as room is made, and
   * a batch for each of them would cost more in messages than the threads gain.
   */
  sendIfIdle(): void {
    if (this.sent.size < this.threads) this.send();
  }

  /** Send what is gathered. */
  send(): void {
    if (this.gathered.length === 0) return;
    const items = this.gathered;
    const bytes = this.gatheredBytes;
    this.gathered = [];
    this.gatheredBytes = 0;
    for (const item of items) item.ticket.gathered = false;
    const batch = packBatch(this.nextId++, items, this.spares.pop());
    if (!this.threaded && this.inlineBytes + bytes <= INLINE_BYTES) {
      this.inlineBytes += bytes;
      this.encoder ??= new BatchEncoder(this.settings);
      let reply: SmallReply;
      try {
        reply = this.encoder.encode(batch);
      } catch (error) {
        for (const item of items) item.done(error as Error);
        return;
      }
      this.settle(items, reply);
      return;
    }
    this.threaded = true;
    const worker = this.worker();
    this.used.add(worker);
    this.sent.set(batch.id, { items, worker });
    // Kept alive only while it owes an answer: an idle thread never keeps the process running.
    if ((this.busy.get(worker) ?? 0) === 0) worker.ref();
    this.busy.set(worker, (this.busy.get(worker) ?? 0) + 1);
    worker.postMessage(batch, batchTransfers(batch));
  }

  private worker(): Worker {
    if (this.workers.length < this.threads) return this.startWorker();
    return this.workers[this.turn++ % this.workers.length]!;
  }

  private startWorker(): Worker {
    // No execArgv: flags such as --input-type (node -e) do not apply to the thread's module.
    // A small young generation: the thread's garbage is a few objects per record (its bytes are outside the heap), and each thread's heap counts in the process's RSS.
    const worker = new Worker(this.script, { execArgv: [], workerData: this.settings, resourceLimits: { maxYoungGenerationSizeMb: 4 } });
    worker.on('message', (reply: SmallReply) => this.receive(reply));
    worker.on('error', (error) => this.fail(error));
    // A thread that ends before it is told to (it could not start, it crashed) would never answer
    // what it was sent, nor what would be sent to it: the run fails rather than waits forever.
    worker.on('exit', (code) => {
      this.ended.add(worker);
      if (!this.closing) this.fail(new Error(`it exited (code ${code}) before answering`));
    });
    worker.unref();
    this.workers.push(worker);
    return worker;
  }

  private receive(reply: SmallReply): void {
    const entry = this.sent.get(reply.id);
    if (!entry) return;
    this.sent.delete(reply.id);
    const owed = (this.busy.get(entry.worker) ?? 1) - 1;
    this.busy.set(entry.worker, owed);
    if (owed === 0) entry.worker.unref();
    this.settle(entry.items, reply);
  }

  /**
   * A record's bytes are written (to a file, which holds no reference to them): once all of its
   * answer's are, that buffer is kept for another answer. Only for bytes nothing else refers to.
   */
  release(bytes: Buffer): void {
    const answer = bytes.buffer as ArrayBuffer;
    const owed = this.owed.get(answer);
    if (!owed || --owed.left > 0) return;
    this.owed.delete(answer);
    if (this.spares.length < MAX_SPARES) this.spares.push(answer);
  }

  /** Each record of a batch gets its bytes and digests, or its error. */
  private settle(items: Pending[], reply: SmallReply): void {
    const out = Buffer.from(reply.buffer);
    const results = replyResults(reply);
    const written = items.length - reply.errors.length;
    if (written > 0) this.owed.set(reply.buffer, { left: written });
    let start = 0;
    for (const [i, item] of items.entries()) {
      const result = results[i]!;
      const end = reply.ends[i]!;
      if ('error' in result) {
        const { source, detail, message } = result.error;
        item.done(source !== undefined && detail !== undefined ? new PayloadReadError(source, detail) : new Error(message));
      } else item.done(undefined, out.subarray(start, end), result.digests);
      start = end;
    }
  }

  private fail(error: Error): void {
    if (this.failure) return; // a thread's 'error' is followed by its 'exit'
    this.failure = new Error(`record thread failed: ${error.message}`, { cause: error });
    for (const { items } of this.sent.values()) for (const item of items) item.done(this.failure);
    for (const item of this.gathered) item.done(this.failure);
    this.sent.clear();
    this.gathered = [];
  }

  /**
   * Stop the threads (records not yet answered are left unanswered: the writer is done with them).
   * Each is asked to end after its batch: terminating a thread inside zlib can abort the whole
   * process (node_zlib "close before init"). One that does not end soon is terminated, as is one
   * that never had a batch.
   */
  async close(): Promise<void> {
    this.closing = true;
    const workers = this.workers.splice(0).filter((w) => !this.ended.has(w));
    await Promise.all(
      workers.map(async (w) => {
        const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()));
        w.ref(); // the run waits for it to end
        // A thread never given a batch is not in zlib: stopped at once, not left to finish starting.
        if (!this.used.has(w)) void w.terminate();
        else w.postMessage(CLOSE_MESSAGE);
        const timer = setTimeout(() => void w.terminate(), CLOSE_GRACE_MS);
        await exited;
        clearTimeout(timer);
      }),
    );
  }
}
