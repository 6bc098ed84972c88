/**
 * @internal Temporary files of runs that were killed (SIGKILL, power cut): hidden partial
 * outputs beside the final ones (`.<name>.partial-<pid>-<hex>[.ext]`) and extracted ZIP members in the system temp dir (`warckit-convert-<pid>-…`). Each name carries
 * its run's pid; a file is removed only when that pid is no process on this host. Called with
 * the results file locked, so no other run on the same output can be writing them.
 */
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { runGone } from '../util/file-lock.js';

const IN_OUTPUT_DIR = [/^\..+\.partial-(\d+)-[0-9a-f]+(?:\.[^/]*)?$/];
const IN_TEMP_DIR = /^warckit-convert-(\d+)-/;

/** Whether a file name is that of a partial output (`.<name>.partial-<pid>-<hex>[.ext]`), a run's or a killed run's: never a source, never a file of the site. */
export function isPartialOutputName(name: string): boolean {
  return IN_OUTPUT_DIR.some((pattern) => pattern.test(name));
}

export interface StaleTemps {
  removed: string[];
  pids: number[];
}

function deadOwner(name: string, patterns: readonly RegExp[]): number | undefined {
  for (const pattern of patterns) {
    const pid = Number(pattern.exec(name)?.[1]);
    if (runGone(pid)) return pid;
  }
  return undefined;
}

async function sweep(dir: string, patterns: readonly RegExp[], out: StaleTemps): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return; // not there yet: nothing left in it
  }
  for (const name of names) {
    const pid = deadOwner(name, patterns);
    if (pid === undefined) continue;
    await rm(join(dir, name), { recursive: true, force: true });
    out.removed.push(join(dir, name));
    if (!out.pids.includes(pid)) out.pids.push(pid);
  }
}

/** Remove dead runs' temporaries from the output directories given and from `tempDir`. */
export async function removeStaleTemps(outputDirs: Iterable<string>, tempDir: string): Promise<StaleTemps> {
  const out: StaleTemps = { removed: [], pids: [] };
  for (const dir of new Set(outputDirs)) await sweep(dir, IN_OUTPUT_DIR, out);
  await sweep(tempDir, [IN_TEMP_DIR], out);
  return out;
}
