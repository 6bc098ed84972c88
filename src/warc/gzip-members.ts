/**
 * The inflated bytes of a gzip file read member by member, with where each member starts in the
 * file and in the inflated bytes, each member's CRC-32 and length checked, and reading stopped
 * at the first member that cannot be read whole, saying where and why. warcio.js's own gzip
 * layer cannot be relied on past a damaged member: it goes on with the raw bytes and loses
 * records without a word, and it holds back the last inflated bytes of a file cut off.
 */
import { type FileHandle, open } from 'node:fs/promises';
import { crc32, createInflateRaw, inflateRawSync } from 'node:zlib';
import { readAt } from '../util/read-at.js';

/** Where a member starts: in the file, and in the inflated bytes of the run. */
export interface MemberStart {
  offset: number;
  inflated: number;
}

/** A member that could not be read whole, and where reading can go on (after one whose data and trailer could be told apart). */
export interface MemberDamage {
  offset: number;
  problem: string;
  /** The file ends inside the member: what it held up to there is sound. */
  cutOff?: boolean;
  next?: number;
}

/** What a run of members showed, filled in as its bytes are read. */
export interface InflatedRun {
  /** The members begun, in file order. */
  members: MemberStart[];
  /** Where the last sound member ends in the file. */
  end: number;
  /** Set when the run stopped at a member it could not read whole. */
  damage?: MemberDamage;
}

const READ_BYTES = 1024 * 1024;
const FHCRC = 0x02;
const FEXTRA = 0x04;
const FNAME = 0x08;
const FCOMMENT = 0x10;

/** The length of the gzip header at the start of `head`, or why there is none (a header longer than `head` counts as none). */
export function gzipHeaderLength(head: Buffer): number | string {
  if (head.length < 10 || head[0] !== 0x1f || head[1] !== 0x8b) return 'not a gzip member';
  if (head[2] !== 8) return `a gzip member of an unknown compression method (${head[2]!})`;
  const flags = head[3]!;
  let at = 10;
  if (flags & FEXTRA) {
    if (head.length < at + 2) return 'a gzip member whose header does not end';
    at += 2 + head.readUInt16LE(at);
  }
  for (const flag of [FNAME, FCOMMENT]) {
    if (!(flags & flag)) continue;
    const zero = head.indexOf(0, at);
    if (zero < 0) return 'a gzip member whose header does not end';
    at = zero + 1;
  }
  if (flags & FHCRC) at += 2;
  return at <= head.length ? at : 'a gzip member whose header does not end';
}

/** The file read in large blocks: small members are read from memory, many to a read. */
class FileWindow {
  private buffer: Buffer = Buffer.alloc(0);
  private start = 0;
  constructor(
    private readonly fh: FileHandle,
    readonly size: number,
  ) {}

  /** The file's bytes from `offset`: at least `want` of them unless the file ends first, and whatever else the block holds. */
  async at(offset: number, want: number): Promise<Buffer> {
    const end = Math.min(offset + want, this.size);
    if (offset < this.start || end > this.start + this.buffer.length) {
      this.buffer = await readAt(this.fh, offset, Math.min(Math.max(READ_BYTES, want), this.size - offset));
      this.start = offset;
    }
    return this.buffer.subarray(offset - this.start);
  }
}

/** Inflated bytes a member may have to be inflated in one piece from memory; a larger one is streamed. */
const MAX_INFLATED_AT_ONCE = 8 * 1024 * 1024;

/**
 * A member's deflate data inflated in one piece from the bytes in memory: its bytes and the
 * length of its deflate data; undefined when it does not end within them or would inflate to
 * more than {@link MAX_INFLATED_AT_ONCE} (then it is streamed). Throws on damaged data.
 */
function inflateInMemory(data: Buffer): { bytes: Buffer; length: number } | undefined {
  try {
    const { buffer, engine } = inflateRawSync(data, { info: true, maxOutputLength: MAX_INFLATED_AT_ONCE }) as unknown as { buffer: Buffer; engine: { bytesWritten: number } };
    return { bytes: buffer, length: engine.bytesWritten };
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    if (e.code === 'Z_BUF_ERROR' || e.code === 'ERR_BUFFER_TOO_LARGE' || /unexpected end of file/.test(e.message)) return undefined;
    throw error;
  }
}

/**
 * One member's inflated bytes, from its deflate data at `data` on, streamed from the file.
 * Returns where its trailer starts; throws with the reason when it cannot be inflated whole.
 */
async function* inflateMember(fh: FileHandle, data: number, size: number, tally: { crc: number; length: number }): AsyncGenerator<Buffer, number> {
  const inflate = createInflateRaw();
  let ended = false;
  inflate.once('end', () => (ended = true));
  const feed = (async () => {
    for (let at = data; at < size && !ended && !inflate.destroyed; at += READ_BYTES) {
      const chunk = await readAt(fh, at, Math.min(READ_BYTES, size - at));
      await new Promise<void>((resolve) => inflate.write(chunk, () => resolve()));
    }
    // The file ends before the deflate data does: inflate says so ("unexpected end of file").
    if (!ended && !inflate.destroyed) inflate.end();
  })();
  feed.catch((error: unknown) => inflate.destroy(error as Error));
  try {
    for await (const chunk of inflate) {
      const bytes = chunk as Buffer;
      tally.crc = crc32(bytes, tally.crc);
      tally.length += bytes.length;
      yield bytes;
    }
  } finally {
    inflate.destroy();
    await feed.catch(() => undefined);
  }
  return data + inflate.bytesWritten;
}

/** A member's inflated bytes, from memory when it is small, else streamed; returns where its trailer starts. */
async function* memberBytes(window: FileWindow, fh: FileHandle, data: number, tally: { crc: number; length: number }): AsyncGenerator<Buffer, number> {
  // What the block in memory holds past the header (64 KB at least); a whole block when the member goes on past it.
  let held = await window.at(data, 64 * 1024);
  let whole = inflateInMemory(held);
  if (!whole && held.length < READ_BYTES && data + held.length < window.size) {
    held = await window.at(data, READ_BYTES);
    whole = inflateInMemory(held);
  }
  if (!whole) return yield* inflateMember(fh, data, window.size, tally);
  tally.crc = crc32(whole.bytes);
  tally.length = whole.bytes.length;
  if (whole.bytes.length) yield whole.bytes;
  return data + whole.length;
}

/**
 * The inflated bytes of the members of `path` from `start` on, in order, until the file ends or
 * a member cannot be read whole (then `run.damage` says where and why). `run` is filled in as
 * the bytes are read.
 */
export async function* inflateMembers(path: string, start: number, run: InflatedRun): AsyncGenerator<Buffer> {
  const fh = await open(path, 'r');
  try {
    const window = new FileWindow(fh, (await fh.stat()).size);
    let inflated = 0;
    for (let offset = start; offset < window.size; ) {
      const header = gzipHeaderLength(await window.at(offset, 64 * 1024));
      if (typeof header === 'string') {
        run.damage = { offset, problem: `cannot read a record here (${header})` };
        return;
      }
      run.members.push({ offset, inflated });
      const tally = { crc: 0, length: 0 };
      let trailer: number;
      const member = memberBytes(window, fh, offset + header, tally);
      try {
        for (;;) {
          const next = await member.next();
          if (next.done) {
            trailer = next.value;
            break;
          }
          inflated += next.value.length;
          yield next.value;
        }
      } catch (error) {
        const message = (error as Error).message;
        run.damage = /unexpected end of file/.test(message) ? { offset, problem: 'cut off: the file ends inside this gzip member', cutOff: true } : { offset, problem: `damaged gzip member (it cannot be inflated: ${message})` };
        return;
      } finally {
        await member.return(0); // a reader that stops inside a member stops its inflating too
      }
      const end = (await window.at(trailer, 8)).subarray(0, 8);
      if (end.length < 8) {
        run.damage = { offset, problem: "cut off: the file ends inside this gzip member's trailer", cutOff: true };
        return;
      }
      if (end.readUInt32LE(0) !== tally.crc >>> 0 || end.readUInt32LE(4) !== tally.length % 2 ** 32) {
        run.damage = { offset, problem: 'damaged gzip member (its CRC-32 or length does not match its data)', next: trailer + 8 };
        return;
      }
      offset = run.end = trailer + 8;
    }
  } finally {
    await fh.close();
  }
}
