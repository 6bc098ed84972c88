/**
 * `verifyArchive`: read WARCs back, check every record's digests and that each file was read to
 * its end, and say for each source and conversion of a results file (or each file of a fixity
 * manifest) whether it is archived, missing, changed or failed.
 */
import { realpath } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { readConversionResults } from '../convert/results.js';
import { sniffReplayFile } from '../replay/file-kind.js';
import { warckitSpelling } from '../transclusions/media-urls.js';
import { type ScanProblem, walkWarcRecords } from '../warc/record-scan.js';
import { type ArchivedStatus, countStatuses, type IndexedRecord, itemsFromManifest, itemsFromResults, type ManifestEntry, type VerifiedItem } from './archived.js';
import { readManifest } from './fixity-files.js';
import { digestReader } from './record-digests.js';

/**
 * Options of {@link verifyArchive}.
 * @example
 * const report = await verifyArchive({ warcs: ['site.warc.gz'], conversions: 'conversions/warcit-conversion-results.yaml' });
 * if (report.counts.archived !== report.items.length || report.problems.length) process.exitCode = 1;
 */
export interface VerifyArchiveOptions {
  /** WARC files (`.warc` or `.warc.gz`, told by their content). */
  warcs: readonly string[];
  /** A conversion results file: each source and conversion in it is judged. */
  conversions?: string;
  /** Fixity manifests (`md5sum`/`sha256sum` format): each file in them is judged. */
  manifests?: readonly string[];
  signal?: AbortSignal;
}

/** What {@link verifyArchive} found. */
export interface VerifyReport {
  warcs: string[];
  /** Records read back. */
  records: number;
  /** Sources, conversions and files, each with its status. */
  items: VerifiedItem[];
  counts: Record<ArchivedStatus, number>;
  /** Damage in the WARCs: records cut off, unreadable stretches, digests that do not match. */
  problems: ScanProblem[];
}

/** A WARC or another input could not be read at all. */
export class VerifyInputError extends Error {
  override name = 'VerifyInputError';
}

async function manifestEntries(files: readonly string[]): Promise<ManifestEntry[]> {
  const out: ManifestEntry[] = [];
  for (const file of files) {
    const read = await readManifest(file);
    if (!read) throw new VerifyInputError(`${file}: no such file`);
    for (const line of read.lines) out.push({ path: resolve(dirname(file), line.path), listed: line.path, algorithm: read.algorithm, hash: line.hash });
  }
  return out;
}

/** Read the WARCs back and judge what the results file and manifests say should be in them. */
export async function verifyArchive(options: VerifyArchiveOptions): Promise<VerifyReport> {
  if (!options.warcs.length) throw new VerifyInputError('Expected at least one WARC file');
  // What is expected is read first: a bad results file or manifest fails before the long read.
  const results = options.conversions ? await readConversionResults(options.conversions) : undefined;
  const entries = await manifestEntries(options.manifests ?? []);
  const kinds = await Promise.all(options.warcs.map(async (warc) => [warc, await sniffReplayFile(warc)] as const));
  for (const [warc, kind] of kinds) if (kind === 'cdxj') throw new VerifyInputError(`${warc}: a CDXJ index, not a WARC`);

  const problems: ScanProblem[] = [];
  const records: IndexedRecord[] = [];
  const read = digestReader({ md5: entries.some((e) => e.algorithm === 'md5') });
  /** Where each WARC-Record-ID was first seen: an ID must be unique (WARC 1.1, 5.2). */
  const firstWithId = new Map<string, { warc: string; offset: number }>();
  const seenWarcs = new Set<string>();
  for (const [warc, kind] of kinds) {
    // One WARC given twice is read once (its records would all share their IDs with themselves).
    const real = await realpath(warc).catch(() => resolve(warc));
    if (seenWarcs.has(real)) continue;
    seenWarcs.add(real);
    for await (const { record, offset, value } of walkWarcRecords(warc, kind === 'warc.gz', problems, read)) {
      if (options.signal?.aborted) throw new VerifyInputError('interrupted');
      const sourceUri = record.warcHeader('WARC-Source-URI');
      const indexed: IndexedRecord = { warc, offset, type: record.warcType ?? '', sha256: value.sha256, problems: value.problems, ...(value.md5 ? { md5: value.md5 } : {}) };
      if (record.warcTargetURI) indexed.uri = record.warcTargetURI;
      if (sourceUri?.startsWith('file://')) indexed.sourcePath = sourceUri.slice('file://'.length);
      records.push(indexed);
      for (const problem of value.problems) problems.push({ file: warc, offset, problem: `${indexed.type} record ${indexed.uri ?? ''}: ${problem}` });
      const id = record.warcHeader('WARC-Record-ID');
      const first = id !== undefined && id !== null ? firstWithId.get(id) : undefined;
      if (first) problems.push({ file: warc, offset, problem: `${indexed.type} record ${indexed.uri ?? ''}: its WARC-Record-ID ${id} is also that of the record at offset ${first.offset} of ${first.warc}` });
      else if (id) firstWithId.set(id, { warc, offset });
    }
  }
  const byUri = new Map<string, IndexedRecord[]>();
  // Keyed as results are read (warckitSpelling): a WARC of warcit, or of an older warckit, names `…/café.flv` raw.
  for (const r of records) {
    if (r.uri === undefined) continue;
    const uri = warckitSpelling(r.uri);
    const list = byUri.get(uri);
    if (list) list.push(r);
    else byUri.set(uri, [r]);
  }
  const items = [...(results ? itemsFromResults(results, byUri) : []), ...itemsFromManifest(entries, records)];
  return { warcs: [...options.warcs], records: records.length, items, counts: countStatuses(items), problems };
}
