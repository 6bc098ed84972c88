/**
 * `mkdir -p` that cannot spin. Node's recursive mkdir loops for ever, at full CPU in a thread of
 * the pool, where a file system answers ENOENT for a directory whose parent exists (`/proc/x`).
 * Here each missing directory is made on its own, from the nearest existing one down, and the
 * file system's error is passed on as it comes (EEXIST where a file stands in the path).
 */
import { mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

function fileInTheWay(path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`EEXIST: file already exists, mkdir '${path}'`), { code: 'EEXIST', syscall: 'mkdir', path });
}

/** Make `path` and its missing parents; resolves when it is a directory. */
export async function makeDirectory(path: string): Promise<void> {
  const missing: string[] = [];
  for (let dir = resolve(path); ; dir = dirname(dir)) {
    const info = await stat(dir).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (info) {
      if (!info.isDirectory()) throw fileInTheWay(dir);
      break;
    }
    missing.push(dir);
    if (dirname(dir) === dir) break;
  }
  for (const dir of missing.reverse()) {
    try {
      await mkdir(dir);
    } catch (error) {
      // Made meanwhile by another run is fine; anything else is the answer.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (!(await stat(dir)).isDirectory()) throw fileInTheWay(dir);
    }
  }
}
