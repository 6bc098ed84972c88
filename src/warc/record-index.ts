/**
 * CDXJ lines of the records a WARC run writes (pure), from what the writer knows of each record
 * (offset, length, digests): `urlkey timestamp {url, mime, status, digest, length, offset,
 * filename}`, field for field what warcio.js's CDXIndexer writes for the same WARC (the format
 * pywb and ReplayWeb.page load), without reading the WARC back, keyed as pywb keys them (see
 * indexKey). warcinfo records are not indexed.
 */
import { getSurt } from 'warcio';
import { isMetadataUri, metadataIndexKey } from '../transclusions/record-uri.js';
import { timestamp14 } from '../util/timestamps.js';
import { RECORD_TRAILER } from './records.js';
import type { WrittenRecord } from './writer.js';

/**
 * The key of a URI in the index, as pywb's `canonicalize` makes it, so pywb finds every record
 * through warckit's index as through its own: warcio.js's SURT (the same but for this) without
 * the trailing slash of a directory URL (`com,example)/dir/` → `com,example)/dir`, where pywb
 * found no directory page), and metadata records as {@link metadataIndexKey} keys them.
 * ReplayWeb.page reads the `url` of each line, not its key.
 */
export function indexKey(uri: string): string {
  if (isMetadataUri(uri)) return metadataIndexKey(uri);
  const surt = getSurt(uri);
  const q = surt.indexOf('?');
  const path = q < 0 ? surt : surt.slice(0, q);
  return path.endsWith('/') && !path.endsWith(')/') ? path.slice(0, -1) + (q < 0 ? '' : surt.slice(q)) : surt;
}

/** A line of warcio.js's indexer with its key made {@link indexKey}'s (lines of a WARC appended to, and this run's, in one index). */
export function rekeyedLine(line: string): string {
  const json = line.indexOf(' {');
  const space = line.indexOf(' ');
  const url = (JSON.parse(line.slice(json + 1)) as { url?: string }).url;
  return url === undefined ? line : `${indexKey(url)}${line.slice(space)}`;
}

/**
 * The index line of a written record, or undefined for a record an index leaves out.
 * `payloadDigest`: its WARC-Payload-Digest as written (a revisit's is the revisited record's).
 */
export function cdxjLineOf(record: WrittenRecord, payloadDigest: string | undefined, filename: string, gzip: boolean): string | undefined {
  if (record.type === 'warcinfo' || record.targetUri === undefined) return undefined;
  const fields: Record<string, string> = { url: record.targetUri };
  // As warcio.js: a revisit's mime is warc/revisit; other non-HTTP records give their Content-Type as it is.
  const mime = record.type === 'revisit' ? 'warc/revisit' : record.contentType;
  if (mime) fields.mime = mime;
  const digest = payloadDigest?.split(':', 2)[1];
  if (digest) fields.digest = digest;
  // Strings, as warcio.js and pywb write them; warcio.js leaves an uncompressed record's closing CRLFs out of its length.
  fields.length = String(gzip ? record.length : record.length - RECORD_TRAILER.length);
  fields.offset = String(record.offset);
  fields.filename = filename;
  return `${indexKey(record.targetUri)} ${timestamp14(record.date)} ${JSON.stringify(fields)}`;
}
