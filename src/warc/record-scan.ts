/**
 * Reading every record of a WARC in file order with warcio.js, robustly: warcio.js stops
 * quietly at a damaged gzip member (and Python's `warcio check` passes a file whose last member
 * is cut off), so where the parser stops is compared with the end of the file. A damaged
 * stretch (a corrupt gzip member, a cut record) is reported with its file and offset, and
 * reading goes on at the next record that can be read. Shared by the replay index and
 * `warckit-verify`.
 */
import { createReadStream, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { AsyncIterReader, WARCParser, type WARCRecord } from 'warcio';
import { type InflatedRun, inflateMembers, type MemberStart } from './gzip-members.js';
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

/**
 * True if nothing but a few CR/LF lie between `from` and `to` of the open file `fd` (a plain
 * WARC's record ends with CRLFCRLF). Asked after every record: a few bytes read at once, not a
 * trip through the thread pool.
 */
function onlyLineEnds(fd: number, from: number, to: number): boolean {
  if (from >= to) return true;
  if (to - from > 8) return false;
  const between = Buffer.alloc(to - from);
  const read = readSync(fd, between, 0, between.length, from);
  return between.subarray(0, read).every((b) => b === 0x0d || b === 0x0a);
}

/** Why a record's head is not one: a head without Content-Length (mandatory) was cut off or damaged, and its block cannot be delimited. */
function headProblem(record: WARCRecord): string | undefined {
  return (record.warcHeader('Content-Length') ?? null) === null ? 'is cut off or damaged: its head has no Content-Length' : undefined;
}

const describe = (record: WARCRecord): string => `${record.warcType ?? 'a'} record${record.warcTargetURI ? ` ${record.warcTargetURI}` : ''}`;

/** A record whose block runs past its end (more than line ends follow where its Content-Length says it ends). */
const overrun = (record: WARCRecord): string => `${describe(record)} is not followed by the end of a record where its Content-Length says (damaged); reading on from the next record start after it`;

/**
 * Every record of one WARC (`gzip`: a `.warc.gz` of one member per record, or any gzip WARC),
 * in file order, each read by `read`. Problems are pushed to `problems` as they are met: a
 * record the file ends inside, damaged data, and data after the last record that can be read.
 */
export function walkWarcRecords<T>(path: string, gzip: boolean, problems: ScanProblem[], read: BlockReader<T>): AsyncGenerator<ScannedWarcRecord<T>> {
  return gzip ? walkGzipRecords(path, problems, read) : walkPlainRecords(path, problems, read);
}

async function* walkPlainRecords<T>(path: string, problems: ScanProblem[], read: BlockReader<T>): AsyncGenerator<ScannedWarcRecord<T>> {
  const file = await open(path, 'r');
  try {
    yield* walkPlainFrom(path, file.fd, (await file.stat()).size, problems, read);
  } finally {
    await file.close();
  }
}

async function* walkPlainFrom<T>(path: string, fd: number, size: number, problems: ScanProblem[], read: BlockReader<T>): AsyncGenerator<ScannedWarcRecord<T>> {
  let base = 0;
  for (;;) {
    const parser = new WARCParser(createReadStream(path, { start: base, highWaterMark: 1024 * 1024 }), { parseHttp: false });
    // Where the last complete record ended: warcio.js ends quietly at data it cannot parse, so reaching the end of the file is checked here.
    let end = base;
    let last: { offset: number; record: WARCRecord } | undefined;
    let failedAt: number | undefined;
    try {
      for await (const record of parser) {
        const { complete, value } = await read(record);
        const offset = base + parser.offset;
        // Other bytes than the record's closing line ends before this record: the last one's Content-Length was wrong, and its
        // block may have run over records. Read again from just after its start (this one is read then).
        if (last && !onlyLineEnds(fd, end, offset)) {
          problems.push({ file: path, offset: last.offset, problem: overrun(last.record) });
          failedAt = last.offset;
          break;
        }
        if (!complete) {
          problems.push({ file: path, offset, problem: `${describe(record)} is cut off (the file ends inside it)` });
          return;
        }
        const bad = headProblem(record);
        if (bad) {
          problems.push({ file: path, offset, problem: `${describe(record)} ${bad}` });
          failedAt = offset;
          break;
        }
        end = offset + parser.recordLength;
        last = { offset, record };
        yield { record, offset, length: parser.recordLength, value };
      }
    } catch (error) {
      failedAt = base + parser.offset;
      problems.push({ file: path, offset: failedAt, problem: `cannot read a record here (${(error as Error).message})` });
    }
    if (failedAt === undefined) {
      if (onlyLineEnds(fd, end, size)) return;
      failedAt = end;
      problems.push({ file: path, offset: end, problem: 'cannot read a record here (damaged data; reading on from the next record that can be read)' });
    }
    const next = await nextRecordStart(path, failedAt + 1, false);
    if (next === undefined) return;
    base = next;
  }
}

/**
 * The file offset of the member holding inflated byte `at` (members in order). The members before
 * it are dropped: `at` only grows, so they are not asked for again, and a run of a million
 * records does not keep a million member starts.
 */
function memberOffset(members: MemberStart[], at: number): number {
  let i = members.length - 1;
  while (i > 0 && members[i]!.inflated > at) i--;
  members.splice(0, i);
  return members[0]?.offset ?? 0;
}

/**
 * A gzip WARC, member by member (gzip-members.ts): a damaged member is reported where it is and
 * reading goes on at the next member that starts a record, so no record past it is lost. A
 * record's offset is that of the member it starts in; its length runs to where the next record's
 * member starts (one member per record: exactly its member).
 */
async function* walkGzipRecords<T>(path: string, problems: ScanProblem[], read: BlockReader<T>): AsyncGenerator<ScannedWarcRecord<T>> {
  let start = 0;
  for (;;) {
    const run: InflatedRun = { members: [], end: start };
    const bytes = inflateMembers(path, start, run);
    const parser = new WARCParser(new AsyncIterReader(bytes, null), { parseHttp: false });
    // A record is passed on once the next one starts (or the run ends): then its length is known.
    let held: ScannedWarcRecord<T> | undefined;
    const release = (until: number): ScannedWarcRecord<T> => ({ ...held!, length: Math.max(until - held!.offset, 0) });
    /** A record the run ended inside, and the member it starts in; where parsing stopped before the run's end. */
    let cut: { problem: string; offset: number } | undefined;
    let stoppedAt: number | undefined;
    /** Where the last record's block ended in the inflated bytes. */
    let blockEnd = 0;
    try {
      for await (const record of parser) {
        const { complete, value } = await read(record);
        const offset = memberOffset(run.members, parser.offset);
        const last = held;
        if (held) yield release(offset > held.offset ? offset : run.end);
        held = undefined;
        // More than the closing line ends before this record (as in a plain WARC): the last one's Content-Length was wrong.
        if (last && parser.offset - blockEnd > 8) {
          problems.push({ file: path, offset: last.offset, problem: overrun(last.record) });
          stoppedAt = last.offset;
          break;
        }
        const bad = complete ? headProblem(record) : 'is cut off (the file ends inside it)';
        if (bad) {
          cut = { problem: `${describe(record)} ${bad}`, offset };
          stoppedAt = offset;
          break;
        }
        held = { record, offset, length: 0, value };
        blockEnd = parser.offset + parser.recordLength;
      }
    } catch (error) {
      stoppedAt = memberOffset(run.members, parser.offset);
      cut = { problem: `cannot read a record here (${(error as Error).message})`, offset: stoppedAt };
    } finally {
      await bytes.return(undefined); // the file is closed even when parsing stopped inside a member
    }
    if (held) yield release(run.damage?.next ?? run.end);
    const { damage } = run;
    // A record the file's end cuts is named where it starts; one begun before a damaged member is named beside the damage;
    // what a damaged member itself held is not to be believed.
    if (damage && cut && damage.cutOff) problems.push({ file: path, offset: cut.offset, problem: cut.problem });
    else if (damage && cut && cut.offset !== damage.offset) problems.push({ file: path, offset: damage.offset, problem: `${damage.problem}; ${cut.problem}` });
    else if (damage) problems.push({ file: path, offset: damage.offset, problem: damage.problem });
    else if (cut) problems.push({ file: path, offset: cut.offset, problem: cut.problem });
    else if (stoppedAt === undefined) return;
    const next = damage?.next ?? (await nextRecordStart(path, (damage?.offset ?? stoppedAt!) + 1, true));
    if (next === undefined) return;
    start = next;
  }
}
