/**
 * What a file given to `warckit-replay` is, judged by its first bytes (never by its name), so a
 * WACZ, an HTML page or a text file is an error instead of an archive with no records.
 */
import { openRegularFile, RegularFileError } from '../util/regular-file.js';
import { constants, createInflateRaw } from 'node:zlib';
import { gzipHeaderLength } from '../warc/gzip-members.js';

export type ReplayFileKind = 'warc' | 'warc.gz' | 'cdxj';

/** A file given at replay is not a WARC or a transclusion index (or cannot be read): names it. */
export class ReplayInputError extends Error {
  override name = 'ReplayInputError';
}

/**
 * The start of a gzip file's first member, inflated as far as it goes: up to the end of `head`,
 * the member's end, or the first damaged byte (a few KB are enough to see the WARC line). The
 * member's trailer is not needed, so damage further on (the last member's CRC-32 in a small
 * file) does not hide the WARC line.
 */
export function inflatePrefix(head: Buffer): Promise<Buffer> {
  const header = gzipHeaderLength(head);
  if (typeof header === 'string') return Promise.resolve(Buffer.alloc(0));
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    const inflate = createInflateRaw({ finishFlush: constants.Z_SYNC_FLUSH });
    const done = (): void => resolve(Buffer.concat(parts));
    inflate.on('data', (chunk: Buffer) => parts.push(chunk));
    inflate.on('error', done);
    inflate.on('end', done);
    inflate.end(head.subarray(header));
  });
}

function describeOther(head: Buffer): string {
  if (head.length === 0) return 'it is empty';
  if (head[0] === 0x50 && head[1] === 0x4b) return 'it is a ZIP file (a WACZ?): give the WARC files inside it (archive/*.warc.gz)';
  const text = head.toString('latin1').trimStart().toLowerCase();
  if (text.startsWith('<!doctype html') || text.startsWith('<html') || text.startsWith('<')) return 'it is HTML or XML, not a WARC';
  if (head[0] === 0x1f && head[1] === 0x8b) return 'it is gzip, but what it holds does not start with a WARC record';
  return 'it does not start with a WARC record';
}

/** A CDXJ line: `<key> <14-digit timestamp> {json}`, or a `!` header line. */
function looksLikeCdxj(head: Buffer): boolean {
  const first = head.toString('utf8').split('\n')[0] ?? '';
  return first.startsWith('!') || /^\S+ \d{4,14} \{/.test(first);
}

/** Read the first bytes of `path` and say what it is; throws {@link ReplayInputError} naming the file otherwise. */
export async function sniffReplayFile(path: string): Promise<ReplayFileKind> {
  let head: Buffer;
  try {
    // Only a regular file: a FIFO would block the open, a device never end.
    const { handle, stats } = await openRegularFile(path, { what: 'replay input' });
    try {
      const buffer = Buffer.alloc(Math.min(64 * 1024, stats.size));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
      head = buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (!(error instanceof RegularFileError)) throw error;
    throw new ReplayInputError(error.problem === 'missing' ? `${path}: no such file` : error.message);
  }
  if (head.subarray(0, 5).toString('latin1') === 'WARC/') return 'warc';
  if (head[0] === 0x1f && head[1] === 0x8b && (await inflatePrefix(head)).subarray(0, 5).toString('latin1') === 'WARC/') return 'warc.gz';
  if (looksLikeCdxj(head)) return 'cdxj';
  throw new ReplayInputError(`${path}: ${describeOther(head)}`);
}
