/**
 * Before appending: does the existing WARC end with a complete record, in the compression the
 * new records will use? Only the end is read: the file is scanned backwards for the start of
 * its last record (a `WARC/1.` header after CRLFCRLF; for .warc.gz, a gzip member, since each
 * record is one member), and just that record is checked (inflated, for gzip) up to the end. A
 * last member holding several records (a WARC gzipped whole) is refused: readers that seek to a
 * record's offset (warcio, pywb, wabac.js) cannot read such a file, nor what follows it.
 */
import { once } from 'node:events';
import type { FileHandle } from 'node:fs/promises';
import { createInflateRaw, crc32 } from 'node:zlib';
import { readAt } from '../util/read-at.js';
import { gzipHeaderLength } from './gzip-members.js';
import { parseHeadLength, WarcFormatError, WarcRecordWalker } from './record-walker.js';

/** The existing WARC cannot be appended to: names the file and the offset of the problem. */
export class WarcTailError extends Error {
  override name = 'WarcTailError';
  constructor(
    readonly path: string,
    readonly offset: number | undefined,
    message: string,
  ) {
    super(`cannot append to ${path}: ${message}; nothing was added`);
  }
}

const WINDOW = 4 * 1024 * 1024;
const WARC_MAGIC = Buffer.from('WARC/1.');
const GZIP_MAGIC = Buffer.from([0x1f, 0x8b, 0x08]);
const CRLF2 = Buffer.from('\r\n\r\n');

/** Offsets where `magic` starts, from the end of the file backwards, read in windows. */
async function* backwards(handle: FileHandle, size: number, magic: Buffer): AsyncGenerator<number> {
  let end = size;
  while (end > 0) {
    const start = Math.max(0, end - WINDOW);
    const window = await readAt(handle, start, Math.min(size, end + magic.length - 1) - start);
    let at = window.length;
    while (at > 0) {
      const found = window.lastIndexOf(magic, at - 1);
      if (found < 0) break;
      if (start + found < end) yield start + found;
      at = found;
    }
    end = start;
  }
}

interface Verdict {
  /** The record(s) from this offset reach the end of the file exactly: all is well. */
  complete: boolean;
  /** It looks like the start of a record but the file ends before it does. */
  cut?: boolean;
  /** It is a complete record or member, ending here, before the end of the file. */
  endsAt?: number;
  reason?: string;
  /** A complete gzip member to the end holding this many records (a WARC gzipped whole). */
  records?: number;
}

async function checkPlainCandidate(handle: FileHandle, size: number, offset: number): Promise<Verdict> {
  if (offset > 0 && !(await readAt(handle, offset - 4, 4)).equals(CRLF2)) return { complete: false };
  let headBytes = await readAt(handle, offset, 64 * 1024);
  let end = headBytes.indexOf(CRLF2);
  if (end < 0 && headBytes.length === 64 * 1024) {
    headBytes = await readAt(handle, offset, 1024 * 1024);
    end = headBytes.indexOf(CRLF2);
  }
  if (end < 0) return headBytes.length < 64 * 1024 ? { complete: false, cut: true, reason: 'its header is cut off' } : { complete: false };
  let length: number;
  try {
    length = parseHeadLength(headBytes.subarray(0, end + 4));
  } catch {
    return { complete: false };
  }
  const recordEnd = offset + end + 4 + length + 4;
  if (recordEnd > size) return { complete: false, cut: true, reason: `its Content-Length needs ${recordEnd} bytes, the file has ${size}` };
  if (!(await readAt(handle, recordEnd - 4, 4)).equals(CRLF2)) return { complete: false };
  return recordEnd === size ? { complete: true } : { complete: false, endsAt: recordEnd };
}

/** Length of the gzip header at the start of `bytes`, or undefined if it is not one (reserved flags set count as none). */
function memberHeaderLength(bytes: Buffer): number | undefined {
  const length = gzipHeaderLength(bytes);
  return typeof length === 'number' && !(bytes[3]! & 0xe0) ? length : undefined;
}

/**
 * Inflate the gzip member at `offset`, checking that it holds whole WARC records. It is
 * complete when its deflate data ends exactly where the file's last 8 bytes (the trailer) start
 * and the trailer's CRC and size match.
 */
async function checkGzipCandidate(handle: FileHandle, size: number, offset: number): Promise<Verdict> {
  const headerLength = memberHeaderLength(await readAt(handle, offset, 64 * 1024));
  if (headerLength === undefined) return { complete: false };
  const dataStart = offset + headerLength;
  const inflate = createInflateRaw();
  const walker = new WarcRecordWalker();
  let crc = 0;
  let total = 0;
  let contentError: unknown;
  inflate.on('data', (chunk: Buffer) => {
    if (contentError) return;
    crc = crc32(chunk, crc);
    total += chunk.length;
    try {
      walker.push(chunk);
    } catch (error) {
      contentError = error;
      inflate.destroy();
    }
  });
  const finished = new Promise<'end' | Error | 'closed'>((resolve) => {
    inflate.on('end', () => resolve('end'));
    inflate.on('error', (error) => resolve(error));
    inflate.on('close', () => resolve('closed'));
  });
  let settled: 'end' | Error | 'closed' | undefined;
  void finished.then((value) => (settled = value));
  // The deflate data may end before the file does (then it is a complete member followed by more), so feed up to the end.
  for (let position = dataStart; position < size && settled === undefined; ) {
    const chunk = await readAt(handle, position, Math.min(1024 * 1024, size - position));
    position += chunk.length;
    if (!inflate.write(chunk)) await Promise.race([once(inflate, 'drain'), finished]);
  }
  if (settled === undefined) inflate.end();
  const outcome = await finished;
  if (contentError || walker.records === 0 && walker.offset < 7) return { complete: false };
  if (outcome !== 'end') {
    const unexpectedEnd = outcome instanceof Error && (outcome as NodeJS.ErrnoException).code === 'Z_BUF_ERROR';
    return unexpectedEnd ? { complete: false, cut: true, reason: 'its gzip member ends before its data does' } : { complete: false };
  }
  const memberEnd = dataStart + inflate.bytesWritten + 8;
  if (memberEnd > size) return { complete: false, cut: true, reason: 'its gzip trailer is missing' };
  const trailer = await readAt(handle, memberEnd - 8, 8);
  if (trailer.readUInt32LE(0) !== crc >>> 0 || trailer.readUInt32LE(4) !== total % 2 ** 32) return { complete: false, reason: 'its gzip CRC does not match its data' };
  try {
    walker.end();
  } catch (error) {
    return { complete: false, cut: true, reason: (error as WarcFormatError).message };
  }
  if (memberEnd !== size) return { complete: false, endsAt: memberEnd };
  return walker.records > 1 ? { complete: false, records: walker.records } : { complete: true };
}

/**
 * Throw {@link WarcTailError} unless the WARC at `path` (open as `handle`, `size` bytes) ends
 * with a complete record and uses the same compression (`gzip`) as the records to be appended.
 */
export async function checkWarcTail(handle: FileHandle, size: number, path: string, gzip: boolean): Promise<void> {
  if (size === 0) return;
  const start = await readAt(handle, 0, 8);
  const isGzip = start.subarray(0, 3).equals(GZIP_MAGIC);
  const isPlain = start.subarray(0, 7).equals(WARC_MAGIC);
  if (gzip && isPlain) throw new WarcTailError(path, 0, 'it holds an uncompressed WARC; appending gzip records would leave it unreadable (write a .warc with --no-gzip, or compress it first)');
  if (!gzip && isGzip) throw new WarcTailError(path, 0, 'it holds gzip-compressed data; appending uncompressed records would leave it unreadable (write a .warc.gz, without --no-gzip)');
  if (!isGzip && !isPlain) throw new WarcTailError(path, 0, `not a ${gzip ? 'gzip-compressed ' : ''}WARC file (it does not start with ${gzip ? 'a gzip member' : 'WARC/1.0 or WARC/1.1'})`);
  const check = gzip ? checkGzipCandidate : checkPlainCandidate;
  let cut: { offset: number; reason: string } | undefined;
  let lastComplete: number | undefined;
  for await (const offset of backwards(handle, size, gzip ? GZIP_MAGIC : WARC_MAGIC)) {
    const verdict = await check(handle, size, offset);
    if (verdict.complete) return;
    if (verdict.records !== undefined) {
      throw new WarcTailError(
        path,
        offset,
        `its gzip member at offset ${offset} holds ${verdict.records} records, not one: a WARC gzipped whole, which warcio, pywb and ReplayWeb.page cannot index, nor any record appended after it; recompress it first (warcio recompress ${path} <new.warc.gz>) or write a new WARC`,
      );
    }
    if (verdict.cut && !cut) cut = { offset, reason: verdict.reason ?? 'cut off' };
    if (verdict.endsAt !== undefined) lastComplete = Math.max(lastComplete ?? 0, verdict.endsAt);
  }
  if (cut && (lastComplete === undefined || lastComplete <= cut.offset)) {
    throw new WarcTailError(path, cut.offset, `its last record, at offset ${cut.offset}, is cut off (${cut.reason}); appending after it would hide the new records from every reader`);
  }
  if (lastComplete !== undefined) {
    throw new WarcTailError(path, lastComplete, `the ${size - lastComplete} bytes from offset ${lastComplete} to the end are not a complete WARC record (cut off or damaged)`);
  }
  throw new WarcTailError(path, undefined, `no complete ${gzip ? 'gzip-compressed ' : ''}WARC record found at its end`);
}
