/**
 * Output directories that cannot be made because a file stands where a directory must be: a ZIP
 * converted with `--output-dir` beside it would put its outputs in `site.zip/…`, the path of the
 * ZIP itself. Found before anything runs, one message per file in the way, instead of every
 * conversion stopping on ENOTDIR.
 */
import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import { isInside } from '../util/path-inside.js';
import type { PlannedConversion } from './plan.js';

/**
 * The nearest existing path at or above `dir`, inside the output directory, when it is not a
 * directory; else undefined. The output directory itself being a file (or below one) is
 * reported where it is made, naming the option.
 */
function fileInTheWay(dir: string, outputDir: string): string | undefined {
  for (let at = dir; at !== outputDir && isInside(outputDir, at); at = dirname(at)) {
    try {
      return statSync(at).isDirectory() ? undefined : at;
    } catch (error) {
      // Missing, or below a file (ENOTDIR): look further up. Other problems are the write's to report.
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') return undefined;
    }
  }
  return undefined;
}

/** One message per file standing where the plan's output directories would be. */
export function blockedOutputDirs(plan: readonly PlannedConversion[], outputDir: string): string[] {
  const checked = new Set<string>();
  const messages = new Map<string, string>();
  for (const { source, output } of plan) {
    const dir = dirname(output);
    if (checked.has(dir)) continue;
    checked.add(dir);
    const file = fileInTheWay(dir, outputDir);
    if (file !== undefined && !messages.has(file)) {
      messages.set(file, `outputs of ${source.zip ? source.zip.archive : source.path} would be written in ${dir}/, but ${file} is a file: give another --output-dir`);
    }
  }
  return [...messages.values()];
}
