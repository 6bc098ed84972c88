/**
 * Output directories that cannot be made because a file stands where a directory must be: a ZIP
 * converted with `--output-dir` beside it would put its outputs in `site.zip/…`, the path of the
 * ZIP itself. Found before anything runs, one message per file in the way, instead of every
 * conversion stopping on ENOTDIR.
 */
import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { PlannedConversion } from './plan.js';

/** The nearest existing path at or above `dir` when it is not a directory, else undefined. */
function fileInTheWay(dir: string): string | undefined {
  for (let at = dir; ; at = dirname(at)) {
    try {
      return statSync(at).isDirectory() ? undefined : at;
    } catch (error) {
      // Missing, or below a file (ENOTDIR): look further up. Other problems are the write's to report.
      const code = (error as NodeJS.ErrnoException).code;
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || dirname(at) === at) return undefined;
    }
  }
}

/** One message per file standing where the plan's output directories would be. */
export function blockedOutputDirs(plan: readonly PlannedConversion[]): string[] {
  const checked = new Set<string>();
  const messages = new Map<string, string>();
  for (const { source, output } of plan) {
    const dir = dirname(output);
    if (checked.has(dir)) continue;
    checked.add(dir);
    const file = fileInTheWay(dir);
    if (file !== undefined && !messages.has(file)) {
      messages.set(file, `outputs of ${source.zip ? source.zip.archive : source.path} would be written in ${dir}/, but ${file} is a file: give another --output-dir`);
    }
  }
  return [...messages.values()];
}
