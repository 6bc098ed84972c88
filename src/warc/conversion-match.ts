/**
 * Which results-file entries a WARC run can carry. Pure: sources that match no input, and the
 * likely reason (the URL prefix or the input root differs from the conversion run's).
 */
import type { ConversionResults } from '../convert/results.js';

/** A results entry whose source URL is not among the inputs: its conversions are not written. */
export interface UnmatchedConversionSource {
  source: string;
  /** Outputs of its successful conversions. */
  outputs: string[];
  /** The input URL with the same path under another prefix, if any. */
  closestInput?: string;
  /** Why, in words: what differs. */
  cause: string;
}

function lastSegment(url: string): string {
  return url.slice(url.lastIndexOf('/') + 1);
}

/** Length of the longest common suffix of a and b that starts right after a '/' in both. */
function commonPathSuffix(a: string, b: string): number {
  let n = 0;
  while (n < a.length && n < b.length && a[a.length - 1 - n] === b[b.length - 1 - n]) n++;
  while (n > 0 && (a[a.length - n - 1] !== '/' || b[b.length - n - 1] !== '/')) n--;
  return n;
}

/** The input URL most like `source` (same file name, longest shared path), if any. */
function closest(source: string, byName: ReadonlyMap<string, string[]>): string | undefined {
  let best: string | undefined;
  let bestLength = 0;
  for (const candidate of byName.get(lastSegment(source)) ?? []) {
    const length = commonPathSuffix(source, candidate);
    if (length > bestLength) [best, bestLength] = [candidate, length];
  }
  return best;
}

function describeCause(source: string, input: string | undefined): string {
  if (!input) return 'no input file has this name: the input root or the URL prefix differs from the conversion run, or the file is not among the inputs';
  const shared = commonPathSuffix(source, input);
  const resultsPrefix = source.slice(0, source.length - shared);
  const inputsPrefix = input.slice(0, input.length - shared);
  if (inputsPrefix.startsWith(resultsPrefix) || resultsPrefix.startsWith(inputsPrefix)) {
    return `the input root differs: the results file has it under ${resultsPrefix}, the inputs give ${input} (convert and archive from the same directory level)`;
  }
  return `the URL prefix differs: the results file has ${resultsPrefix}, the inputs give ${inputsPrefix} (${input})`;
}

/**
 * Results entries (with at least one successful conversion) whose source is none of
 * `inputUrls`, each with its likely cause.
 */
export function findUnmatchedSources(results: ConversionResults, inputUrls: Iterable<string>): UnmatchedConversionSource[] {
  const urls = new Set(inputUrls);
  const byName = new Map<string, string[]>();
  for (const url of urls) {
    const name = lastSegment(url);
    const list = byName.get(name);
    if (list) list.push(url);
    else byName.set(name, [url]);
  }
  const unmatched: UnmatchedConversionSource[] = [];
  for (const [source, list] of Object.entries(results.conversions)) {
    if (urls.has(source)) continue;
    const outputs = list.filter((c) => c.success).map((c) => c.output);
    if (outputs.length === 0) continue;
    const input = closest(source, byName);
    unmatched.push({ source, outputs, ...(input ? { closestInput: input } : {}), cause: describeCause(source, input) });
  }
  return unmatched;
}
