/**
 * Outputs of earlier runs among the files to convert. Converting `.`, or an input that holds the
 * output directory or lies in it, walks earlier outputs: they are left out, never converted
 * again (an `.mp4` made from an `.flv` would otherwise become `.mp4.webm` at the next run).
 *
 * - The output directory holds no input (`--output-dir site/conv`, or elsewhere): everything
 *   walked under it is left out.
 * - It holds an input (`--output-dir site`, or the input's parent): the outputs land among the
 *   input's own files (warcit's layout: `site/site/…`, or beside the sources). Then a file is left
 *   out when this run writes an output at its path and the results file records that output; a
 *   file at such a path that the results do not record is one of the archivist's own, which the
 *   output would replace: the run is refused, naming it.
 */
import { resolve } from 'node:path';
import type { FileEntry } from '../inputs/entry.js';
import { isInside } from '../util/path-inside.js';
import type { PlannedConversion } from './plan.js';

/** The file an entry is (ZIP members are never outputs: those are written to the file system). */
function filePathOf(entry: FileEntry): string | undefined {
  return entry.zip ? undefined : resolve(entry.filePath ?? entry.path);
}

/** Whether any input is the output directory or inside it. */
export function outputDirHoldsInput(outputDir: string, inputs: readonly string[]): boolean {
  return inputs.some((input) => isInside(outputDir, resolve(input)));
}

/** Entries walked under an output directory that holds no input. */
export function underOutputDir(entries: readonly FileEntry[], outputDir: string): Set<FileEntry> {
  return new Set(entries.filter((e) => isInside(outputDir, resolve(e.zip ? e.zip.archive : (e.filePath ?? e.path)))));
}

/**
 * Among entries planned (all of them, `plan`), those at a path this run writes an output to:
 * `earlier` when the results file records that output (`recorded`: outputs' absolute paths),
 * else `replaced`, one message each.
 */
export function entriesAtOutputs(entries: readonly FileEntry[], plan: readonly PlannedConversion[], recorded: ReadonlySet<string>): { earlier: Set<FileEntry>; replaced: string[] } {
  const writers = new Map(plan.map((p) => [p.output, p]));
  const earlier = new Set<FileEntry>();
  const replaced: string[] = [];
  for (const entry of entries) {
    const path = filePathOf(entry);
    const writer = path !== undefined ? writers.get(path) : undefined;
    if (!writer || writer.source === entry) continue;
    if (recorded.has(path!)) earlier.add(entry);
    else replaced.push(`${entry.path} is one of the files to convert, and the output of ${writer.source.path} (rule ${writer.rule.name}) would be written over it: give another --output-dir`);
  }
  return { earlier, replaced };
}
