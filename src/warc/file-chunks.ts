/**
 * Fast reading of a file on disk: large chunks with the next reads already in flight in the
 * thread pool while the caller hashes or compresses the current one.
 */
import { openRegularFile } from '../util/regular-file.js';

export const FILE_CHUNK = 4 * 1024 * 1024;

/** Yield the file's bytes in order, `ahead` reads in flight; fails if the size is not `size`. */
export async function* readFileChunks(path: string, size: number, chunk = FILE_CHUNK, ahead = 2): AsyncGenerator<Buffer> {
  // Still a regular file? It may have been swapped for a FIFO or a device since the walk.
  const { handle: fh } = await openRegularFile(path);
  try {
    const reads: Array<Promise<Buffer>> = [];
    let next = 0;
    const issue = (): void => {
      const position = next;
      const length = Math.min(chunk, size - position);
      next += length;
      const read = fh.read(Buffer.allocUnsafe(length), 0, length, position).then(({ bytesRead, buffer }) => {
        if (bytesRead !== length) throw new Error(`size changed while reading (expected ${size} bytes, got ${position + bytesRead})`);
        return buffer;
      });
      read.catch(() => undefined);
      reads.push(read);
    };
    while (next < size && reads.length < ahead) issue();
    while (reads.length) {
      const buffer = await reads.shift()!;
      if (next < size) issue();
      yield buffer;
    }
    // Growth past the recorded size is a change too.
    const { bytesRead } = await fh.read(Buffer.alloc(1), 0, 1, size);
    if (bytesRead !== 0) throw new Error(`size changed while reading (expected ${size} bytes, the file is now longer)`);
  } finally {
    await fh.close();
  }
}
