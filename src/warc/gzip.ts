/**
 * Gzip members for WARC records. Small records: one zlib call in the thread pool. Large
 * payloads: compressed in independent 1 MiB blocks on several threads (each block primed
 * with the previous 32 KiB as dictionary, as pigz does) and joined into ONE gzip member,
 * so a record stays readable from its offset by any gzip or WARC reader.
 */
import { constants, crc32, deflateRaw, deflateRawSync, gzip as gzipCb, gzipSync } from 'node:zlib';
import { promisify } from 'node:util';

const deflateRawAsync = promisify(deflateRaw) as (buf: Buffer, opts: object) => Promise<Buffer>;
const gzipAsync = promisify(gzipCb) as (buf: Buffer, opts: object) => Promise<Buffer>;

/** `auto` (payloads that do not compress are stored, the rest compressed at level 6) or a zlib level, 0-9. */
export type GzipLevelSetting = 'auto' | number;

/** gzip header: no name, mtime 0, OS unix — the same bytes zlib writes. */
const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]);
const BLOCK = 1024 * 1024;
const WINDOW = 32 * 1024;
const SAMPLE = 64 * 1024;

/**
 * zlib's memLevel for every member written: 9 rather than its default 8 (a hash table and
 * symbol buffer twice as large, 256 KB more per stream) compresses the bench's 20,000 small
 * files 5 % faster and never larger (measured on them, on TypeScript's sources and on 1 MiB
 * blocks); readers cannot tell, deflate data does not depend on it.
 */
export const MEM_LEVEL = 9;

/**
 * Compress a whole small record into one gzip member. Small members are compressed on the
 * calling thread: zlib's asynchronous API costs more per call than compressing a few KB
 * (measured: 20,000 2 KB records in 1.1 s synchronously, 2.8 s through the thread pool).
 */
export function gzipMember(data: Buffer, level: number): Promise<Buffer> {
  if (data.length <= SYNC_LIMIT) return Promise.resolve(gzipSync(data, { level, memLevel: MEM_LEVEL }));
  return gzipAsync(data, { level, memLevel: MEM_LEVEL });
}

const SYNC_LIMIT = 64 * 1024;

/**
 * Decide the level for a payload from samples of its bytes: data that deflate cannot shrink
 * (compressed video, audio, images, random) is stored (level 0, still valid gzip);
 * anything that compresses gets level 6.
 */
export function chooseLevel(setting: GzipLevelSetting, samples: readonly Buffer[]): number {
  if (setting !== 'auto') return setting;
  let total = 0;
  let packed = 0;
  for (const sample of samples) {
    const part = sample.subarray(0, SAMPLE);
    if (part.length === 0) continue;
    total += part.length;
    packed += deflateRawSync(part, { level: 1 }).length;
  }
  if (total < 512) return 6;
  return packed / total >= 0.97 ? 0 : 6;
}

/** Split an async source of chunks into BLOCK-sized buffers. */
async function* blocks(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let size = 0;
  for await (const chunk of source) {
    let rest = chunk;
    while (size + rest.length >= BLOCK) {
      const take = BLOCK - size;
      pending.push(rest.subarray(0, take));
      yield pending.length === 1 ? pending[0]! : Buffer.concat(pending);
      rest = rest.subarray(take);
      pending = [];
      size = 0;
    }
    if (rest.length) {
      pending.push(rest);
      size += rest.length;
    }
  }
  if (size) yield Buffer.concat(pending);
}

/** Running CRC-32 and length of the bytes given to {@link deflateBlocks}. */
export interface DeflateTally {
  crc: number;
  size: number;
}

/**
 * Raw deflate data for a stream of chunks, compressed `parallel` blocks at a time in zlib's
 * thread pool, emitted in order, ending with the final block; `tally` gets the input's CRC and
 * length. Memory: about `parallel` × 2 MiB whatever the input size.
 */
export async function* deflateBlocks(source: AsyncIterable<Buffer>, level: number, tally: DeflateTally, parallel = 4): AsyncGenerator<Buffer> {
  let previousTail: Buffer | undefined;
  const inFlight: Array<Promise<Buffer>> = [];
  for await (const block of blocks(source)) {
    tally.crc = crc32(block, tally.crc);
    tally.size += block.length;
    const options: Record<string, unknown> = { level, memLevel: MEM_LEVEL, finishFlush: constants.Z_FULL_FLUSH };
    if (previousTail && level > 0) options.dictionary = previousTail;
    const compressed = deflateRawAsync(block, options);
    compressed.catch(() => undefined); // surfaced when awaited; never an unhandled rejection
    inFlight.push(compressed);
    previousTail = block.subarray(Math.max(0, block.length - WINDOW));
    if (inFlight.length >= parallel) yield await inFlight.shift()!;
  }
  while (inFlight.length) yield await inFlight.shift()!;
  // The final empty block closes the deflate stream.
  yield await deflateRawAsync(Buffer.alloc(0), { level, memLevel: MEM_LEVEL, finishFlush: constants.Z_FINISH });
}

/** The 8-byte gzip trailer: CRC-32 and length mod 2^32 of the uncompressed data. */
export function gzipTrailer(crc: number, size: number): Buffer {
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc >>> 0, 0);
  trailer.writeUInt32LE(size % 2 ** 32, 4);
  return trailer;
}

/** One gzip member from a stream of chunks (see {@link deflateBlocks}). */
export async function* gzipStreamMember(source: AsyncIterable<Buffer>, level: number, parallel = 4): AsyncGenerator<Buffer> {
  yield GZIP_HEADER;
  const tally: DeflateTally = { crc: 0, size: 0 };
  yield* deflateBlocks(source, level, tally, parallel);
  yield gzipTrailer(tally.crc, tally.size);
}

export { GZIP_HEADER };

/**
 * Deflate "stored" blocks (not final) holding `data` verbatim: a record head placed in a member
 * this way sits at a known place and can be rewritten in place once its digests are known.
 */
export function storedBlocks(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  for (let at = 0; at < data.length || parts.length === 0; at += 0xffff) {
    const piece = data.subarray(at, at + 0xffff);
    const header = Buffer.alloc(5);
    header[0] = 0; // BFINAL 0, BTYPE 00, padded to the byte
    header.writeUInt16LE(piece.length, 1);
    header.writeUInt16LE(~piece.length & 0xffff, 3);
    parts.push(header, piece);
  }
  return Buffer.concat(parts);
}

const CRC_POLY = 0xedb88320;

/** (a × b) modulo the CRC-32 polynomial, in zlib's reflected bit order. */
function multModP(a: number, b: number): number {
  let m = 0x80000000;
  let p = 0;
  for (;;) {
    if (a & m) {
      p = (p ^ b) >>> 0;
      if ((a & (m - 1)) === 0) break;
    }
    m >>>= 1;
    b = b & 1 ? ((b >>> 1) ^ CRC_POLY) >>> 0 : b >>> 1;
  }
  return p >>> 0;
}

/** x^(2^k) mod p for k = 0..31. */
const X2N: number[] = (() => {
  const table: number[] = [];
  let p = 0x40000000; // x^1
  for (let k = 0; k < 32; k++) {
    table.push(p);
    p = multModP(p, p);
  }
  return table;
})();

/** x^(n × 2^k) mod p. */
function x2nModP(n: number, k: number): number {
  let p = 0x80000000; // x^0
  while (n > 0) {
    if (n % 2 === 1) p = multModP(X2N[k & 31]!, p);
    n = Math.floor(n / 2);
    k++;
  }
  return p;
}

/** CRC-32 of A‖B from CRC-32(A), CRC-32(B) and the length of B (zlib's crc32_combine). */
export function crc32Combine(crcA: number, crcB: number, lengthB: number): number {
  return (multModP(x2nModP(lengthB, 3), crcA >>> 0) ^ crcB) >>> 0;
}
