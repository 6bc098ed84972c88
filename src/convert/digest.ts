/** @internal sha256 of a file, streamed; small files in one read (no 1 MiB stream buffer each). Abortable. */
import { createHash } from 'node:crypto';
import { openRegularFile } from '../util/regular-file.js';
import { addAbortSignal, type Readable } from 'node:stream';

const SMALL = 256 * 1024;

export async function sha256Stream(stream: Readable, signal?: AbortSignal): Promise<{ sha256: string; size: number }> {
  if (signal) addAbortSignal(signal, stream);
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of stream) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), size };
}

/** sha256 and size of a file; `knownSize` (from a stat) lets a small file be read at once. */
export async function sha256FileInfo(path: string, knownSize?: number, signal?: AbortSignal): Promise<{ sha256: string; size: number }> {
  // Only a regular file: an output swapped for a FIFO or a device would block or never end.
  const { handle } = await openRegularFile(path);
  try {
    if (knownSize !== undefined && knownSize <= SMALL) {
      const data = await handle.readFile(signal ? { signal } : {});
      return { sha256: createHash('sha256').update(data).digest('hex'), size: data.length };
    }
    return await sha256Stream(handle.createReadStream({ highWaterMark: 1024 * 1024, autoClose: false }), signal);
  } finally {
    await handle.close();
  }
}

export async function sha256File(path: string, knownSize?: number, signal?: AbortSignal): Promise<string> {
  return (await sha256FileInfo(path, knownSize, signal)).sha256;
}
