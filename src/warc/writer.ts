/**
 * The streaming WARC writer. Records are prepared concurrently (hashing, compressing small
 * records in zlib's thread pool) and written strictly in the order they were added, through
 * one queue. File payloads are never copied into memory or a temp file:
 *  - `.warc`: one pass — a head with placeholder digests of the final length is written,
 *    the payload is streamed and hashed, then the head is rewritten in place;
 *  - `.warc.gz`: one pass as well — the head (placeholder digests) goes into the member as a
 *    stored deflate block, the payload is hashed as it is compressed in parallel blocks, then
 *    the head is rewritten in place and the member's CRC completed with crc32_combine.
 * Either way the digests written are those of the very bytes written: a file rewritten during
 * the run cannot give a record whose digest does not match its payload.
 */
import { createHash, randomUUID } from 'node:crypto';
import { crc32 } from 'node:zlib';
import type { FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import pLimit from 'p-limit';
import { openRegularFile, readRegularFileSync, RegularFileError } from '../util/regular-file.js';
import { type DigestAlgorithm, formatDigest } from './digest.js';
import { FILE_CHUNK, readFileChunks } from './file-chunks.js';
import { chooseLevel, crc32Combine, type DeflateTally, deflateBlocks, GZIP_HEADER, type GzipLevelSetting, gzipMember, gzipTrailer, storedBlocks } from './gzip.js';
import { RECORD_TRAILER, type RecordDigests, type RecordHead, serializeHead, type WarcVersion } from './records.js';

/** A payload held in memory (small files, JSON, warcinfo). */
export interface BufferPayload {
  kind: 'buffer';
  data: Buffer;
}

/** A payload read from a file (or ZIP entry) when needed, possibly twice (hash, then write). */
export interface StreamPayload {
  kind: 'stream';
  size: number;
  /** Names the source in errors. */
  name: string;
  /** A file on disk holding exactly the payload: read directly, in large chunks, reads ahead. */
  path?: string;
  open(): Promise<Readable> | Readable;
}

export type Payload = BufferPayload | StreamPayload;

export interface RecordInput {
  head: RecordHead;
  payload: Payload;
  /** resource/conversion records carry WARC-Payload-Digest (= block digest, as there is no HTTP head). */
  payloadDigest: boolean;
}

/** Where a record went and what it holds. */
export interface WrittenRecord {
  recordId: string;
  type: RecordHead['type'];
  targetUri?: string;
  date: Date;
  contentType?: string;
  offset: number;
  /** Bytes the record takes in the file (compressed size for .warc.gz). */
  length: number;
  digests: RecordDigests;
  payloadLength: number;
}

export interface WarcWriterOptions {
  gzip: boolean;
  gzipLevel?: GzipLevelSetting;
  version?: WarcVersion;
  digestAlgorithm?: DigestAlgorithm;
  /** Payloads up to this size are read once into memory; larger ones are streamed. Default 1 MiB. */
  memoryThreshold?: number;
  /** Records prepared ahead of the one being written. Default 8. */
  concurrency?: number;
  /** Stops reading payloads mid-file when aborted. */
  signal?: AbortSignal;
  /** The output's name, for error messages (e.g. its path). */
  name?: string;
}

/** Failure to read a payload: names the source. */
export class PayloadReadError extends Error {
  override name = 'PayloadReadError';
  constructor(
    readonly source: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${source}: ${message}`, options);
  }
}

/** Failure to write the WARC itself (disk full, I/O error): names the output. */
export class WarcWriteError extends Error {
  override name = 'WarcWriteError';
  constructor(
    readonly output: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${output}: ${message}`, options);
  }
}

function describeWrite(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  if (e.code === 'ENOSPC') return 'cannot write: no space left on device';
  if (e.code === 'EDQUOT') return 'cannot write: disk quota exceeded';
  if (e.code === 'EFBIG') return 'cannot write: file too large for this file system or limit';
  if (e.code === 'EIO') return 'cannot write: input/output error';
  if (e.code === 'EROFS') return 'cannot write: read-only file system';
  return `cannot write: ${e.code ?? e.message}`;
}

interface Prepared {
  input: RecordInput;
  digests?: RecordDigests;
  /** Complete serialized record (gzipped when gzip is on), for small records. */
  bytes?: Buffer;
  /** gzip level for a streamed payload; undefined: decide from its first chunk. */
  level?: number;
}

export function newRecordId(): string {
  return `<urn:uuid:${randomUUID()}>`;
}

async function readAll(payload: StreamPayload): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of chunks(payload)) parts.push(chunk);
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}

async function openPayload(payload: StreamPayload): Promise<Readable> {
  try {
    return await payload.open();
  } catch (error) {
    throw new PayloadReadError(payload.name, `cannot read: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * A small file read synchronously: for files under the memory threshold, one blocking
 * open/read/close costs less than the promise machinery around it (measured: 20,000 files
 * twice as fast), and compression of the records before it carries on in the thread pool.
 */
function readSmall(payload: StreamPayload): Buffer | undefined {
  if (payload.path === undefined) return undefined;
  let data: Buffer;
  try {
    // Bounded and only if still a regular file: it may have been swapped for a FIFO or a device since the walk.
    data = readRegularFileSync(payload.path, { maxBytes: payload.size + 1, shownAs: payload.name });
  } catch (error) {
    const e = error as NodeJS.ErrnoException & Partial<RegularFileError>;
    if (error instanceof RegularFileError && error.problem !== 'unreadable') throw new PayloadReadError(payload.name, error.message.replace(`${payload.name}: `, ''), { cause: error });
    throw new PayloadReadError(payload.name, e.code === 'EACCES' ? 'cannot read (permission denied)' : `cannot read (${e.code ?? e.message})`, { cause: error });
  }
  checkSize(payload, data.length);
  return data;
}

function checkSize(payload: StreamPayload, size: number): void {
  if (size !== payload.size) {
    throw new PayloadReadError(payload.name, `size changed while reading (expected ${payload.size} bytes, read ${size})`);
  }
}

/** Read a file payload in large chunks, surfacing read errors with the file's name. */
async function* chunks(payload: StreamPayload, signal?: AbortSignal): AsyncGenerator<Buffer> {
  if (payload.path !== undefined) {
    try {
      for await (const chunk of readFileChunks(payload.path, payload.size)) {
        signal?.throwIfAborted();
        yield chunk;
      }
    } catch (error) {
      if (signal?.aborted) throw error;
      const e = error as NodeJS.ErrnoException;
      const what = e.code === 'EACCES' ? 'cannot read (permission denied)' : e.code ? `cannot read (${e.code})` : e.message;
      throw new PayloadReadError(payload.name, what, { cause: error });
    }
    return;
  }
  const stream = await openPayload(payload);
  let size = 0;
  try {
    for await (const chunk of stream) {
      signal?.throwIfAborted();
      size += (chunk as Buffer).length;
      yield chunk as Buffer;
    }
  } catch (error) {
    if (error instanceof PayloadReadError || signal?.aborted) throw error;
    throw new PayloadReadError(payload.name, `read failed: ${(error as Error).message}`, { cause: error });
  } finally {
    stream.destroy();
  }
  checkSize(payload, size);
}

export class WarcWriter {
  readonly records: WrittenRecord[] = [];
  private position: number;
  private readonly gzip: boolean;
  private readonly gzipLevel: GzipLevelSetting;
  private readonly version: WarcVersion;
  private readonly algorithm: DigestAlgorithm;
  private readonly threshold: number;
  private readonly concurrency: number;
  private readonly signal: AbortSignal | undefined;
  private readonly name: string;
  private readonly limit: ReturnType<typeof pLimit>;
  private tail: Promise<void> = Promise.resolve();
  private inFlight = 0;
  private waiters: Array<() => void> = [];
  private failure: unknown;

  constructor(
    private readonly fh: FileHandle,
    startOffset: number,
    options: WarcWriterOptions,
  ) {
    this.position = startOffset;
    this.gzip = options.gzip;
    this.gzipLevel = options.gzipLevel ?? 'auto';
    this.version = options.version ?? '1.0';
    this.algorithm = options.digestAlgorithm ?? 'sha1';
    this.threshold = options.memoryThreshold ?? 1024 * 1024;
    this.concurrency = options.concurrency ?? 8;
    this.limit = pLimit(this.concurrency);
    this.signal = options.signal;
    this.name = options.name ?? 'the WARC';
  }

  /** Bytes written so far (the next record's offset). */
  get offset(): number {
    return this.position;
  }

  /**
   * Queue a record. Resolves once there is room in the queue; the returned promise `written`
   * settles when the record is in the file. Records are written in the order added.
   */
  async add(input: RecordInput | Promise<RecordInput>): Promise<{ written: Promise<WrittenRecord> }> {
    if (this.failure) throw this.failure;
    while (this.inFlight >= this.concurrency * 2) await new Promise<void>((resolve) => this.waiters.push(resolve));
    if (this.failure) throw this.failure;
    this.inFlight++;
    const prepared = this.limit(() => this.prepare(input));
    prepared.catch(() => undefined);
    const written = this.tail.then(async () => {
      if (this.failure) throw this.failure;
      return this.commit(await prepared);
    });
    this.tail = written.then(
      () => this.release(),
      (error: unknown) => {
        this.failure ??= error;
        this.release();
      },
    );
    written.catch(() => undefined);
    return { written };
  }

  /** Wait for every queued record; rethrows the first failure. */
  async flush(): Promise<void> {
    await this.tail;
    if (this.failure) throw this.failure;
    await this.flushBatch();
  }

  private release(): void {
    this.inFlight--;
    this.waiters.shift()?.();
  }

  private hash(): ReturnType<typeof createHash> {
    return createHash(this.algorithm);
  }

  private digestsOf(input: RecordInput, raw: Buffer): RecordDigests {
    const value = formatDigest(this.algorithm, raw);
    return input.payloadDigest ? { payload: value, block: value } : { block: value };
  }

  private async prepare(pending: RecordInput | Promise<RecordInput>): Promise<Prepared> {
    const input = await pending;
    const { payload } = input;
    if (payload.kind === 'buffer' || payload.size <= this.threshold) {
      const data = payload.kind === 'buffer' ? payload.data : readSmall(payload) ?? (await readAll(payload));
      const digests = this.digestsOf(input, this.hash().update(data).digest());
      const head = serializeHead(input.head, this.version, data.length, digests);
      const plain = Buffer.concat([head, data, RECORD_TRAILER]);
      if (!this.gzip) return { input, digests, bytes: plain, level: 0 };
      if (this.gzipLevel !== 'auto') return { input, digests, bytes: await gzipMember(plain, this.gzipLevel), level: this.gzipLevel };
      // auto, judged on the whole (small) payload: compress; store instead if that gained nothing.
      const packed = await gzipMember(plain, 6);
      if (packed.length < plain.length * 0.97) return { input, digests, bytes: packed, level: 6 };
      return { input, digests, bytes: await gzipMember(plain, 0), level: 0 };
    }
    if (!this.gzip) return { input, level: 0 }; // hashed while written, in commit
    return { input, ...(payload.path !== undefined ? { level: await this.levelFromSamples(payload, payload.path) } : {}) };
  }

  /** The gzip level of a file payload, from samples at its start and middle (read ahead of the write). */
  private async levelFromSamples(payload: StreamPayload, path: string): Promise<number> {
    if (this.gzipLevel !== 'auto') return this.gzipLevel;
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

  private async writeAt(data: Buffer, position: number): Promise<void> {
    let done = 0;
    try {
      while (done < data.length) {
        const { bytesWritten } = await this.fh.write(data, done, data.length - done, position + done);
        done += bytesWritten;
      }
    } catch (error) {
      throw new WarcWriteError(this.name, describeWrite(error), { cause: error });
    }
  }

  private async append(data: Buffer): Promise<void> {
    await this.flushBatch();
    await this.writeAt(data, this.position);
    this.position += data.length;
  }

  /** Small serialized records are gathered and written in ~1 MiB writes. */
  private batch: Buffer[] = [];
  private batchSize = 0;
  private batchStart = 0;

  private async appendSmall(data: Buffer): Promise<void> {
    if (this.batch.length === 0) this.batchStart = this.position;
    this.batch.push(data);
    this.batchSize += data.length;
    this.position += data.length;
    if (this.batchSize >= 1024 * 1024) await this.flushBatch();
  }

  private async flushBatch(): Promise<void> {
    if (this.batch.length === 0) return;
    const data = this.batch.length === 1 ? this.batch[0]! : Buffer.concat(this.batch, this.batchSize);
    this.batch = [];
    this.batchSize = 0;
    await this.writeAt(data, this.batchStart);
  }

  private async commit(prepared: Prepared): Promise<WrittenRecord> {
    const { input } = prepared;
    // Nothing more reaches the file once the run is stopped.
    this.signal?.throwIfAborted();
    const offset = this.position;
    let digests = prepared.digests;
    if (prepared.bytes) {
      await this.appendSmall(prepared.bytes);
    } else if (input.payload.kind === 'stream' && !this.gzip) {
      digests = await this.writePlainStream(input, input.payload);
    } else if (input.payload.kind === 'stream') {
      digests = await this.writeGzipStream(input, input.payload, prepared.level);
    }
    const record: WrittenRecord = {
      recordId: input.head.recordId,
      type: input.head.type,
      date: input.head.date,
      offset,
      length: this.position - offset,
      digests: digests!,
      payloadLength: input.payload.kind === 'buffer' ? input.payload.data.length : input.payload.size,
    };
    if (input.head.targetUri !== undefined) record.targetUri = input.head.targetUri;
    if (input.head.contentType !== undefined) record.contentType = input.head.contentType;
    this.records.push(record);
    return record;
  }

  /** One pass for uncompressed output: placeholder head, payload hashed as written, head rewritten. */
  private async writePlainStream(input: RecordInput, payload: StreamPayload): Promise<RecordDigests> {
    const placeholder = this.digestsOf(input, Buffer.alloc(this.hash().digest().length));
    await this.flushBatch();
    const headStart = this.position;
    const head = serializeHead(input.head, this.version, payload.size, placeholder);
    await this.append(head);
    const hash = this.hash();
    const pending: Array<Promise<void>> = [];
    try {
      for await (const chunk of chunks(payload, this.signal)) {
        const write = this.writeAt(chunk, this.position);
        write.catch(() => undefined);
        pending.push(write);
        this.position += chunk.length;
        hash.update(chunk); // on this thread, while the write runs in the pool
        if (pending.length >= 3) await pending.shift();
      }
    } finally {
      await Promise.allSettled(pending);
    }
    await Promise.all(pending);
    await this.append(RECORD_TRAILER);
    const digests = this.digestsOf(input, hash.digest());
    const finalHead = serializeHead(input.head, this.version, payload.size, digests);
    if (finalHead.length !== head.length) throw new Error('internal: digest length changed between placeholder and final head');
    await this.writeAt(finalHead, headStart);
    return digests;
  }

  /**
   * One pass for a gzip member: gzip header, the head as stored blocks (placeholder digests),
   * the payload hashed as it goes to the parallel compressor, then the head rewritten in place
   * and the trailer's CRC made from the final head's CRC and the rest's.
   */
  private async writeGzipStream(input: RecordInput, payload: StreamPayload, level: number | undefined): Promise<RecordDigests> {
    const placeholder = this.digestsOf(input, Buffer.alloc(this.hash().digest().length));
    await this.flushBatch();
    const memberStart = this.position;
    const head = serializeHead(input.head, this.version, payload.size, placeholder);
    await this.append(Buffer.concat([GZIP_HEADER, storedBlocks(head)]));
    const hash = this.hash();
    const signal = this.signal;
    const source = chunks(payload, signal);
    let chosen = level;
    let firstChunk: Buffer | undefined;
    if (chosen === undefined) {
      // A stream (ZIP member) is judged on its first chunk, the only one seen before compressing.
      const first = await source.next();
      firstChunk = first.done ? undefined : first.value;
      chosen = chooseLevel(this.gzipLevel, firstChunk ? [firstChunk] : []);
      if (firstChunk) hash.update(firstChunk);
    }
    async function* hashed(): AsyncGenerator<Buffer> {
      if (firstChunk) yield firstChunk;
      for await (const chunk of source) {
        hash.update(chunk); // on this thread, while blocks compress in the pool
        yield chunk;
      }
      yield RECORD_TRAILER;
    }
    const tally: DeflateTally = { crc: 0, size: 0 };
    for await (const part of deflateBlocks(hashed(), chosen, tally)) await this.append(part);
    const digests = this.digestsOf(input, hash.digest());
    const finalHead = serializeHead(input.head, this.version, payload.size, digests);
    if (finalHead.length !== head.length) throw new Error('internal: digest length changed between placeholder and final head');
    await this.writeAt(storedBlocks(finalHead), memberStart + GZIP_HEADER.length);
    await this.append(gzipTrailer(crc32Combine(crc32(finalHead), tally.crc, tally.size), finalHead.length + tally.size));
    return digests;
  }
}

const SAMPLE = 64 * 1024;
