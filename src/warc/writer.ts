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

function isFileHandle(target: FileHandle | Writable): target is FileHandle {
  return typeof (target as FileHandle).readFile === 'function' && typeof (target as FileHandle).fd === 'number';
}

/** A new WARC-Record-ID: `<urn:uuid:…>` (random UUID). */
export function newRecordId(): string {
  return `<urn:uuid:${randomUUID()}>`;
}

/**
 * Records (small ones by their size, streamed ones as 1 MiB) prepared but not yet written: enough
 * to keep the threads busy (16 batches); more only made the heap, and its collections, larger.
 */
const WINDOW_BYTES = 4 * 1024 * 1024;
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
  /** Records as they are written, for revisits that take their payload digest (released with the input). */
  private readonly written = new WeakMap<WarcRecordInput, Promise<WrittenRecord | undefined>>();
  private tail: Promise<void> = Promise.resolve();
  private inFlight = 0;
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
  }

  /** Bytes written so far (the next record's offset). */
  get offset(): number {
    return this.position;
  }

  /**
   * Queue a record. Resolves once there is room in the queue; `written` settles when the record
   * is in the output. Records are written in the order added.
   */
  async add(input: WarcRecordInput): Promise<{ written: Promise<WrittenRecord | undefined> }> {
    const weight = Math.min(payloadSize(input.payload), this.threshold);
    for (;;) {
      if (this.failure) throw this.failure;
      if (this.hasRoom(weight)) return this.enqueue(input, weight);
      this.pool?.send();
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /**
   * @internal {@link add} without waiting: the record is queued if there is room now, else
   * nothing is done and undefined returned (then `add` waits for room). One promise fewer per
   * record for callers that queue thousands.
   */
  addNow(input: WarcRecordInput): { written: Promise<WrittenRecord | undefined> } | undefined {
    if (this.failure) throw this.failure;
    const weight = Math.min(payloadSize(input.payload), this.threshold);
    return this.hasRoom(weight) ? this.enqueue(input, weight) : undefined;
  }

  private hasRoom(weight: number): boolean {
    return this.inFlight === 0 || (this.inFlight < WINDOW_RECORDS && this.inFlightBytes + weight <= WINDOW_BYTES);
  }

  private enqueue(input: WarcRecordInput, weight: number): { written: Promise<WrittenRecord | undefined> } {
    this.inFlight++;
    this.inFlightBytes += weight;
    const ticket: SmallTicket = { wanted: false, gathered: false };
    const prepared = this.prepare(input, ticket);
    prepared.catch(() => undefined);
    const written = this.tail.then(async (): Promise<WrittenRecord | undefined> => {
      if (this.failure) throw this.failure;
      this.pool?.want(ticket); // its batch may still be gathering
      const offset = this.position;
      try {
        return await this.commit(await prepared);
      } catch (error) {
        // Unreadable before its record was begun, or (on a file) while it was streamed in: left out, what was written of it taken out again.
        if (error instanceof PayloadReadError && this.canTakeBack(offset) && this.options.onUnreadable?.(input, error)) {
          this.position = offset;
          return undefined;
        }
        throw error;
      }
    });
    this.written.set(input, written);
    this.tail = written.then(
      (record) => {
        this.release(weight);
        if (record) this.options.onRecord?.(record, input);
      },
      (error: unknown) => {
        this.failure ??= error;
        this.release(weight);
      },
    );
    written.catch(() => undefined);
    return { written };
  }

  /** Wait for every queued record and write what is gathered; rethrows the first failure. Stops the compression threads. */
  async flush(): Promise<void> {
    this.pool?.send();
    try {
      await this.tail;
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

  /** The head as written: a revisit gets the payload digest of the record it revisits. */
  private async headOf(input: WarcRecordInput): Promise<RecordHead> {
    if (!input.revisitOf) return input.head;
    const earlier = this.written.get(input.revisitOf);
    if (!earlier) throw new Error(`internal: ${input.head.recordId} revisits a record not written before it`);
    const revisited = await earlier;
    if (!revisited) throw new PayloadReadError(input.head.targetUri ?? input.head.recordId, 'left out: the record it revisits could not be read');
    const { payload } = revisited.digests;
    return { ...input.head, headers: [...input.head.headers, ['WARC-Payload-Digest', payload ?? '']] };
  }

  private prepare(input: WarcRecordInput, ticket: SmallTicket): Promise<Prepared> {
    const { payload } = input;
    // The common case, a small file or buffer for the threads, without an async step of its own (20,000 records, 20,000 frames less).
    if (this.pool && !input.revisitOf && (payload.kind === 'buffer' || (payload.size <= this.threshold && payload.path !== undefined))) {
      const { head } = input;
      let job: SmallJob;
      try {
        job = { headText: headPrefix(head, this.settings.version), payloadDigest: input.payloadDigest };
      } catch (error) {
        return Promise.reject(error);
      }
      if (payload.kind === 'stream') job.file = { path: payload.path!, name: payload.name, size: payload.size };
      return this.pool.prepare(job, payload.kind === 'buffer' ? payload.data : undefined, ticket).then(({ bytes, digests }) => ({ input, head, digests, bytes }));
    }
    return this.prepareAny(input, ticket);
  }

  private async prepareAny(input: WarcRecordInput, ticket: SmallTicket): Promise<Prepared> {
    const { payload } = input;
    if (payload.kind === 'buffer' || payload.size <= this.threshold) {
      const head = await this.headOf(input);
      if (this.pool) {
        // A file on disk is read by the thread; other sources are read here first.
        const file = payload.kind === 'stream' && payload.path !== undefined ? { path: payload.path, name: payload.name, size: payload.size } : undefined;
        const data = file ? undefined : payload.kind === 'buffer' ? payload.data : await this.limit(() => readPayload(payload, this.signal));
        const { bytes, digests } = await this.pool.prepare({ headText: headPrefix(head, this.settings.version), payloadDigest: input.payloadDigest, ...(file ? { file } : {}) }, data, ticket);
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
    if (this.batch.length === 0) this.batchStart = this.position;
    this.batch.push(data);
    this.batchSize += data.length;
    this.position += data.length;
    if (this.batchSize >= WRITE_BATCH) await this.flushBatch();
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
    }
  }

  private async commit(prepared: Prepared): Promise<WrittenRecord> {
    const { input, head } = prepared;
    // Nothing more reaches the output once the run is stopped.
    this.signal?.throwIfAborted();
    const offset = this.position;
    let digests = prepared.digests;
    if (prepared.bytes) await this.appendSmall(prepared.bytes);
    else digests = await this.writeStreamed(prepared, input.payload as StreamPayload);
    const record: WrittenRecord = { recordId: head.recordId, type: head.type, date: head.date, offset, length: this.position - offset, digests: digests!, payloadLength: payloadSize(input.payload) };
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
