/**
 * @internal A thread preparing small records (see small-records.ts): read, hash, head, and the
 * gzip member, answered as one transferred buffer per batch. Files are read into one scratch
 * buffer and records built in another, so a batch allocates little besides its answer (20,000
 * records allocating four buffers each kept the collector busier than the compression).
 */
import { createHash } from 'node:crypto';
import { closeSync, constants, openSync, readSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { gzipSync } from 'node:zlib';
import { type EncodeSettings, looksIncompressible, recordDigests, storedMember } from './encode.js';
import { PayloadReadError, readSmallFile } from './payload.js';
import { completeHead, RECORD_TRAILER, type RecordDigests } from './records.js';
import { batchJobs, CLOSE_MESSAGE, type SmallBatch, type SmallJob, type SmallReply } from './small-records.js';

const settings = workerData as EncodeSettings;
let scratch: Buffer = Buffer.allocUnsafeSlow(1024 * 1024 + 1);
let record: Buffer = Buffer.allocUnsafeSlow(1024 * 1024 + 64 * 1024);

function fit(buffer: Buffer, size: number): Buffer {
  return buffer.length >= size ? buffer : Buffer.allocUnsafeSlow(Math.max(size, buffer.length * 2));
}

/**
 * The file's bytes, read into the scratch buffer when it is still the regular file of that size
 * it was; anything unusual (gone, grown, a FIFO or device put in its place) is read again the
 * careful way, which says what is wrong.
 */
function readFile(file: NonNullable<SmallJob['file']>): Buffer {
  scratch = fit(scratch, file.size + 1);
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
function encode(job: SmallJob, data: Buffer): { bytes: Buffer; digests: RecordDigests } {
  const digests = recordDigests(settings.algorithm, job.payloadDigest, createHash(settings.algorithm).update(data).digest());
  const head = completeHead(job.headText, data.length, digests);
  record = fit(record, head.length + data.length + RECORD_TRAILER.length);
  let at = head.copy(record, 0);
  at += data.copy(record, at);
  at += RECORD_TRAILER.copy(record, at);
  const plain = record.subarray(0, at);
  if (!settings.gzip) return { bytes: plain, digests };
  const level = settings.gzipLevel;
  if (level === 0 || (level === 'auto' && looksIncompressible(data))) return { bytes: storedMember(plain), digests };
  // A window no larger than the record (same bytes out: no match reaches further back) is quicker to set up.
  const packed = gzipSync(plain, { level: level === 'auto' ? 6 : level, windowBits: Math.max(9, Math.min(15, Math.ceil(Math.log2(plain.length + 262)))) });
  return { bytes: level === 'auto' && packed.length >= plain.length * 0.97 ? storedMember(plain) : packed, digests };
}

/** The answer's buffer, grown as records are added; transferred when done. */
class Answer {
  private buffer: Buffer;
  length = 0;
  readonly ends: number[] = [];
  constructor(estimate: number) {
    this.buffer = Buffer.allocUnsafeSlow(Math.max(estimate, 64 * 1024));
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
  arrayBuffer(): ArrayBuffer {
    // Only what is used crosses over: a fresh buffer of exactly that length.
    const out = Buffer.allocUnsafeSlow(this.length);
    this.buffer.copy(out, 0, 0, this.length);
    return out.buffer as ArrayBuffer;
  }
}

parentPort!.on('message', (batch: SmallBatch | typeof CLOSE_MESSAGE) => {
  if (batch === CLOSE_MESSAGE) {
    parentPort!.close(); // nothing else keeps the thread alive: it ends here
    return;
  }
  const input = Buffer.from(batch.buffer);
  const jobs = batchJobs(batch);
  const estimate = jobs.reduce((n, job) => n + (job.file?.size ?? 0), input.length) + jobs.length * 512;
  const answer = new Answer(estimate);
  const digests: string[] = [];
  const errors: SmallReply['errors'] = [];
  let dataStart = 0;
  for (const job of jobs) {
    try {
      let data: Buffer;
      if (job.file) data = readFile(job.file);
      else {
        data = input.subarray(dataStart, job.dataEnd);
        dataStart = job.dataEnd!;
      }
      const { bytes, digests: d } = encode(job, data);
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
  const ends = Float64Array.from(answer.ends);
  const reply: SmallReply = { id: batch.id, buffer: answer.arrayBuffer(), ends, digests: digests.join('\n'), errors };
  parentPort!.postMessage(reply, [reply.buffer, ends.buffer]);
});
