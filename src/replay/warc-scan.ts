/**
 * Find the transclusion metadata records in a WARC, with their offsets. Other records (media
 * of any size) stream by unread. A damaged stretch (a corrupt gzip member, a cut record) is
 * reported with its file and offset, and the scan goes on at the next record that can be read.
 */
import type { WARCRecord } from 'warcio';
import { timestamp14 } from '../util/timestamps.js';
import { type ScanProblem, walkWarcRecords } from '../warc/record-scan.js';
import { isTransclusionRecord } from './records.js';

/** A metadata record found in a WARC. */
export interface MetadataEntry {
  /** WARC-Target-URI. */
  uri: string;
  /** WARC-Date as 14 digits. */
  timestamp: string;
  /** WARC-Creation-Date as 14 digits, when present. */
  created?: string;
  mime?: string;
  digest?: string;
  /** The WARC file, as it was given. */
  filename: string;
  offset: number;
  length: number;
}

export type { ScanProblem } from '../warc/record-scan.js';

export interface ScannedRecord {
  entry: MetadataEntry;
  body: string;
}

function digits14(date: string | null | undefined): string | undefined {
  if (!date) return undefined;
  const parsed = new Date(date);
  return Number.isNaN(parsed.getTime()) ? undefined : timestamp14(parsed);
}

/** Transclusion metadata is a few KB; a larger "metadata" record is not read into memory. */
export const MAX_METADATA_BYTES = 16 * 1024 * 1024;

/** Read a record's block to its end; false when the file ends first. */
async function consume(record: WARCRecord, wanted: boolean): Promise<{ complete: boolean; body?: string }> {
  const declared = Number(record.warcHeader('Content-Length') ?? NaN);
  if (wanted && !(declared > MAX_METADATA_BYTES)) {
    const block = await record.readFully(false);
    return { complete: Number.isNaN(declared) || block.length >= declared, body: Buffer.from(block).toString('utf8') };
  }
  // Not warcio.js's skipFully: it loops for ever when the file ends inside the block.
  let skipped = 0;
  for await (const chunk of record.reader) skipped += chunk.length;
  return { complete: Number.isNaN(declared) || skipped >= declared };
}

/**
 * Every transclusion metadata record of one WARC (`kind` from `sniffReplayFile`), in file order.
 * Problems are pushed to `problems` as they are met.
 */
export async function* scanMetadataRecords(path: string, kind: 'warc' | 'warc.gz', problems: ScanProblem[]): AsyncGenerator<ScannedRecord> {
  const wantedOf = (record: WARCRecord): boolean => (record.warcType === 'resource' || record.warcType === 'metadata') && isTransclusionRecord(record.warcTargetURI ?? undefined, record.warcContentType ?? undefined);
  for await (const { record, offset, length, value } of walkWarcRecords(path, kind === 'warc.gz', problems, async (r) => {
    const wanted = wantedOf(r);
    const { complete, body } = await consume(r, wanted);
    return { complete, value: { wanted, body } };
  })) {
    if (!value.wanted) continue;
    const uri = record.warcTargetURI ?? undefined;
    if (value.body === undefined) {
      problems.push({ file: path, offset, problem: `metadata record ${uri ?? ''} is larger than ${MAX_METADATA_BYTES / 1048576} MiB: not read` });
      continue;
    }
    const entry = metadataEntry(record, path, offset, length);
    if (typeof entry === 'string') problems.push({ file: path, offset, problem: entry });
    else yield { entry, body: value.body };
  }
}

/** The index entry of a metadata record, or what is wrong with its headers. */
function metadataEntry(record: WARCRecord, path: string, offset: number, length: number): MetadataEntry | string {
  const uri = record.warcTargetURI;
  const timestamp = digits14(record.warcDate);
  if (!timestamp || !uri) return 'metadata record without a valid WARC-Date or WARC-Target-URI';
  const entry: MetadataEntry = { uri, timestamp, filename: path, offset, length };
  const created = digits14(record.warcHeader('WARC-Creation-Date'));
  if (created) entry.created = created;
  if (record.warcContentType) entry.mime = record.warcContentType;
  if (record.warcPayloadDigest) entry.digest = record.warcPayloadDigest;
  return entry;
}
