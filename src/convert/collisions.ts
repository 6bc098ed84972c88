/**
 * @internal Outputs must never be overwritten silently: a planned conversion collides with the
 * results already recorded when its output belongs to another source URL, or when its URL is
 * recorded as converted from a different file (another snapshot of the same site: the results
 * file keeps one list per URL, so the older snapshot's WARC would lose its conversions).
 */
import type { PlannedConversion } from './plan.js';
import type { ConversionResult } from './results.js';

export interface RecordedCollision {
  planned: PlannedConversion;
  message: string;
  /** Not a collision after all when the planned source has this sha256 (the same file, moved). */
  unlessSha256?: string;
}

export function recordedCollisions(plan: readonly PlannedConversion[], recorded: Readonly<Record<string, readonly ConversionResult[]>>, resultsFile: string): RecordedCollision[] {
  const owners = new Map<string, string>();
  for (const [source, list] of Object.entries(recorded)) for (const r of list) owners.set(r.output, source);
  const out: RecordedCollision[] = [];
  const seen = new Set<string>();
  for (const p of plan) {
    const owner = owners.get(p.output);
    if (owner !== undefined && owner !== p.source.url) {
      out.push({ planned: p, message: `${p.output} holds the conversion of ${owner} recorded in ${resultsFile}; converting ${p.sourcePath} (${p.source.url}) would overwrite it: use another --output-dir` });
    }
    if (seen.has(p.source.url)) continue;
    seen.add(p.source.url);
    const other = recorded[p.source.url]?.find((r) => typeof r.source_path === 'string' && r.source_path !== p.sourcePath);
    if (other) {
      out.push({
        planned: p,
        message: `${p.source.url} is recorded in ${resultsFile} as converted from ${String(other.source_path)}; ${p.sourcePath} is a different file (another snapshot?) and would replace that record: convert it into another --output-dir`,
        ...(typeof other.source_sha256 === 'string' ? { unlessSha256: other.source_sha256 } : {}),
      });
    }
  }
  return out;
}
