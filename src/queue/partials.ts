/** @internal Partial outputs (`.<name>.partial-<pid>-<hex>.<ext>`) of one job's outputs, left by a try that died. */
import { readdir, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { partialPrefix } from '../util/beside-names.js';

/** Partial outputs of this job's outputs left by a worker that died on it: never trusted, removed. */
export async function removeJobPartials(outputs: readonly string[]): Promise<string[]> {
  const removed: string[] = [];
  const byDir = new Map<string, string[]>();
  for (const output of outputs) byDir.set(dirname(output), [...(byDir.get(dirname(output)) ?? []), basename(output)]);
  for (const [dir, names] of byDir) {
    const present = await readdir(dir).catch(() => [] as string[]);
    const prefixes = names.map(partialPrefix);
    for (const name of present) {
      if (!prefixes.some((p) => name.startsWith(p) && /^\d+-[0-9a-f]+(?:\.[^/]*)?$/.test(name.slice(p.length)))) continue;
      await rm(join(dir, name), { force: true });
      removed.push(join(dir, name));
    }
  }
  return removed;
}

