/**
 * Reading every record of a WARC in file order with warcio.js, robustly: warcio.js stops
 * quietly at a damaged gzip member (and Python's `warcio check` passes a file whose last member
 * is cut off), so where the parser stops is compared with the end of the file. A damaged
 * stretch (a corrupt gzip member, a cut record) is reported with its file and offset, and
 * reading goes on at the next record that can be read. Shared by the replay index and
 * `warckit-verify`.
 */
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { WARCParser, type WARCRecord } from 'warcio';
import { inflatePrefix } from '../replay/file-kind.js';

/** Something in a WARC that could not be read. */
export interface ScanProblem {
  file: string;
  offset: number;
  problem: string;
}

/** A record read to its end, with where it is. */
export interface ScannedWarcRecord<T> {
  record: WARCRecord;
  offset: number;
  length: number;
  /** What `read` made of its block. */
  value: T;
}

/** Reads a record's block to its end (or as far as the file goes); `complete` false when the file ends first. */
export type BlockReader<T> = (record: WARCRecord) => Promise<{ complete: boolean; value: T }>;

const GZIP_MEMBER = Buffer.from([0x1f, 0x8b, 0x08]);
const WARC_LINE = Buffer.from('WARC/1.');

/** True if a gzip member that holds the start of a WARC record begins at `offset` (not just bytes that look like one). */
async function startsWarcMember(handle: Awaited<ReturnType<typeof open>>, offset: number): Promise<boolean> {
  const head = Buffer.alloc(16 * 1024);
  const { bytesRead } = await handle.read(head, 0, head.length, offset);
  return (await inflatePrefix(head.subarray(0, bytesRead))).subarray(0, 5).toString('latin1') === 'WARC/';
}

/** The offset of the next place a record may start after `from`, or undefined at the end of the file. */
async function nextRecordStart(path: string, from: number, gzip: boolean): Promise<number | undefined> {
  const needle = gzip ? GZIP_MEMBER : WARC_LINE;
  const handle = await open(path, 'r');
  try {
    const size = (await handle.stat()).size;
    const buffer = Buffer.alloc(1024 * 1024 + needle.length);
    for (let at = from; at < size; at += buffer.length - needle.length) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, at);
      const chunk = buffer.subarray(0, bytesRead);
      for (let i = chunk.indexOf(needle); i >= 0; i = chunk.indexOf(needle, i + 1)) {
        if (gzip ? await startsWarcMember(handle, at + i) : at + i === 0 || chunk[i - 1] === 0x0a) return at + i;
      }
    }
    return undefined;
  } finally {
    await handle.close();
  }
}

/** True if nothing but CR/LF lies between `from` and the end of the file (a plain WARC's last record ends with CRLFCRLF). */
async function onlyLineEndsFrom(path: string, from: number, size: number): Promise<boolean> {
  if (from >= size) return true;
  if (size - from > 8) return false;
  const handle = await open(path, 'r');
  try {
    const tail = Buffer.alloc(size - from);
    await handle.read(tail, 0, tail.length, from);
    return tail.every((b) => b === 0x0d || b === 0x0a);
  } finally {
    await handle.close();
  }
}

/**
 * Every record of one WARC (`gzip`: a `.warc.gz` of one member per record, or any gzip WARC),
 * in file order, each read by `read`. Problems are pushed to `problems` as they are met: a
 * record the file ends inside, damaged data, and data after the last record that can be read.
 */
export async function* walkWarcRecords<T>(path: string, gzip: boolean, problems: ScanProblem[], read: BlockReader<T>): AsyncGenerator<ScannedWarcRecord<T>> {
  const size = (await stat(path)).size;
  let base = 0;
  for (;;) {
    const parser = new WARCParser(createReadStream(path, { start: base, highWaterMark: 1024 * 1024 }), { parseHttp: false });
    // Where the last complete record ended: warcio.js ends quietly at a damaged gzip member, so reaching the end of the file is checked here.
    let end = base;
    let failedAt: number | undefined;
    try {
      for await (const record of parser) {
        const { complete, value } = await read(record);
        const offset = base + parser.offset;
        if (!complete) {
          problems.push({ file: path, offset, problem: `${record.warcType ?? 'a'} record ${record.warcTargetURI ?? ''} is cut off (the file ends inside it)` });
          return;
        }
        end = offset + parser.recordLength;
        yield { record, offset, length: parser.recordLength, value };
      }
    } catch (error) {
      failedAt = base + parser.offset;
      problems.push({ file: path, offset: failedAt, problem: `cannot read a record here (${(error as Error).message})` });
    }
    if (failedAt === undefined) {
      if (await onlyLineEndsFrom(path, end, size)) return;
      failedAt = end;
      problems.push({ file: path, offset: end, problem: 'cannot read a record here (damaged data; reading on from the next record that can be read)' });
    }
    const next = await nextRecordStart(path, failedAt + 1, gzip);
    if (next === undefined) return;
    base = next;
  }
}
