/**
 * Paths compared as the file system sees them: each one's directory resolved through symbolic
 * links (the name itself may not exist yet), each directory looked up once.
 */
import { realpath } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';

export function realPaths(): (path: string) => Promise<string> {
  const dirs = new Map<string, Promise<string>>();
  return async (path) => {
    const full = resolve(path);
    const dir = dirname(full);
    if (!dirs.has(dir)) dirs.set(dir, realpath(dir).catch(() => dir));
    return resolve(await dirs.get(dir)!, basename(full));
  };
}
