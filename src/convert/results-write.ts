/**
 * The write side of the results file: merge new entries into what is there (warcit's
 * `conversions.update(new)`: a source's list is replaced, other sources are kept) and write
 * it atomically, as YAML that PyYAML reads back the same (YAML 1.1 quoting, no aliases).
 */
import { stringify } from 'yaml';
import { writeFileAtomic } from '../util/atomic.js';
import type { ConversionResult, ConversionResults } from './results.js';

const KEY_ORDER = ['url', 'output', 'metadata', 'type', 'success', 'output_size', 'output_sha256', 'source_size', 'source_sha256', 'exit_code', 'signal', 'failure', 'stderr_tail', 'duration_seconds', 'tool_version', 'argv', 'rule_digest'];

/** warcit's keys first, then ours, so the file reads like warcit's. */
function ordered(result: ConversionResult): ConversionResult {
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
  for (const [source, list] of Object.entries(updates)) conversions[source] = list.map(ordered);
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
  return merged.map(ordered);
}

/** The results document as YAML text. */
export function stringifyConversionResults(results: ConversionResults): string {
  return stringify(results, { version: '1.1', aliasDuplicateObjects: false, lineWidth: 0 });
}

/** Write the results file atomically (temporary file + rename), creating its directory. */
export async function writeConversionResults(file: string, results: ConversionResults): Promise<void> {
  await writeFileAtomic(file, stringifyConversionResults(results));
}
