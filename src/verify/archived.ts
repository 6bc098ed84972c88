/**
 * Was each source and conversion really archived? Pure: the records read back from the WARCs
 * against what the results file (or a fixity manifest) recorded at conversion:
 * - `archived`: a record is there, its digests hold, and its payload is what was recorded;
 * - `changed`: a record is there, but damaged or with other bytes than those recorded;
 * - `missing`: no record for it;
 * - `failed`: the conversion failed (or the source is not media), with the reason.
 */
import { posix } from 'node:path';
import type { ConversionResult, ConversionResults } from '../convert/results.js';
import { lastTellingLine } from '../media/ffmpeg-log.js';
import type { FixityAlgorithm } from './fixity.js';

/** Whether something recorded at conversion is in the archive as it was. */
export type ArchivedStatus = 'archived' | 'missing' | 'changed' | 'failed';
export const ARCHIVED_STATUSES: readonly ArchivedStatus[] = ['archived', 'missing', 'changed', 'failed'];

/** A record read back from a WARC. */
export interface IndexedRecord {
  warc: string;
  offset: number;
  type: string;
  uri?: string;
  /** WARC-Source-URI without `file://`. */
  sourcePath?: string;
  sha256: string;
  md5?: string;
  /** What is wrong with the record itself (digests, length). */
  problems: readonly string[];
}

/** One thing that should be in the archive, and whether it is. */
export interface VerifiedItem {
  status: ArchivedStatus;
  /** `source`, `conversion` (results file) or `file` (manifest). */
  kind: 'source' | 'conversion' | 'file';
  /** Its URL (results) or path (manifest). */
  name: string;
  /** The source URL a conversion belongs to. */
  source?: string;
  detail: string;
  /** The record that answered, when there is one. */
  warc?: string;
  offset?: number;
}

const CONTENT_TYPES = new Set(['resource', 'response', 'conversion']);

function where(r: IndexedRecord): string {
  return `${r.type} record in ${r.warc} at offset ${r.offset}`;
}

/** The verdict for something recorded with `sha256` (or nothing recorded) among `records` of its URL. */
function judge(records: readonly IndexedRecord[], sha256: string | undefined, what: string): Omit<VerifiedItem, 'kind' | 'name'> {
  const candidates = records.filter((r) => CONTENT_TYPES.has(r.type));
  if (candidates.length === 0) return { status: 'missing', detail: `no record of the ${what} in the WARCs` };
  const sound = candidates.filter((r) => r.problems.length === 0);
  const match = sound.find((r) => sha256 === undefined || r.sha256 === sha256.toLowerCase());
  if (match) return { status: 'archived', detail: `${where(match)}${sha256 === undefined ? ' (no sha256 recorded at conversion: presence checked only)' : ', sha256 as recorded'}`, warc: match.warc, offset: match.offset };
  const damaged = candidates.find((r) => r.problems.length > 0);
  if (damaged) return { status: 'changed', detail: `${where(damaged)}: ${damaged.problems.join('; ')}`, warc: damaged.warc, offset: damaged.offset };
  const other = candidates[0]!;
  return { status: 'changed', detail: `${where(other)} holds other bytes than the ${what} had at conversion (sha256 ${other.sha256.slice(0, 12)}…, recorded ${String(sha256).slice(0, 12)}…)`, warc: other.warc, offset: other.offset };
}

function failureOf(r: ConversionResult): string {
  if (typeof r.failure === 'string' && r.failure) return r.failure;
  const telling = typeof r.stderr_tail === 'string' ? lastTellingLine(r.stderr_tail) : undefined;
  if (telling) return `exit code ${String(r.exit_code)}: ${telling}`;
  if (typeof r.exit_code === 'number') return `exit code ${r.exit_code}`;
  return 'the conversion failed (no reason recorded)';
}

function sha256Of(value: unknown): string | undefined {
  return typeof value === 'string' && /^[0-9a-f]{64}$/i.test(value) ? value : undefined;
}

/** Every source and conversion of a results file, judged against the records by URL. */
export function itemsFromResults(results: ConversionResults, byUri: ReadonlyMap<string, readonly IndexedRecord[]>): VerifiedItem[] {
  const items: VerifiedItem[] = [];
  for (const [source, list] of Object.entries(results.conversions)) {
    const sourceSha = sha256Of(list.find((r) => sha256Of(r.source_sha256))?.source_sha256);
    items.push({ kind: 'source', name: source, ...judge(byUri.get(source) ?? [], sourceSha, 'source') });
    for (const r of list) {
      if (r.type === 'not-media') continue; // the source's own row says it is archived; why nothing was converted:
      if (!r.success) {
        items.push({ kind: 'conversion', name: r.url, source, status: 'failed', detail: failureOf(r) });
        continue;
      }
      items.push({ kind: 'conversion', name: r.url, source, ...judge(byUri.get(r.url) ?? [], sha256Of(r.output_sha256), 'conversion output') });
    }
    const notMedia = list.find((r) => r.type === 'not-media');
    if (notMedia) items.push({ kind: 'conversion', name: source, source, status: 'failed', detail: failureOf(notMedia) });
  }
  return items;
}

/** A line of a fixity manifest, its path made absolute. */
export interface ManifestEntry {
  path: string;
  /** The path as the manifest writes it. */
  listed: string;
  algorithm: FixityAlgorithm;
  hash: string;
}

function pathMatches(recordPath: string, entry: ManifestEntry): boolean {
  if (recordPath === entry.path) return true;
  const tail = posix.normalize(entry.listed).replace(/^(\.\.\/)+/, '');
  return recordPath === tail || recordPath.endsWith(`/${tail}`);
}

/** Every file of a fixity manifest, found in the records by its digest, or by name when its bytes differ. */
export function itemsFromManifest(entries: readonly ManifestEntry[], records: readonly IndexedRecord[]): VerifiedItem[] {
  const byHash = new Map<string, IndexedRecord>();
  for (const r of records) {
    if (!CONTENT_TYPES.has(r.type) || r.problems.length) continue;
    byHash.set(`sha256:${r.sha256}`, byHash.get(`sha256:${r.sha256}`) ?? r);
    if (r.md5) byHash.set(`md5:${r.md5}`, byHash.get(`md5:${r.md5}`) ?? r);
  }
  return entries.map((e): VerifiedItem => {
    const found = byHash.get(`${e.algorithm}:${e.hash}`);
    if (found) return { kind: 'file', name: e.path, status: 'archived', detail: `${where(found)} (${found.uri ?? ''}), ${e.algorithm} as in the manifest`, warc: found.warc, offset: found.offset };
    const named = records.find((r) => CONTENT_TYPES.has(r.type) && r.sourcePath !== undefined && pathMatches(r.sourcePath, e));
    if (named) return { kind: 'file', name: e.path, status: 'changed', detail: `${where(named)} (${named.uri ?? ''}) ${named.problems.length ? `is damaged: ${named.problems.join('; ')}` : `holds other bytes than the manifest's ${e.algorithm}`}`, warc: named.warc, offset: named.offset };
    return { kind: 'file', name: e.path, status: 'missing', detail: 'no record with its digest or its name in the WARCs' };
  });
}

/** Items per status. */
export function countStatuses(items: readonly VerifiedItem[]): Record<ArchivedStatus, number> {
  const counts = { archived: 0, missing: 0, changed: 0, failed: 0 };
  for (const item of items) counts[item.status]++;
  return counts;
}
