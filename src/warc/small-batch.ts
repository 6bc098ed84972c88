/**
 * @internal One batch of small records made into bytes (see small-records.ts): read, hash,
 * head, and the gzip member, answered as one buffer. Run by the record threads, and by the
 * writer's own thread for the first few records of a run (starting a thread costs more than
 * they do). Files are read into one scratch buffer and records built in another, so a batch
 * allocates little besides its answer (20,000 records allocating four buffers each kept the
 * collector busier than the compression).
 */
import { createHash } from 'node:crypto';
import { closeSync, constants, openSync, readSync } from 'node:fs';
import { type EncodeSettings, gzipRecord, recordDigests } from './encode.js';
import { PayloadReadError, readSmallFile } from './payload.js';
import { completeHead, RECORD_TRAILER, type RecordDigests } from './records.js';

/** @internal Asks a record thread to end once its batch is answered. */
export const CLOSE_MESSAGE = 'close';

/** One record for the thread: a file it reads (`file`) or bytes in the batch buffer (up to `dataEnd`). */
export interface SmallJob {
  /** The head up to its digests (`headPrefix`): a string travels faster than a head object. */
  headText: string;
  payloadDigest: boolean;
  file?: { path: string; name: string; size: number };
  dataEnd?: number;
}

/**
 * A batch as it travels: a few strings and typed arrays rather than an object per record, which
 * the structured clone would copy one by one.
 */
export interface SmallBatch {
  id: number;
  /** The head texts, one after the other; `headEnds` says where each ends. */
  heads: string;
  headEnds: Uint32Array;
  /** Per record: 1 payload digest, 2 a file to read. */
  flags: Uint8Array;
  /** Files' paths and names, NUL-separated (one per file record), and sizes (one per record). */
  paths: string;
  names: string;
  sizes: Float64Array;
  /** In-memory payloads one after the other; `dataEnds` per record (files take none). */
  buffer: ArrayBuffer;
  dataEnds: Float64Array;
  /** A buffer an earlier answer came in, all of its records written: the answer goes in it if it fits. */
  spare?: ArrayBuffer;
}

/** A batch as it travels, from its records (`data`: a payload in memory; files are read by the thread). */
export function packBatch(id: number, items: ReadonlyArray<{ job: SmallJob; data?: Buffer }>, spare?: ArrayBuffer): SmallBatch {
  const size = items.reduce((n, item) => n + (item.data?.length ?? 0), 0);
  const buffer = Buffer.allocUnsafeSlow(size); // its own ArrayBuffer, so it can be transferred
  const heads: string[] = [];
  const headEnds = new Uint32Array(items.length);
  const flags = new Uint8Array(items.length);
  const paths: string[] = [];
  const names: string[] = [];
  const sizes = new Float64Array(items.length);
  const dataEnds = new Float64Array(items.length);
  let at = 0;
  let headAt = 0;
  for (const [i, { job, data }] of items.entries()) {
    heads.push(job.headText);
    headAt += job.headText.length;
    headEnds[i] = headAt;
    flags[i] = (job.payloadDigest ? 1 : 0) | (job.file ? 2 : 0);
    if (job.file) {
      paths.push(job.file.path);
      names.push(job.file.name);
      sizes[i] = job.file.size;
    }
    if (data) at += data.copy(buffer, at);
    dataEnds[i] = at;
  }
  const batch: SmallBatch = { id, heads: heads.join(''), headEnds, flags, paths: paths.join('\0'), names: names.join('\0'), sizes, buffer: buffer.buffer as ArrayBuffer, dataEnds };
  if (spare) batch.spare = spare;
  return batch;
}

/** What a batch's message transfers rather than copies: its buffer and typed arrays. */
export function batchTransfers(batch: SmallBatch): ArrayBuffer[] {
  const transfers = [batch.buffer, batch.headEnds.buffer, batch.flags.buffer, batch.sizes.buffer, batch.dataEnds.buffer] as ArrayBuffer[];
  if (batch.spare) transfers.push(batch.spare);
  return transfers;
}

/** The records of a batch, as the thread reads them ({@link packBatch} undone). */
export function batchJobs(batch: SmallBatch): SmallJob[] {
  const paths = batch.paths.split('\0');
  const names = batch.names.split('\0');
  const jobs: SmallJob[] = [];
  let head = 0;
  let file = 0;
  for (let i = 0; i < batch.flags.length; i++) {
    const flags = batch.flags[i]!;
    const job: SmallJob = { headText: batch.heads.slice(head, batch.headEnds[i]), payloadDigest: (flags & 1) !== 0 };
    head = batch.headEnds[i]!;
    if (flags & 2) {
      job.file = { path: paths[file]!, name: names[file]!, size: batch.sizes[i]! };
      file++;
    } else job.dataEnd = batch.dataEnds[i]!;
    jobs.push(job);
  }
  return jobs;
}

export type SmallResult = { digests: RecordDigests } | { error: { source?: string; detail?: string; message: string } };

/** A batch's answer as it travels: strings and typed arrays, as the batch (a clone of an object per record costs more than the record). */
export interface SmallReply {
  id: number;
  /** The records' bytes, one after the other from its start (it may be longer than they are: a spare, or room to grow). */
  buffer: ArrayBuffer;
  /** Where each record's bytes end in `buffer` (failed ones take none). */
  ends: Float64Array;
  /** Per record `payload digest TAB block digest` (either may be empty), one record a line; a failed record's line is empty. */
  digests: string;
  /** The records that failed, by their index in the batch. */
  errors: Array<{ index: number; source?: string; detail?: string; message: string }>;
}

/** The answer for each record of a batch, from its reply. */
export function replyResults(reply: SmallReply): SmallResult[] {
  const lines = reply.digests.split('\n');
  const results: SmallResult[] = lines.map((line) => {
    const tab = line.indexOf('\t');
    const digests: RecordDigests = {};
    if (tab > 0) digests.payload = line.slice(0, tab);
    if (line.length > tab + 1) digests.block = line.slice(tab + 1);
    return { digests };
  });
  for (const { index, ...error } of reply.errors) results[index] = { error };
  return results;
}

function fit(buffer: Buffer, size: number): Buffer {
  return buffer.length >= size ? buffer : Buffer.allocUnsafeSlow(Math.max(size, buffer.length * 2));
}

/** A new answer buffer has at least this much room. */
const ANSWER_MIN = 64 * 1024;

/** The size of a new answer buffer: a power of two, so that buffers of batches about as large can be used again (see `SmallBatch.spare`). */
function answerSize(estimate: number): number {
  return Math.max(ANSWER_MIN, 2 ** Math.ceil(Math.log2(estimate)));
}

/** The answer's buffer (the spare given, or a new one), grown as records are added; handed over whole when done. */
class Answer {
  private buffer: Buffer;
  length = 0;
  readonly ends: number[] = [];
  constructor(estimate: number, spare: ArrayBuffer | undefined) {
    this.buffer = spare && spare.byteLength >= estimate ? Buffer.from(spare) : Buffer.allocUnsafeSlow(answerSize(estimate));
  }
  add(bytes: Buffer): void {
    if (this.length + bytes.length > this.buffer.length) {
      const grown = Buffer.allocUnsafeSlow(Math.max(this.length + bytes.length, this.buffer.length * 2));
      this.buffer.copy(grown, 0, 0, this.length);
      this.buffer = grown;
    }
    this.length += bytes.copy(this.buffer, this.length);
    this.ends.push(this.length);
  }
  /** The buffer itself (its own ArrayBuffer: allocUnsafeSlow, or a spare), moved rather than copied. */
  arrayBuffer(): ArrayBuffer {
    return this.buffer.buffer as ArrayBuffer;
  }
}

/** Makes batches into records with the given settings, reusing its buffers from batch to batch. */
export class BatchEncoder {
  private scratch: Buffer = Buffer.alloc(0);
  private record: Buffer = Buffer.alloc(0);

  constructor(private readonly settings: EncodeSettings) {}

  /** The batch's records, one after the other, with each one's digests or error. */
  encode(batch: SmallBatch): SmallReply {
    const input = Buffer.from(batch.buffer);
    const jobs = batchJobs(batch);
    const estimate = jobs.reduce((n, job) => n + (job.file?.size ?? 0), input.length) + jobs.length * 512;
    const answer = new Answer(estimate, batch.spare);
    const digests: string[] = [];
    const errors: SmallReply['errors'] = [];
    let dataStart = 0;
    for (const job of jobs) {
      try {
        let data: Buffer;
        if (job.file) data = this.readFile(job.file);
        else {
          data = input.subarray(dataStart, job.dataEnd);
          dataStart = job.dataEnd!;
        }
        const { bytes, digests: d } = this.encodeRecord(job, data);
        answer.add(bytes);
        digests.push(`${d.payload ?? ''}\t${d.block ?? ''}`);
      } catch (error) {
        if (job.dataEnd !== undefined) dataStart = job.dataEnd;
        const e = error as Error;
        errors.push({ index: digests.length, ...(e instanceof PayloadReadError ? { source: e.source, detail: e.detail } : {}), message: e.message });
        digests.push('');
        answer.add(Buffer.alloc(0));
      }
    }
    return { id: batch.id, buffer: answer.arrayBuffer(), ends: Float64Array.from(answer.ends), digests: digests.join('\n'), errors };
  }

  /**
   * The file's bytes, read into the scratch buffer when it is still the regular file of that size
   * it was; anything unusual (gone, grown, a FIFO or device put in its place) is read again the
   * careful way, which says what is wrong.
   */
  private readFile(file: NonNullable<SmallJob['file']>): Buffer {
    this.scratch = fit(this.scratch, file.size + 1);
    const scratch = this.scratch;
    let fd: number | undefined;
    let length = 0;
    try {
      fd = openSync(file.path, constants.O_RDONLY | constants.O_NONBLOCK);
      for (;;) {
        const n = readSync(fd, scratch, length, Math.min(scratch.length, file.size + 1) - length, length);
        if (n === 0) break;
        length += n;
        if (length > file.size) break;
      }
    } catch {
      length = -1;
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
    if (length === file.size) return scratch.subarray(0, length);
    return readSmallFile({ kind: 'stream', size: file.size, name: file.name, path: file.path, open: () => Promise.reject(new Error('not used')) })!;
  }

  /** The record (head, block, trailer) built in the record buffer; the member when gzipping. */
  private encodeRecord(job: SmallJob, data: Buffer): { bytes: Buffer; digests: RecordDigests } {
    const { settings } = this;
    const digests = recordDigests(settings.algorithm, job.payloadDigest, createHash(settings.algorithm).update(data).digest());
    const head = completeHead(job.headText, data.length, digests);
    this.record = fit(this.record, head.length + data.length + RECORD_TRAILER.length);
    const record = this.record;
    let at = head.copy(record, 0);
    at += data.copy(record, at);
    at += RECORD_TRAILER.copy(record, at);
    const plain = record.subarray(0, at);
    return { bytes: settings.gzip ? gzipRecord(plain, head.length, settings.gzipLevel) : plain, digests };
  }
}
