/**
 * Hidden partial outputs that killed runs left beside an output. A new file is written under
 * `.<name>.partial-<pid>-<hex>` (see `tempPathFor`) and renamed into place only when complete;
 * a run killed mid-write (SIGKILL, power cut) cannot remove its partial, so the next run that
 * locks the same output does, when no process of this host has that pid.
 */
import { lstat, readdir, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { runGone } from './file-lock.js';
import { partialPrefix } from './beside-names.js';

/** What was removed: the partials' paths, their bytes, and the pids of the runs that left them. */
export interface RemovedPartials {
  paths: string[];
  bytes: number;
  pids: number[];
}

/** Remove the partials of `finalPath` left by runs that are gone. Call with the output locked. */
export async function removeDeadPartials(finalPath: string): Promise<RemovedPartials> {
  const removed: RemovedPartials = { paths: [], bytes: 0, pids: [] };
  const dir = dirname(finalPath);
  const prefix = partialPrefix(basename(finalPath));
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return removed; // the directory cannot be listed: the write itself will say why
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const owner = /^(\d+)-[0-9a-f]+$/.exec(name.slice(prefix.length));
    const pid = Number(owner?.[1]);
    if (!owner || !runGone(pid)) continue;
    const path = join(dir, name);
    const info = await lstat(path).catch(() => undefined);
    if (!info?.isFile()) continue;
    // One that cannot be removed (another user's, a read-only mount) is left: the run itself is not the worse for it.
    if (!(await rm(path, { force: true }).then(() => true, () => false))) continue;
    removed.paths.push(path);
    removed.bytes += info.size;
    if (!removed.pids.includes(pid)) removed.pids.push(pid);
  }
  return removed;
}

/** The notice for a run's log: `<output>: removed 2 partial files (… bytes) left by runs that were killed (pids …): …`. */
export function removedPartialsNotice(finalPath: string, { paths, bytes, pids }: RemovedPartials): string {
  const files = paths.length === 1 ? '1 partial file' : `${paths.length} partial files`;
  const runs = pids.length === 1 ? `a run that was killed (pid ${pids[0]!})` : `runs that were killed (pids ${pids.join(', ')})`;
  return `${finalPath}: removed ${files} (${bytes} bytes) left by ${runs}: ${paths.join(', ')}`;
}
