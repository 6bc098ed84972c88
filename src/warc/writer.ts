/**
 * The record writer behind every byte sink (a file, any Writable). Records are prepared ahead
 * (read, hashed, small ones compressed on the other cores) and written strictly in the order
 * they were added, through one queue. File payloads are never copied into memory or a temp file:
 *  - to a file, one pass: a head with placeholder digests of the final length is written, the
 *    payload streamed (compressed in parallel blocks for `.warc.gz`) and hashed as it goes, then
 *    the head is rewritten in place (and the gzip CRC completed with crc32_combine); the digests
 *    written are those of the very bytes written;
 *  - to a stream, which cannot be rewritten: the payload is hashed first, then streamed with the
 *    final head before it and hashed again; a source that changed between the reads fails.
 * Either way a record's bytes are the same (see encode.ts).
 */
import { createHash, randomUUID } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { crc32 } from 'node:zlib';
import pLimit from 'p-limit';
import { openRegularFile } from '../util/regular-file.js';
import { type SmallJob, SmallRecordPool, type SmallTicket } from './small-records.js';
import type { DigestAlgorithm } from './digest.js';
import { type EncodeSettings, gzipRecord, plainRecordParts, recordDigests } from './encode.js';
import { ChunkPool, FILE_CHUNK } from './file-chunks.js';
import { chooseLevel, crc32Combine, type DeflateTally, deflateBlocks, GZIP_HEADER, type GzipLevelSetting, gzipTrailer, storedBlocks } from './gzip.js';
import { FileOutput, type RecordOutput, StreamOutput } from './output-target.js';
import { type Payload, PayloadReadError, payloadChunks, payloadSize, readPayload, readSmallFile, type StreamPayload } from './payload.js';
import { headPrefix, RECORD_TRAILER, type RecordDigests, type RecordHead, serializeHead, type WarcVersion } from './records.js';

export { type BufferPayload, type Payload, PayloadReadError, type StreamPayload } from './payload.js';
export { WarcWriteError } from './output-target.js';

/** One record to write: its head (without length and digests, which the writer computes) and its payload. */
export interface WarcRecordInput {
  head: RecordHead;
  payload: Payload;
  /** Also write WARC-Payload-Digest (resource and conversion records: the block is the payload). */
  payloadDigest: boolean;
  /**
   * A revisit of an earlier record of the same stream: its WARC-Payload-Digest is that
   * record's, as written, added after the head's other headers.
   */
  revisitOf?: WarcRecordInput;
  /**
   * @internal A record made from another one's payload as it was (a conversion of a source whose
   * bytes were checked): written only if that record, written before it, carries one of these
   * payload digests; else it is left out as unreadable (`PayloadMismatchError`, saying `reason`).
   */
  requires?: { record: WarcRecordInput; payloadDigests: Partial<Record<DigestAlgorithm, string>>; reason: string };
}

/** @internal A record is left out: the record it was made from was written with other bytes (see `WarcRecordInput.requires`). */
export class PayloadMismatchError extends PayloadReadError {
  override name = 'PayloadMismatchError';
}

/** Where a record went and what it holds. */
export interface WrittenRecord {
  recordId: string;
  type: RecordHead['type'];
  targetUri?: string;
  date: Date;
  contentType?: string;
  /** Where the record starts in the output (for a file being appended to: in the whole file). */
  offset: number;
  /** Bytes the record takes in the output (compressed size for `.warc.gz`). */
  length: number;
  digests: RecordDigests;
  payloadLength: number;
}

export interface WarcWriterOptions {
  gzip: boolean;
  /** `auto` (default): payloads that do not compress are stored, the rest compressed at level 6. */
  gzipLevel?: GzipLevelSetting;
  version?: WarcVersion;
  digestAlgorithm?: DigestAlgorithm;
  /** Payloads up to this size are read once into memory; larger ones are streamed. Default 1 MiB. */
  memoryThreshold?: number;
  /** Large payloads read ahead of the one being written. Default 8. */
  concurrency?: number;
  /** Stops reading payloads mid-file when aborted. */
  signal?: AbortSignal;
  /** The output's name, for error messages (e.g. its path). */
  name?: string;
  /** Prepare small records (read, hash, compress) on worker threads (default); false does it on this thread. */
  threads?: boolean;
  /** Told when each record is in the output. */
  onRecord?: (record: WrittenRecord, input: WarcRecordInput) => void;
  /** Told as a streamed payload is written: bytes of it done so far. */
  onPayloadBytes?: (input: WarcRecordInput, bytesDone: number) => void;
  /**
   * Told when a payload cannot be read: before any byte of its record is written (a file removed
   * or made unreadable since it was listed), or, writing to a file, while it is streamed in (cut
   * short or grown meanwhile: what was written of its record is taken out again). Return true to
   * leave that record out (its `written` resolves to undefined), and the records that need it (a
   * revisit of it) with it. Without it, or when it returns false (or on a stream, mid-record),
   * the write fails.
   */
  onUnreadable?: (input: WarcRecordInput, error: PayloadReadError) => boolean;
}

interface Prepared {
  input: WarcRecordInput;
  head: RecordHead;
  digests?: RecordDigests;
  /** The complete serialized record (gzip member when gzipping), for small records. */
  bytes?: Buffer;
  /** gzip level for a streamed payload; undefined: decide from its first chunk. */
  level?: number;
}

/** A record's end: written (undefined: left out as unreadable), or why the write failed. */
type Outcome = { record: WrittenRecord | undefined } | { error: unknown };

/** A record in the writer's queue; `written` is what `add` answers. */
class QueuedRecord {
  readonly ticket: SmallTicket = { wanted: false, gathered: false };
  /** A small record's bytes from the threads, or why they could not be made. */
  ready: { prepared: Prepared } | { error: unknown } | undefined;
  /** Any other record, prepared here. */
  prepared: Promise<Prepared> | undefined;
  /** Once written (or failed). */
  outcome: Outcome | undefined;
  /** Its `written` promise, made only when asked for (most records are never waited for one by one). */
  promise: { promise: Promise<WrittenRecord | undefined>; resolve(record: WrittenRecord | undefined): void; reject(error: unknown): void } | undefined;

  constructor(
    readonly input: WarcRecordInput,
    readonly weight: number,
  ) {}

  /** Settles when the record is in the output (undefined: left out as unreadable). */
  get written(): Promise<WrittenRecord | undefined> {
    if (this.promise) return this.promise.promise;
    const { outcome } = this;
    if (outcome && 'error' in outcome) {
      const failed = Promise.reject(outcome.error);
      failed.catch(() => undefined); // a failure is also the run's
      return failed;
    }
    if (outcome) return Promise.resolve(outcome.record);
    let resolve!: (record: WrittenRecord | undefined) => void;
    let reject!: (error: unknown) => void;
    const promise = new Promise<WrittenRecord | undefined>((yes, no) => {
      resolve = yes;
      reject = no;
    });
    promise.catch(() => undefined); // a failure is also the run's
    this.promise = { promise, resolve, reject };
    return promise;
  }
}

function settle(entry: QueuedRecord, outcome: Outcome): void {
  entry.outcome = outcome;
  if (!entry.promise) return;
  if ('error' in outcome) entry.promise.reject(outcome.error);
  else entry.promise.resolve(outcome.record);
}

/**
 * @internal A record made from another one's payload as it was (`requires`): throws unless that
 * record was written with one of the payload digests required (`written`: its payload digest as
 * written, undefined when it was left out).
 */
export function checkRequired(input: WarcRecordInput, written: string | undefined): void {
  const { requires } = input;
  if (!requires) return;
  const algorithm = written?.slice(0, written.indexOf(':')) as DigestAlgorithm | undefined;
  if (written !== undefined && requires.payloadDigests[algorithm!] === written) return;
  const name = input.payload.kind === 'stream' ? input.payload.name : (input.head.targetUri ?? input.head.recordId);
  throw new PayloadMismatchError(name, written === undefined ? 'left out: the record it was made from could not be archived' : requires.reason);
}

function isFileHandle(target: FileHandle | Writable): target is FileHandle {
  return typeof (target as FileHandle).readFile === 'function' && typeof (target as FileHandle).fd === 'number';
}

/** A new WARC-Record-ID: `<urn:uuid:…>` (random UUID). */
export function newRecordId(): string {
  return `<urn:uuid:${randomUUID()}>`;
}

/**
 * Records (small ones by their size, streamed ones as 1 MiB) prepared but not yet written: enough
 * to keep the threads busy (4 batches of 256 KB each); more only kept more records alive in the
 * heap, which every collection copies (4 MiB on 2 cores: 3 % more CPU time, 1 MiB: threads idle).
 */
const WINDOW_BYTES_PER_THREAD = 1024 * 1024;
const WINDOW_RECORDS = 512;
const WRITE_BATCH = 1024 * 1024;
const SAMPLE = 64 * 1024;

export class WarcWriter {
  private readonly output: RecordOutput;
  private position: number;
  private readonly settings: EncodeSettings;
  private readonly threshold: number;
  private readonly signal: AbortSignal | undefined;
  private readonly limit: ReturnType<typeof pLimit>;
  private readonly pool: SmallRecordPool | undefined;
  /** Records queued, for revisits that take their payload digest (released with the input). */
  private readonly entries = new WeakMap<WarcRecordInput, QueuedRecord>();
  /** Records queued and not yet written, in order, from `head` on. */
  private queue: QueuedRecord[] = [];
  private head = 0;
  /** The loop that writes the queue is running (see pump), and what it is waiting for. */
  private pumping = false;
  private pumped: Promise<void> = Promise.resolve();
  private waitingFor: QueuedRecord | undefined;
  private wake: (() => void) | undefined;
  private inFlight = 0;
  /** Bytes of records prepared and not yet written, at most (see WINDOW_BYTES_PER_THREAD). */
  private readonly windowBytes: number;
  private inFlightBytes = 0;
  private waiters: Array<() => void> = [];
  private failure: unknown;
  /** Small serialized records gathered for one write of about 1 MiB. */
  private batch: Buffer[] = [];
  private batchSize = 0;
  private batchStart = 0;
  /** A streamed record was taken out again: the output may reach past `position`, and is cut at the end. */
  private tookBack = false;

  /** A writer to `target`: a file handle (records from `startOffset` on) or any Writable. */
  constructor(
    target: FileHandle | Writable,
    startOffset: number,
    private readonly options: WarcWriterOptions,
  ) {
    const name = options.name ?? 'the WARC';
    this.output = isFileHandle(target) ? new FileOutput(target, name) : new StreamOutput(target, name);
    this.position = startOffset;
    this.settings = { gzip: options.gzip, gzipLevel: options.gzipLevel ?? 'auto', version: options.version ?? '1.0', algorithm: options.digestAlgorithm ?? 'sha1' };
    this.threshold = options.memoryThreshold ?? 1024 * 1024;
    this.limit = pLimit(options.concurrency ?? 8);
    this.signal = options.signal;
    this.pool = options.threads !== false ? new SmallRecordPool(this.settings) : undefined;
    this.windowBytes = Math.max(2, this.pool?.threads ?? 0) * WINDOW_BYTES_PER_THREAD;
  }

  /** Bytes written so far (the next record's offset). */
  get offset(): number {
    return this.position;
  }

  /**
   * Queue a record. Resolves once there is room in the queue; `written` settles when the record
   * is in the output. Records are written in the order added.
   */
  async add(input: WarcRecordInput): Promise<{ readonly written: Promise<WrittenRecord | undefined> }> {
    const weight = Math.min(payloadSize(input.payload), this.threshold);
    for (;;) {
      if (this.failure) throw this.failure;
      if (this.hasRoom(weight)) return this.enqueue(input, weight);
      this.pool?.sendIfIdle();
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /**
   * @internal {@link add} without waiting: the record is queued if there is room now, else
   * nothing is done and undefined returned (then `add` waits for room). One promise fewer per
   * record for callers that queue thousands.
   */
  addNow(input: WarcRecordInput): { readonly written: Promise<WrittenRecord | undefined> } | undefined {
    if (this.failure) throw this.failure;
    const weight = Math.min(payloadSize(input.payload), this.threshold);
    return this.hasRoom(weight) ? this.enqueue(input, weight) : undefined;
  }

  private hasRoom(weight: number): boolean {
    return this.inFlight === 0 || (this.inFlight < WINDOW_RECORDS && this.inFlightBytes + weight <= this.windowBytes);
  }

  private enqueue(input: WarcRecordInput, weight: number): { readonly written: Promise<WrittenRecord | undefined> } {
    this.inFlight++;
    this.inFlightBytes += weight;
    const entry = new QueuedRecord(input, weight);
    this.prepare(entry);
    this.queue.push(entry);
    this.entries.set(input, entry);
    if (!this.pumping) this.pumped = this.pump();
    return entry;
  }

  /**
   * Write the queued records in order, as long as there are any. One loop for the whole queue
   * rather than a chain of promises per record: a small record ready when its turn comes is
   * written without a promise of its own.
   */
  private async pump(): Promise<void> {
    this.pumping = true;
    while (this.head < this.queue.length) {
      const entry = this.queue[this.head]!;
      if (!this.failure && !entry.ready && !entry.prepared) {
        // Its batch may still be gathering: sent now (and prepared at once, maybe, on this thread), else waited for.
        this.pool?.want(entry.ticket);
        if (!entry.ready) {
          this.waitingFor = entry;
          await new Promise<void>((resolve) => (this.wake = resolve));
        }
        continue;
      }
      this.head++;
      if (this.head >= 1024) {
        this.queue = this.queue.slice(this.head);
        this.head = 0;
      }
      const outcome = this.writeNow(entry) ?? (await this.write(entry));
      this.release(entry.weight);
      settle(entry, outcome);
      try {
        if ('record' in outcome && outcome.record) this.options.onRecord?.(outcome.record, entry.input);
      } catch (error) {
        this.failure ??= error;
      }
    }
    this.pumping = false;
  }

  /**
   * A small record ready in its turn goes into the write batch at once, when that does not fill
   * it: its outcome, without a promise. Undefined when it takes more (see write).
   */
  private writeNow(entry: QueuedRecord): Outcome | undefined {
    const { ready } = entry;
    if (this.failure || !ready || 'error' in ready || entry.input.requires || this.batchSize + ready.prepared.bytes!.length >= WRITE_BATCH) return undefined;
    try {
      return { record: this.commitSmall(ready.prepared) };
    } catch (error) {
      return this.failed(entry, error, this.position);
    }
  }

  /** Write one record in its turn: what it became, or why it could not be written. */
  private async write(entry: QueuedRecord): Promise<Outcome> {
    if (this.failure) return { error: this.failure };
    const offset = this.position;
    try {
      const ready = entry.ready;
      if (ready && 'error' in ready) throw ready.error;
      this.checkRequired(entry.input);
      this.pool?.want(entry.ticket); // a record prepared here may still wait for its bytes from the threads
      return { record: await this.commit(ready?.prepared ?? (await entry.prepared!)) };
    } catch (error) {
      return this.failed(entry, error, offset);
    }
  }

  /**
   * A record that could not be written. Unreadable before its record was begun, or (on a file)
   * while it was streamed in: left out, what was written of it taken out again. Else the run fails.
   */
  private failed(entry: QueuedRecord, error: unknown, offset: number): Outcome {
    if (error instanceof PayloadReadError && this.canTakeBack(offset) && this.options.onUnreadable?.(entry.input, error)) {
      this.position = offset;
      return { record: undefined };
    }
    this.failure ??= error;
    return { error };
  }

  /** Wait until every record queued is written (or one failed: that error). */
  async settled(): Promise<void> {
    await this.pumped;
    if (this.failure) throw this.failure;
  }

  /** Wait for every queued record and write what is gathered; rethrows the first failure. Stops the compression threads. */
  async flush(): Promise<void> {
    this.pool?.send();
    try {
      await this.pumped;
      if (this.failure) throw this.failure;
      await this.flushBatch();
      // A record taken out again may have reached past the last one written after it.
      if (this.tookBack) await this.output.truncate!(this.position);
    } finally {
      await this.pool?.close();
    }
  }

  /** Stop without waiting for queued records (the run failed or was stopped): the compression threads end. */
  async close(): Promise<void> {
    await this.pool?.close();
  }

  private release(weight: number): void {
    this.inFlight--;
    this.inFlightBytes -= weight;
    this.waiters.shift()?.();
  }

  private hash(): ReturnType<typeof createHash> {
    return createHash(this.settings.algorithm);
  }

  /** A record made from another one's payload as it was: that record must have been written with those bytes. */
  private checkRequired(input: WarcRecordInput): void {
    if (!input.requires) return;
    const earlier = this.entries.get(input.requires.record)?.outcome;
    if (!earlier) throw new Error(`internal: ${input.head.recordId} requires a record not written before it`);
    checkRequired(input, 'record' in earlier ? earlier.record?.digests.payload : undefined);
  }

  /** The head as written: a revisit gets the payload digest of the record it revisits. */
  private async headOf(input: WarcRecordInput): Promise<RecordHead> {
    if (!input.revisitOf) return input.head;
    const earlier = this.entries.get(input.revisitOf);
    if (!earlier) throw new Error(`internal: ${input.head.recordId} revisits a record not written before it`);
    const revisited = await earlier.written;
    if (!revisited) throw new PayloadReadError(input.head.targetUri ?? input.head.recordId, 'left out: the record it revisits could not be read');
    const { payload } = revisited.digests;
    return { ...input.head, headers: [...input.head.headers, ['WARC-Payload-Digest', payload ?? '']] };
  }

  /**
   * Start preparing a queued record. The common case, a small file or buffer for the threads,
   * without a promise of its own (20,000 records, 20,000 promises less): the threads' answer is
   * put in `entry.ready`.
   */
  private prepare(entry: QueuedRecord): void {
    const { input, ticket } = entry;
    const { payload, head } = input;
    if (this.pool && !input.revisitOf && (payload.kind === 'buffer' || (payload.size <= this.threshold && payload.path !== undefined))) {
      let job: SmallJob;
      try {
        job = { headText: headPrefix(head, this.settings.version), payloadDigest: input.payloadDigest };
      } catch (error) {
        this.ready(entry, { error });
        return;
      }
      if (payload.kind === 'stream') job.file = { path: payload.path!, name: payload.name, size: payload.size };
      this.pool.prepare(job, payload.kind === 'buffer' ? payload.data : undefined, ticket, (error, bytes, digests) => this.ready(entry, error ? { error } : { prepared: { input, head, bytes: bytes!, digests: digests! } }));
      return;
    }
    entry.prepared = this.prepareAny(input, ticket);
    entry.prepared.catch(() => undefined); // surfaced in its turn
  }

  /** A small record's bytes (or failure) are here: the loop may be waiting for them. */
  private ready(entry: QueuedRecord, ready: NonNullable<QueuedRecord['ready']>): void {
    entry.ready = ready;
    if (this.waitingFor !== entry) return;
    this.waitingFor = undefined;
    this.wake?.();
  }

  private async prepareAny(input: WarcRecordInput, ticket: SmallTicket): Promise<Prepared> {
    const { payload } = input;
    if (payload.kind === 'buffer' || payload.size <= this.threshold) {
      const head = await this.headOf(input);
      if (this.pool) {
        // A file on disk is read by the thread; other sources are read here first.
        const file = payload.kind === 'stream' && payload.path !== undefined ? { path: payload.path, name: payload.name, size: payload.size } : undefined;
        const data = file ? undefined : payload.kind === 'buffer' ? payload.data : await this.limit(() => readPayload(payload, this.signal));
        const { bytes, digests } = await this.pool.prepared({ headText: headPrefix(head, this.settings.version), payloadDigest: input.payloadDigest, ...(file ? { file } : {}) }, data, ticket);
        return { input, head, digests, bytes };
      }
      const data = payload.kind === 'buffer' ? payload.data : (readSmallFile(payload) ?? (await this.limit(() => readPayload(payload, this.signal))));
      const digests = recordDigests(this.settings.algorithm, input.payloadDigest, this.hash().update(data).digest());
      const parts = plainRecordParts(headPrefix(head, this.settings.version), data, digests);
      if (!this.settings.gzip) return { input, head, digests, bytes: Buffer.concat(parts) };
      return { input, head, digests, bytes: gzipRecord(Buffer.concat(parts), parts[0].length, this.settings.gzipLevel) };
    }
    const head = await this.headOf(input);
    const level = this.settings.gzip && payload.path !== undefined ? await this.limit(() => this.levelFromSamples(payload, payload.path!)) : undefined;
    // A stream cannot be rewritten: its digests are known before its head is written.
    const digests = this.output.seekable ? undefined : await this.limit(() => this.hashPayload(input, payload));
    return { input, head, ...(digests ? { digests } : {}), ...(level !== undefined ? { level } : {}) };
  }

  private async hashPayload(input: WarcRecordInput, payload: StreamPayload): Promise<RecordDigests> {
    const hash = this.hash();
    for await (const chunk of payloadChunks(payload, this.signal)) hash.update(chunk);
    return recordDigests(this.settings.algorithm, input.payloadDigest, hash.digest());
  }

  /** The gzip level of a file payload, from samples at its start and middle (read ahead of the write). */
  private async levelFromSamples(payload: StreamPayload, path: string): Promise<number> {
    if (this.settings.gzipLevel !== 'auto') return this.settings.gzipLevel;
    try {
      const { handle: fh } = await openRegularFile(path, { shownAs: payload.name });
      try {
        const middle = Math.floor(payload.size / 2 / FILE_CHUNK) * FILE_CHUNK;
        const samples = await Promise.all([0, middle].map(async (position) => (await fh.read(Buffer.alloc(SAMPLE), 0, SAMPLE, position)).buffer));
        return chooseLevel('auto', middle === 0 ? samples.slice(0, 1) : samples);
      } finally {
        await fh.close();
      }
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      throw new PayloadReadError(payload.name, e.code === 'EACCES' ? 'cannot read (permission denied)' : `cannot read (${e.code ?? e.message})`, { cause: error });
    }
  }

  private async append(data: Buffer): Promise<void> {
    await this.flushBatch();
    await this.output.write(data, this.position);
    this.position += data.length;
  }

  /** Whether what was written since `offset` can be taken out again: nothing, or (on a file, which is cut at the end) anything. */
  private canTakeBack(offset: number): boolean {
    if (this.position === offset) return true;
    if (!this.output.truncate) return false;
    this.tookBack = true;
    return true;
  }

  private async appendSmall(data: Buffer): Promise<void> {
    this.toBatch(data);
    if (this.batchSize >= WRITE_BATCH) await this.flushBatch();
  }

  /** Bytes into the write batch (written with it; see flushBatch). */
  private toBatch(data: Buffer): void {
    if (this.batch.length === 0) this.batchStart = this.position;
    this.batch.push(data);
    this.batchSize += data.length;
    this.position += data.length;
  }

  private async flushBatch(): Promise<void> {
    if (this.batch.length === 0) return;
    const data = this.batch;
    this.batch = [];
    this.batchSize = 0;
    // At most IOV_MAX (1024) buffers per call.
    for (let i = 0, at = this.batchStart; i < data.length; i += 1024) {
      const part = data.slice(i, i + 1024);
      await this.output.writev(part, at);
      at += part.reduce((n, b) => n + b.length, 0);
      // In the file: the threads may answer in their buffers again (a stream may still hold what it was given).
      if (this.output.seekable) for (const bytes of part) this.pool?.release(bytes);
    }
  }

  private async commit(prepared: Prepared): Promise<WrittenRecord> {
    // Nothing more reaches the output once the run is stopped.
    this.signal?.throwIfAborted();
    const offset = this.position;
    let digests = prepared.digests;
    if (prepared.bytes) await this.appendSmall(prepared.bytes);
    else digests = await this.writeStreamed(prepared, prepared.input.payload as StreamPayload);
    return this.writtenRecord(prepared, offset, digests!);
  }

  /** A small record into the write batch, which it does not fill (no write is due). */
  private commitSmall(prepared: Prepared): WrittenRecord {
    this.signal?.throwIfAborted();
    const offset = this.position;
    this.toBatch(prepared.bytes!);
    return this.writtenRecord(prepared, offset, prepared.digests!);
  }

  private writtenRecord({ input, head }: Prepared, offset: number, digests: RecordDigests): WrittenRecord {
    const record: WrittenRecord = { recordId: head.recordId, type: head.type, date: head.date, offset, length: this.position - offset, digests, payloadLength: payloadSize(input.payload) };
    if (head.targetUri !== undefined) record.targetUri = head.targetUri;
    if (head.contentType !== undefined) record.contentType = head.contentType;
    return record;
  }

  /**
   * A streamed payload: the head (placeholder digests unless they are known), the payload hashed
   * as it is written (compressed in parallel blocks for gzip), then the head rewritten in place
   * (a file) or the digests compared with those known (a stream).
   */
  private async writeStreamed(prepared: Prepared, payload: StreamPayload): Promise<RecordDigests> {
    const { input, head, digests: known } = prepared;
    const { algorithm, version, gzip } = this.settings;
    const placeholder = known ?? recordDigests(algorithm, input.payloadDigest, Buffer.alloc(this.hash().digest().length));
    await this.flushBatch();
    const start = this.position;
    const first = serializeHead(head, version, payload.size, placeholder);
    await this.append(gzip ? Buffer.concat([GZIP_HEADER, storedBlocks(first)]) : first);
    const hash = this.hash();
    const tally: DeflateTally = { crc: 0, size: 0 };
    if (gzip) await this.writeDeflated(input, payload, prepared.level, hash, tally);
    else await this.writePlain(input, payload, hash);
    const digests = recordDigests(algorithm, input.payloadDigest, hash.digest());
    const finalHead = serializeHead(head, version, payload.size, digests);
    if (finalHead.length !== first.length) throw new Error('internal: digest length changed between placeholder and final head');
    if (known) {
      if (!finalHead.equals(first)) throw new PayloadReadError(payload.name, 'changed while being read: its bytes differ from those hashed a moment before (the output stream is incomplete)');
    } else await this.output.write(gzip ? storedBlocks(finalHead) : finalHead, gzip ? start + GZIP_HEADER.length : start);
    if (gzip) await this.append(gzipTrailer(crc32Combine(crc32(finalHead), tally.crc, tally.size), finalHead.length + tally.size));
    return digests;
  }

  /** Plain payload: reads ahead, three writes in flight, hashed on this thread meanwhile. */
  private async writePlain(input: WarcRecordInput, payload: StreamPayload, hash: ReturnType<typeof createHash>): Promise<void> {
    const pending: Array<Promise<void>> = [];
    // A chunk written to the file and hashed is read into again (a stream may still hold what it was given).
    const pool = this.output.seekable ? new ChunkPool() : undefined;
    let done = 0;
    try {
      for await (const chunk of payloadChunks(payload, this.signal, pool)) {
        const write = this.output.write(chunk, this.position).then(() => pool?.give(chunk));
        write.catch(() => undefined);
        pending.push(write);
        this.position += chunk.length;
        hash.update(chunk); // on this thread, while the write runs in the pool
        done += chunk.length;
        this.options.onPayloadBytes?.(input, done);
        if (pending.length >= 3) await pending.shift();
      }
    } finally {
      await Promise.allSettled(pending);
    }
    await Promise.all(pending);
    await this.append(RECORD_TRAILER);
  }

  /** gzip payload: hashed as it goes to the parallel compressor; `tally` gets the CRC and length of what was compressed. */
  private async writeDeflated(input: WarcRecordInput, payload: StreamPayload, level: number | undefined, hash: ReturnType<typeof createHash>, tally: DeflateTally): Promise<void> {
    const source = payloadChunks(payload, this.signal);
    let chosen = level;
    let firstChunk: Buffer | undefined;
    if (chosen === undefined) {
      // A stream (ZIP member) is judged on its first chunk, the only one seen before compressing.
      const first = await source.next();
      firstChunk = first.done ? undefined : first.value;
      chosen = chooseLevel(this.settings.gzipLevel, firstChunk ? [firstChunk] : []);
    }
    const report = this.options.onPayloadBytes;
    async function* hashed(): AsyncGenerator<Buffer> {
      let done = 0;
      const pass = (chunk: Buffer): Buffer => {
        hash.update(chunk); // on this thread, while blocks compress in the pool
        done += chunk.length;
        report?.(input, done);
        return chunk;
      };
      if (firstChunk) yield pass(firstChunk);
      for await (const chunk of source) yield pass(chunk);
      yield RECORD_TRAILER;
    }
    for await (const part of deflateBlocks(hashed(), chosen, tally)) await this.append(part);
  }
}
