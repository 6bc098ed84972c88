/**
 * Find the transclusion metadata records in a WARC, with their offsets. Other records (media
 * of any size) stream by unread. A damaged stretch (a corrupt gzip member, a cut record) is
 * reported with its file and offset, and the scan goes on at the next record that can be read.
 */
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { WARCParser, type WARCRecord } from 'warcio';
import { timestamp14 } from '../util/timestamps.js';
import { inflatePrefix } from './file-kind.js';
import { isTransclusionRecord } from './records.js';

/** A metadata record found in a WARC. */
export interface MetadataEntry {
  /** WARC-Target-URI. */
  uri: string;
  /** WARC-Date as 14 digits. */
  timestamp: string;
  /** WARC-Creation-Date as 14 digits, when present. */
  created?: string;
  mime?: string;
  digest?: string;
  /** The WARC file, as it was given. */
  filename: string;
  offset: number;
  length: number;
}

/** Something in a WARC that could not be read. */
export interface ScanProblem {
  file: string;
  offset: number;
  problem: string;
}

export interface ScannedRecord {
  entry: MetadataEntry;
  body: string;
}

function digits14(date: string | null | undefined): string | undefined {
  if (!date) return undefined;
  const parsed = new Date(date);
  return Number.isNaN(parsed.getTime()) ? undefined : timestamp14(parsed);
}

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

/** Transclusion metadata is a few KB; a larger "metadata" record is not read into memory. */
export const MAX_METADATA_BYTES = 16 * 1024 * 1024;

/** Read a record's block to its end; false when the file ends first. */
async function consume(record: WARCRecord, wanted: boolean): Promise<{ complete: boolean; body?: string }> {
  const declared = Number(record.warcHeader('Content-Length') ?? NaN);
  if (wanted && !(declared > MAX_METADATA_BYTES)) {
    const block = await record.readFully(false);
    return { complete: Number.isNaN(declared) || block.length >= declared, body: Buffer.from(block).toString('utf8') };
  }
  const skipped = (await record.skipFully()) ?? 0;
  return { complete: Number.isNaN(declared) || skipped >= declared };
}

/**
 * Every transclusion metadata record of one WARC (`kind` from `sniffReplayFile`), in file order.
 * Problems are pushed to `problems` as they are met.
 */
export async function* scanMetadataRecords(path: string, kind: 'warc' | 'warc.gz', problems: ScanProblem[]): AsyncGenerator<ScannedRecord> {
  const gzip = kind === 'warc.gz';
  const size = (await stat(path)).size;
  let base = 0;
  for (;;) {
    const parser = new WARCParser(createReadStream(path, { start: base, highWaterMark: 1024 * 1024 }), { parseHttp: false });
    // Where the last complete record ended: warcio.js ends quietly at a damaged gzip member, so reaching the end of the file is checked here.
    let end = base;
    let failedAt: number | undefined;
    try {
      for await (const record of parser) {
        const uri = record.warcTargetURI ?? undefined;
        const type = record.warcType;
        const wanted = (type === 'resource' || type === 'metadata') && isTransclusionRecord(uri, record.warcContentType ?? undefined);
        const { complete, body } = await consume(record, wanted);
        const offset = base + parser.offset;
        if (!complete) {
          problems.push({ file: path, offset, problem: `${type} record ${uri ?? ''} is cut off (the file ends inside it)` });
          return;
        }
        end = offset + parser.recordLength;
        if (!wanted) continue;
        if (body === undefined) {
          problems.push({ file: path, offset, problem: `metadata record ${uri ?? ''} is larger than ${MAX_METADATA_BYTES / 1048576} MiB: not read` });
          continue;
        }
        const entry = metadataEntry(record, path, offset, parser.recordLength);
        if (typeof entry === 'string') problems.push({ file: path, offset, problem: entry });
        else yield { entry, body };
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

/** The index entry of a metadata record, or what is wrong with its headers. */
function metadataEntry(record: WARCRecord, path: string, offset: number, length: number): MetadataEntry | string {
  const uri = record.warcTargetURI;
  const timestamp = digits14(record.warcDate);
  if (!timestamp || !uri) return 'metadata record without a valid WARC-Date or WARC-Target-URI';
  const entry: MetadataEntry = { uri, timestamp, filename: path, offset, length };
  const created = digits14(record.warcHeader('WARC-Creation-Date'));
  if (created) entry.created = created;
  if (record.warcContentType) entry.mime = record.warcContentType;
  if (record.warcPayloadDigest) entry.digest = record.warcPayloadDigest;
  return entry;
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
