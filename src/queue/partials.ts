/** @internal Partial outputs (`.<name>.partial-<pid>-<hex>.<ext>`) of one job's outputs, left by a try that died. */
import { readdir, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Partial outputs of this job's outputs left by a worker that died on it: never trusted, removed. */
export async function removeJobPartials(outputs: readonly string[]): Promise<string[]> {
  const removed: string[] = [];
  const byDir = new Map<string, string[]>();
  for (const output of outputs) byDir.set(dirname(output), [...(byDir.get(dirname(output)) ?? []), basename(output)]);
  for (const [dir, names] of byDir) {
    const present = await readdir(dir).catch(() => [] as string[]);
    for (const name of present) {
      if (!names.some((n) => name.startsWith(`.${n}.partial-`) && /^\d+-[0-9a-f]+(?:\.[^/]*)?$/.test(name.slice(n.length + 10)))) continue;
      await rm(join(dir, name), { force: true });
      removed.push(join(dir, name));
    }
  }
  return removed;
}

