/**
 * The transclusion index as CDXJ (pure): one line per metadata record,
 * `<urlkey> <timestamp> {"url", "mime", "digest", "length", "offset", "filename", "created"}`,
 * the fields and key warcio.js's indexer writes (so pywb can read the file too), sorted
 * bytewise; a first `!meta` line names the WARCs it covers, with their sizes, to tell when the
 * index is out of date.
 */
import { getSurt } from 'warcio';
import { canonicalMetadataUri } from '../transclusions/record-uri.js';
import type { MetadataEntry } from './warc-scan.js';

export const INDEX_FORMAT = 'warckit-transclusion-index';

export interface IndexedWarc {
  size: number;
  mtimeMs: number;
}

export interface IndexMeta {
  /** WARC path, relative to the index file's directory → what it was when indexed. */
  warcs: Record<string, IndexedWarc>;
}

export function metaLine(meta: IndexMeta): string {
  return `!meta ${JSON.stringify({ format: INDEX_FORMAT, version: 1, warcs: meta.warcs })}`;
}

export function parseMetaLine(line: string): IndexMeta | undefined {
  if (!line.startsWith('!meta ')) return undefined;
  try {
    const doc = JSON.parse(line.slice(6)) as { format?: unknown; warcs?: unknown };
    if (doc.format !== INDEX_FORMAT || typeof doc.warcs !== 'object' || doc.warcs === null) return undefined;
    return { warcs: doc.warcs as Record<string, IndexedWarc> };
  } catch {
    return undefined;
  }
}

/**
 * The index key of a record URI: warcio.js's SURT (`urn:` URIs stay as they are) of the URI with
 * its page in canonical form, so records that spell the page otherwise are found too.
 */
export function indexKey(uri: string): string {
  return getSurt(canonicalMetadataUri(uri));
}

/** One index line; `filename` is the WARC path as the index stores it (relative to the index). */
export function cdxjLine(entry: MetadataEntry, filename: string): string {
  const fields: Record<string, string> = { url: entry.uri };
  if (entry.mime) fields.mime = entry.mime;
  if (entry.digest) fields.digest = entry.digest;
  fields.length = String(entry.length);
  fields.offset = String(entry.offset);
  fields.filename = filename;
  if (entry.created) fields.created = entry.created;
  return `${indexKey(entry.uri)} ${entry.timestamp} ${JSON.stringify(fields)}`;
}

/** Parse an index line back into an entry (`filename` as stored); undefined for a line that is not one. */
export function parseCdxjLine(line: string): MetadataEntry | undefined {
  const first = line.indexOf(' ');
  const second = line.indexOf(' ', first + 1);
  if (first <= 0 || second <= first) return undefined;
  try {
    const fields = JSON.parse(line.slice(second + 1)) as Record<string, unknown>;
    const offset = Number(fields.offset);
    const length = Number(fields.length);
    if (typeof fields.url !== 'string' || typeof fields.filename !== 'string' || !Number.isFinite(offset) || !Number.isFinite(length)) return undefined;
    const entry: MetadataEntry = { uri: fields.url, timestamp: line.slice(first + 1, second), filename: fields.filename, offset, length };
    if (typeof fields.created === 'string') entry.created = fields.created;
    if (typeof fields.mime === 'string') entry.mime = fields.mime;
    if (typeof fields.digest === 'string') entry.digest = fields.digest;
    return entry;
  } catch {
    return undefined;
  }
}

/** Sort index lines as CDXJ is sorted: by their UTF-8 bytes. */
export function sortLines(lines: string[]): string[] {
  return lines
    .map((line) => Buffer.from(line, 'utf8'))
    .sort(Buffer.compare)
    .map((b) => b.toString('utf8'));
}
