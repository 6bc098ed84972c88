/**
 * Lines of a large sorted text file (a CDXJ index) that start with a prefix, found by binary
 * search over byte offsets: a lookup reads a few blocks, whatever the size of the file.
 */
import type { FileHandle } from 'node:fs/promises';
import { readAt } from '../util/read-at.js';

const BLOCK = 16 * 1024;

/** The first full line that starts at or after `position`: its start offset and bytes (undefined at the end). */
async function lineFrom(handle: FileHandle, position: number, size: number): Promise<{ start: number; line: Buffer } | undefined> {
  let start = position;
  if (position > 0) {
    // Skip to the byte after the next newline.
    for (let at = position - 1; ; at += BLOCK) {
      if (at >= size) return undefined;
      const chunk = await readAt(handle, at, BLOCK);
      const nl = chunk.indexOf(0x0a);
      if (nl >= 0) {
        start = at + nl + 1;
        break;
      }
    }
  }
  if (start >= size) return undefined;
  const parts: Buffer[] = [];
  for (let at = start; at < size; at += BLOCK) {
    const chunk = await readAt(handle, at, BLOCK);
    const nl = chunk.indexOf(0x0a);
    if (nl >= 0) {
      parts.push(chunk.subarray(0, nl));
      break;
    }
    parts.push(chunk);
  }
  return { start, line: Buffer.concat(parts) };
}

/** Every line starting with `prefix`, in file order. The file must be sorted bytewise. */
export async function linesWithPrefix(handle: FileHandle, prefix: string): Promise<string[]> {
  const size = (await handle.stat()).size;
  const wanted = Buffer.from(prefix, 'utf8');
  // Binary search for the first line >= prefix.
  let lo = 0;
  let hi = size;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    const found = await lineFrom(handle, mid, size);
    if (!found || Buffer.compare(found.line.subarray(0, wanted.length), wanted) >= 0) hi = mid;
    else lo = mid + 1;
  }
  const out: string[] = [];
  for (let found = await lineFrom(handle, lo, size); found; found = await lineFrom(handle, found.start + found.line.length + 1, size)) {
    if (Buffer.compare(found.line.subarray(0, wanted.length), wanted) !== 0) {
      if (Buffer.compare(found.line, wanted) > 0) break;
      continue;
    }
    out.push(found.line.toString('utf8'));
  }
  return out;
}
