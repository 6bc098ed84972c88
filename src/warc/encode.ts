/**
 * The bytes of one record, the same whichever sink writes them: head, block and trailer, and
 * for `.warc.gz` one gzip member per record. Small records are encoded whole here (on the
 * calling thread or in a compression worker); large payloads are streamed by the writer with
 * the pieces exported here. Pure functions over buffers.
 */
import { crc32, gzipSync } from 'node:zlib';
import { type DigestAlgorithm, formatDigest } from './digest.js';
import { GZIP_HEADER, type GzipLevelSetting, gzipTrailer, MEM_LEVEL } from './gzip.js';
import { completeHead, RECORD_TRAILER, type RecordDigests } from './records.js';
import type { WarcVersion } from './records.js';

export interface EncodeSettings {
  gzip: boolean;
  gzipLevel: GzipLevelSetting;
  version: WarcVersion;
  algorithm: DigestAlgorithm;
}

/** resource/conversion records carry WARC-Payload-Digest (= block digest: no HTTP head); others only the block digest. */
export function recordDigests(algorithm: DigestAlgorithm, payloadDigest: boolean, raw: Uint8Array): RecordDigests {
  const value = formatDigest(algorithm, raw);
  return payloadDigest ? { payload: value, block: value } : { block: value };
}

/** Head (from its prefix, see `headPrefix`), block and trailer of a record whose payload is in memory (not copied). */
export function plainRecordParts(headText: string, data: Buffer, digests: RecordDigests): [Buffer, Buffer, Buffer] {
  return [completeHead(headText, data.length, digests), data, RECORD_TRAILER];
}

const ENTROPY_SAMPLE = 1024;
const counts = new Uint16Array(256);
/** c·log2(c) for every count a sample can hold (a table: Math.log2 per byte value cost more than the count). */
const C_LOG_C = Float64Array.from({ length: ENTROPY_SAMPLE + 1 }, (_, c) => (c === 0 ? 0 : c * Math.log2(c)));

/**
 * Whether deflate could not gain 3 % on these bytes, judged on the byte entropy of 1 KB from
 * their middle (past any file header), in bits per byte corrected for the sample's size:
 * compressed media, images and random data are near 8, text 4 to 6. Costs about 2 µs where
 * compressing to find out costs a millisecond.
 */
export function looksIncompressible(data: Uint8Array): boolean {
  const n = Math.min(data.length, ENTROPY_SAMPLE);
  if (n < 512) return false;
  const start = (data.length - n) >> 1;
  counts.fill(0);
  for (let i = start; i < start + n; i++) counts[data[i]!]!++;
  // Σ −c·log2(c/n) = n·log2(n) − Σ c·log2(c)
  let bits = C_LOG_C[n]!;
  for (let b = 0; b < 256; b++) bits -= C_LOG_C[counts[b]!]!;
  // A sample of n uniformly random bytes shows about 255 / (2 n ln 2) bits less than 8.
  return bits / n + 255 / (2 * n * Math.LN2) >= 8 * 0.97;
}

/** A gzip member holding `data` verbatim in stored deflate blocks: valid gzip at the cost of a CRC. */
export function storedMember(data: Buffer): Buffer {
  const blocks = Math.max(1, Math.ceil(data.length / 0xffff));
  const out = Buffer.allocUnsafe(GZIP_HEADER.length + blocks * 5 + data.length + 8);
  let at = GZIP_HEADER.copy(out, 0);
  for (let b = 0; b < blocks; b++) {
    const piece = data.subarray(b * 0xffff, (b + 1) * 0xffff);
    out[at] = b === blocks - 1 ? 1 : 0; // BFINAL on the last block, BTYPE 00 (stored)
    out.writeUInt16LE(piece.length, at + 1);
    out.writeUInt16LE(~piece.length & 0xffff, at + 3);
    at += 5;
    at += piece.copy(out, at);
  }
  gzipTrailer(crc32(data), data.length).copy(out, at);
  return out;
}

/**
 * One record's gzip member. `auto`: what does not look compressible is stored; the rest is
 * compressed at level 6, and stored after all if that gained less than 3 %.
 * `payloadStart` tells where the payload begins (after the head), for the sample.
 */
export function gzipRecord(plain: Buffer, payloadStart: number, level: GzipLevelSetting): Buffer {
  if (level === 0) return storedMember(plain);
  // A window no larger than the record (same bytes out: no match reaches further back) is quicker to set up.
  const windowBits = Math.max(9, Math.min(15, Math.ceil(Math.log2(plain.length + 262))));
  if (level !== 'auto') return gzipSync(plain, { level, windowBits, memLevel: MEM_LEVEL });
  if (looksIncompressible(plain.subarray(payloadStart, plain.length - RECORD_TRAILER.length))) return storedMember(plain);
  const packed = gzipSync(plain, { level: 6, windowBits, memLevel: MEM_LEVEL });
  return packed.length < plain.length * 0.97 ? packed : storedMember(plain);
}
