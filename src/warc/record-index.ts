/**
 * CDXJ lines of the records a WARC run writes (pure), from what the writer knows of each record
 * (offset, length, digests): `urlkey timestamp {url, mime, status, digest, length, offset,
 * filename}`, field for field what warcio.js's CDXIndexer writes for the same WARC (the format
 * pywb and ReplayWeb.page load), without reading the WARC back. warcinfo records are not indexed.
 */
import { getSurt } from 'warcio';
import { timestamp14 } from '../util/timestamps.js';
import { RECORD_TRAILER } from './records.js';
import type { WrittenRecord } from './writer.js';

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
  return `${getSurt(record.targetUri)} ${timestamp14(record.date)} ${JSON.stringify(fields)}`;
}
