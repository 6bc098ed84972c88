/**
 * The write side of the results file: merge new entries into what is there (warcit's
 * `conversions.update(new)`: a source's list is replaced, other sources are kept) and write
 * it atomically, as YAML that PyYAML reads back the same (strings that YAML 1.1 or 1.2 would
 * read as something else are quoted; no aliases). js-yaml writes 10,000 entries in about 0.5 s.
 */
import { dump } from 'js-yaml';
import { writeFileAtomic } from '../util/atomic.js';
import type { ConversionResult, ConversionResults } from './results.js';

const KEY_ORDER = ['url', 'output', 'metadata', 'type', 'success', 'output_size', 'output_sha256', 'source_size', 'source_sha256', 'source_path', 'exit_code', 'signal', 'failure', 'stderr_tail', 'duration_seconds', 'tool_version', 'argv', 'rule_digest'];

/** warcit's keys first, then ours, so the file reads like warcit's. */
export function orderedResult(result: ConversionResult): ConversionResult {
  const out: Record<string, unknown> = {};
  for (const key of KEY_ORDER) if (result[key] !== undefined) out[key] = result[key];
  for (const [key, value] of Object.entries(result)) if (!(key in out) && value !== undefined) out[key] = value;
  return out as ConversionResult;
}

/**
 * Replace each updated source's list (warcit's semantics); other sources are kept. Neither
 * argument is mutated.
 */
export function mergeConversionResults(existing: ConversionResults, updates: Readonly<Record<string, readonly ConversionResult[]>>): ConversionResults {
  const conversions: Record<string, ConversionResult[]> = { ...existing.conversions };
  for (const [source, list] of Object.entries(updates)) conversions[source] = list.map(orderedResult);
  return { ...existing, conversions };
}

/**
 * Merge entries into one source's list by output URL, keeping the others (for a source whose
 * conversions were interrupted part-way: what finished is recorded, nothing is lost).
 */
export function mergeSourceEntries(previous: readonly ConversionResult[], fresh: readonly ConversionResult[]): ConversionResult[] {
  const byUrl = new Map(fresh.map((r) => [r.url, r]));
  const merged = previous.map((r) => byUrl.get(r.url) ?? r);
  for (const r of fresh) if (!previous.some((p) => p.url === r.url)) merged.push(r);
  return merged.map(orderedResult);
}

const DUMP = { noRefs: true, lineWidth: -1 } as const;

/** One source's entry under `conversions:` as YAML text (indented), so a run can render each source once and join them. */
export function stringifySourceResults(source: string, list: readonly ConversionResult[]): string {
  return dump({ [source]: list }, DUMP).replace(/^(?=.)/gm, '  ');
}

/** The results document as YAML text, from per-source blocks (`block` may return a cached one). */
export function assembleConversionResults(results: ConversionResults, block: (source: string, list: readonly ConversionResult[]) => string = stringifySourceResults): string {
  const { conversions, ...rest } = results;
  const sources = Object.keys(conversions);
  const head = sources.length ? `conversions:\n${sources.map((s) => block(s, conversions[s]!)).join('')}` : 'conversions: {}\n';
  return Object.keys(rest).length ? head + dump(rest, DUMP) : head;
}

/** The results document as YAML text. */
export function stringifyConversionResults(results: ConversionResults): string {
  return assembleConversionResults(results);
}

/** Write the results file atomically (temporary file + rename), creating its directory. */
export async function writeConversionResults(file: string, results: ConversionResults, text: string = stringifyConversionResults(results)): Promise<void> {
  await writeFileAtomic(file, text);
}
