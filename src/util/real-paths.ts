/**
 * Paths compared as the file system sees them: symbolic links resolved in every directory of
 * the path that exists (the deepest existing one through realpath, the rest appended as
 * written: `lnk/conv/site/a.copy` before `conv/site/` is made is `…/conv/site/a.copy`), each
 * directory looked up once. The name itself is not followed: a link there is the file refused elsewhere.
 */
import { realpath } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

export function realPaths(): (path: string) => Promise<string> {
  const dirs = new Map<string, Promise<string>>();
  const realDir = (dir: string): Promise<string> => {
    let found = dirs.get(dir);
    if (!found) {
      const parent = dirname(dir);
      found = realpath(dir).catch(async () => (parent === dir ? dir : join(await realDir(parent), basename(dir))));
      dirs.set(dir, found);
    }
    return found;
  };
  return async (path) => {
    const full = resolve(path);
    return resolve(await realDir(dirname(full)), basename(full));
  };
}
