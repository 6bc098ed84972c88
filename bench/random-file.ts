/** Incompressible input files for the benches, written in 16 MiB chunks. */
import { randomFillSync } from 'node:crypto';
import { open } from 'node:fs/promises';

/** Write `bytes` random bytes to `path`. */
export async function randomFile(path: string, bytes: number): Promise<void> {
  const fh = await open(path, 'w');
  try {
    const chunk = Buffer.allocUnsafe(16 * 1024 * 1024);
    for (let written = 0; written < bytes; written += chunk.length) {
      randomFillSync(chunk);
      await fh.write(chunk, 0, Math.min(chunk.length, bytes - written));
    }
  } finally {
    await fh.close();
  }
}
