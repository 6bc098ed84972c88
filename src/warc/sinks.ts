/**
 * Where planned records go besides a WARC file: any Writable (a socket, an upload, a pipeline's
 * own stream), byte for byte what the file sink writes. See warcio-records.ts for warcio.js.
 */
import type { Writable } from 'node:stream';
import type { DigestAlgorithm } from './digest.js';
import type { GzipLevelSetting } from './gzip.js';
import type { WarcRecordPlan } from './plan.js';
import type { WarcVersion } from './records.js';
import { type WarcRecordInput, WarcWriter, type WrittenRecord } from './writer.js';

/** Records to write: a plan (its version is used, and it is closed when done) or any iterable of record inputs. */
export type RecordSource = WarcRecordPlan | AsyncIterable<WarcRecordInput> | Iterable<WarcRecordInput>;

/** How records are written by {@link writeWarcRecords}. */
export interface WriteRecordsOptions {
  /** One gzip member per record. Default true. */
  gzip?: boolean;
  /** `auto` (default): payloads that do not compress are stored, the rest compressed at level 6. */
  gzipLevel?: GzipLevelSetting;
  /** Default `sha1` (base32, as warcio writes). */
  digestAlgorithm?: DigestAlgorithm;
  /** Default: the plan's, else `1.0`. */
  warcVersion?: WarcVersion;
  /** Names the output in errors. Default `the WARC stream`. */
  name?: string;
  signal?: AbortSignal;
  /** Told when each record is in the stream (offsets count from the first byte this call writes). */
  onRecord?: (record: WrittenRecord) => void;
}

/** What {@link writeWarcRecords} wrote. */
export interface WriteRecordsResult {
  /** Records by WARC-Type. */
  counts: Record<string, number>;
  records: number;
  bytes: number;
}

export function isPlan(source: RecordSource): source is WarcRecordPlan {
  return typeof source === 'object' && source !== null && 'records' in source && 'report' in source && typeof (source as WarcRecordPlan).close === 'function';
}

/** The version a source's records are made for. */
export function versionOf(source: RecordSource, given: WarcVersion | undefined): WarcVersion {
  const planned = isPlan(source) ? source.warcVersion : undefined;
  if (given !== undefined && planned !== undefined && given !== planned) throw new TypeError(`Expected \`warcVersion\` to be the plan's (${planned}), got ${given}`);
  return given ?? planned ?? '1.0';
}

/**
 * Write records to a Writable, in order, exactly as the file sink would write them (the stream
 * is not ended). A large file is read twice, since a stream cannot be rewritten: hashed, then
 * copied; a file that changes in between fails its record.
 * @example
 * const plan = await planWarcRecords({ urlPrefix: 'http://www.example.com/', inputs: ['site/'] });
 * await writeWarcRecords(plan, createWriteStream('site.warc.gz'));
 */
export async function writeWarcRecords(source: RecordSource, output: Writable, options: WriteRecordsOptions = {}): Promise<WriteRecordsResult> {
  const counts: Record<string, number> = {};
  const writer = new WarcWriter(output, 0, {
    gzip: options.gzip ?? true,
    gzipLevel: options.gzipLevel ?? 'auto',
    version: versionOf(source, options.warcVersion),
    digestAlgorithm: options.digestAlgorithm ?? 'sha1',
    name: options.name ?? 'the WARC stream',
    ...(options.signal ? { signal: options.signal } : {}),
    onRecord: (record) => {
      counts[record.type] = (counts[record.type] ?? 0) + 1;
      options.onRecord?.(record);
    },
  });
  const records: AsyncIterable<WarcRecordInput> | Iterable<WarcRecordInput> = isPlan(source) ? source.records : source;
  try {
    for await (const record of records) await writer.add(record);
    await writer.flush();
  } catch (error) {
    await writer.close();
    throw error;
  } finally {
    if (isPlan(source)) await source.close();
  }
  return { counts, records: Object.values(counts).reduce((n, c) => n + c, 0), bytes: writer.offset };
}
