/**
 * Replay-side lookups over WARC files and CDXJ transclusion indexes. An index (from
 * `writeTransclusionIndex`, `warckit-replay index`) answers from a few block reads plus the
 * records it points to; WARCs given directly are scanned once, their metadata kept in memory.
 */
import { type FileHandle, open, stat } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { canonicalPageUrl, isMetadataFor, metadataUriPrefixes, pageKey, pageUrlCandidates } from '../transclusions/record-uri.js';
import { indexKey, parseCdxjLine, parseMetaLine } from './cdxj.js';
import { ReplayInputError, sniffReplayFile } from './file-kind.js';
import { type LookupResult, mergeTransclusions, selectClosest } from './lookup.js';
import { readRecordAt } from './record-read.js';
import { MetadataRecordError, parseTransclusionRecord, type TransclusionRecord } from './records.js';
import { linesWithPrefix } from './sorted-lines.js';
import { type MetadataEntry, type ScanProblem, scanMetadataRecords } from './warc-scan.js';

/** A record that may apply, loaded only if it is among the closest. */
interface Candidate {
  timestamp: string;
  /** Where it is: the WARC's place among the inputs, then the offset (records merge in this order). */
  order: readonly [number, number];
  load(): Promise<TransclusionRecord | undefined>;
}

function byPlace(a: Candidate, b: Candidate): number {
  return a.order[0] - b.order[0] || a.order[1] - b.order[1];
}

interface Source {
  candidates(pageUrl: string, problems: ScanProblem[]): Promise<Candidate[]>;
  /** The files it reads: WARCs, or an index and the WARCs it names. */
  files: string[];
  close(): Promise<void>;
}

function parseOrReport(input: Parameters<typeof parseTransclusionRecord>[0], file: string, offset: number, problems: ScanProblem[]): TransclusionRecord | undefined {
  try {
    return parseTransclusionRecord(input);
  } catch (error) {
    if (!(error instanceof MetadataRecordError)) throw error;
    problems.push({ file, offset, problem: error.message });
    return undefined;
  }
}

/** WARCs scanned into memory. */
async function memorySource(paths: ReadonlyArray<{ path: string; kind: 'warc' | 'warc.gz' }>, problems: ScanProblem[]): Promise<Source> {
  const byPage = new Map<string, Candidate[]>();
  for (const [fileIndex, { path, kind }] of paths.entries()) {
    for await (const { entry, body } of scanMetadataRecords(path, kind, problems)) {
      const record = parseOrReport(
        { targetUri: entry.uri, warcDate: entry.timestamp, ...(entry.created ? { creationDate: entry.created } : {}), body },
        path,
        entry.offset,
        problems,
      );
      if (!record) continue;
      const key = pageKey(record.pageUrl);
      const candidate: Candidate = { timestamp: record.timestamp, order: [fileIndex, entry.offset], load: async () => record };
      const list = byPage.get(key);
      if (list) list.push(candidate);
      else byPage.set(key, [candidate]);
    }
  }
  return {
    candidates: async (pageUrl) => byPage.get(pageKey(pageUrl)) ?? [],
    files: paths.map((p) => p.path),
    close: async () => undefined,
  };
}

/** A CDXJ index file; its WARCs are read only for the records a lookup needs. */
async function indexSource(path: string, warnings: string[]): Promise<Source> {
  const handle: FileHandle = await open(path, 'r');
  const base = dirname(path);
  const warcPath = (filename: string): string => (isAbsolute(filename) ? filename : resolve(base, filename));
  const [first] = await linesWithPrefix(handle, '!meta ');
  const meta = first ? parseMetaLine(first) : undefined;
  if (!meta) warnings.push(`${path}: not written by warckit-replay index (no !meta line); used as a CDXJ of metadata records`);
  const fileIndex = new Map(Object.keys(meta?.warcs ?? {}).map((name, i) => [name, i]));
  for (const [name, indexed] of Object.entries(meta?.warcs ?? {})) {
    const now = await stat(warcPath(name)).catch(() => undefined);
    if (!now) warnings.push(`${path}: ${warcPath(name)} is missing`);
    else if (now.size !== indexed.size) warnings.push(`${path}: ${warcPath(name)} changed since it was indexed (${indexed.size} → ${now.size} bytes): run warckit-replay index again`);
  }
  return {
    files: [path, ...Object.keys(meta?.warcs ?? {}).map(warcPath)],
    async candidates(pageUrl, problems) {
      const lines = (await Promise.all(metadataUriPrefixes(pageUrl).map((prefix) => linesWithPrefix(handle, indexKey(prefix))))).flat();
      const entries = lines.map(parseCdxjLine).filter((e): e is MetadataEntry => e !== undefined && isMetadataFor(e.uri, pageUrl));
      return entries.map((entry) => ({
        timestamp: entry.timestamp,
        order: [fileIndex.get(entry.filename) ?? fileIndex.size, entry.offset] as const,
        async load() {
          const file = warcPath(entry.filename);
          try {
            const read = await readRecordAt(file, entry.offset, entry.length);
            const creationDate = read.creationDate ?? entry.created;
            return parseOrReport({ targetUri: read.uri, warcDate: read.warcDate, body: read.body, ...(creationDate ? { creationDate } : {}) }, file, entry.offset, problems);
          } catch (error) {
            problems.push({ file, offset: entry.offset, problem: (error as Error).message });
            return undefined;
          }
        },
      }));
    },
    close: () => handle.close(),
  };
}

/** Lookups over WARC files and transclusion indexes (any mix). */
export class TransclusionLookup {
  /** Damaged records met so far (scanning, or reading records a lookup needed). */
  readonly problems: ScanProblem[] = [];
  /** Out-of-date or foreign indexes. */
  readonly warnings: string[] = [];
  private sources: Source[] = [];

  private constructor(private readonly indexFiles?: readonly string[]) {}

  /**
   * Open WARCs (`.warc`, `.warc.gz`) and CDXJ indexes, each recognized by its content; anything
   * else (a WACZ, an HTML page, a text file) throws {@link ReplayInputError} naming it.
   * @param indexFiles file names a directory URL's metadata may be under (default index.html, index.htm)
   */
  static async open(paths: readonly string[], options: { indexFiles?: readonly string[] } = {}): Promise<TransclusionLookup> {
    if (!paths.length) throw new ReplayInputError('no WARC or index given');
    const lookup = new TransclusionLookup(options.indexFiles);
    const warcs: Array<{ path: string; kind: 'warc' | 'warc.gz' }> = [];
    try {
      for (const path of paths) {
        const kind = await sniffReplayFile(path);
        if (kind === 'cdxj') lookup.sources.push(await indexSource(path, lookup.warnings));
        else warcs.push({ path, kind });
      }
      if (warcs.length) lookup.sources.push(await memorySource(warcs, lookup.problems));
    } catch (error) {
      await lookup.close();
      throw error;
    }
    return lookup;
  }

  /** The transclusions `pageUrl` gets at `timestamp` (the lookup rule), or undefined when it has none. */
  async lookup(pageUrl: string, timestamp: string): Promise<LookupResult | undefined> {
    for (const candidate of pageUrlCandidates(pageUrl, this.indexFiles)) {
      const closest = selectClosest((await Promise.all(this.sources.map((s) => s.candidates(candidate, this.problems)))).flat(), timestamp).sort(byPlace);
      if (!closest.length) continue;
      // A damaged record is reported (problems) and left out; never replaced by a farther capture.
      const records = (await Promise.all(closest.map((c) => c.load()))).filter((r): r is TransclusionRecord => r !== undefined);
      if (!records.length) return undefined;
      return { pageUrl: canonicalPageUrl(candidate), timestamp: closest[0]!.timestamp, transclusions: mergeTransclusions(records), records: records.length };
    }
    return undefined;
  }

  /** Every file the lookups read: the WARCs and indexes given, and the WARCs those indexes name. */
  get files(): string[] {
    return this.sources.flatMap((s) => s.files);
  }

  async close(): Promise<void> {
    await Promise.all(this.sources.map((s) => s.close()));
    this.sources = [];
  }
}
