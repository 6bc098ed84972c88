/**
 * WARC record heads as plain data, and their serialization. Pure: no I/O, no clock, no
 * randomness; callers pass record IDs and dates so golden tests can fix them.
 */
import { warcDate } from '../util/timestamps.js';

/** The WARC format version written. */
export type WarcVersion = '1.0' | '1.1';
export type WarcHeaderList = Array<[name: string, value: string]>;

/** Everything a record head needs except its length and digests, which the writer supplies. */
export interface RecordHead {
  type: 'warcinfo' | 'resource' | 'revisit' | 'conversion' | 'metadata';
  recordId: string;
  date: Date;
  targetUri?: string;
  filename?: string;
  contentType?: string;
  /** Extra headers in the order they should appear (Source-URI, Creation-Date, Refers-To...). */
  headers: WarcHeaderList;
}

/** A record's digests as header values (`sha1:<base32>`). */
export interface RecordDigests {
  payload?: string;
  block?: string;
}

export const REVISIT_CONTENT_TYPE = 'application/http; msgtype=response';
export const WARCINFO_CONTENT_TYPE = 'application/warc-fields';

/** Header values travel on one line: control characters (a newline in a file name) are %-escaped. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x1f\x7f]/;

export function headerValue(value: string): string {
  if (!CONTROL.test(value)) return value;
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\x00-\x1f\x7f]/g, (ch) => `%${ch.charCodeAt(0).toString(16).padStart(2, '0').toUpperCase()}`);
}

/** Ordered header list of a record (Content-Length last). */
export function headerList(head: RecordHead, version: WarcVersion, length: number, digests: RecordDigests): WarcHeaderList {
  const list: WarcHeaderList = [
    ['WARC-Type', head.type],
    ['WARC-Record-ID', head.recordId],
    ['WARC-Date', warcDate(head.date, version)],
  ];
  if (head.targetUri !== undefined) list.push(['WARC-Target-URI', head.targetUri]);
  if (head.filename !== undefined) list.push(['WARC-Filename', head.filename]);
  list.push(...head.headers);
  if (head.contentType) list.push(['Content-Type', head.contentType]);
  if (digests.payload) list.push(['WARC-Payload-Digest', digests.payload]);
  if (digests.block) list.push(['WARC-Block-Digest', digests.block]);
  list.push(['Content-Length', String(length)]);
  return list;
}

/** The serialized head: version line, headers, blank line. UTF-8, as WARC 1.1 allows and warcio writes. */
export function serializeHead(head: RecordHead, version: WarcVersion, length: number, digests: RecordDigests): Buffer {
  return completeHead(headPrefix(head, version), length, digests);
}

/** The head's text up to its digests (which come last, with Content-Length): what is known before the payload is read. */
export function headPrefix(head: RecordHead, version: WarcVersion): string {
  // Built as one string, in headerList's order (a small file's head is built once per record: no arrays on the way).
  let text = `WARC/${version}\r\nWARC-Type: ${head.type}\r\nWARC-Record-ID: ${headerValue(head.recordId)}\r\nWARC-Date: ${warcDate(head.date, version)}\r\n`;
  if (head.targetUri !== undefined) text += `WARC-Target-URI: ${headerValue(head.targetUri)}\r\n`;
  if (head.filename !== undefined) text += `WARC-Filename: ${headerValue(head.filename)}\r\n`;
  for (const [k, v] of head.headers) text += `${k}: ${headerValue(v)}\r\n`;
  if (head.contentType) text += `Content-Type: ${headerValue(head.contentType)}\r\n`;
  return text;
}

/** The serialized head from its {@link headPrefix}, the block's length and the digests. */
export function completeHead(prefix: string, length: number, digests: RecordDigests): Buffer {
  const payload = digests.payload ? `WARC-Payload-Digest: ${digests.payload}\r\n` : '';
  const block = digests.block ? `WARC-Block-Digest: ${digests.block}\r\n` : '';
  return Buffer.from(`${prefix}${payload}${block}Content-Length: ${length}\r\n\r\n`, 'utf8');
}

/** Every record ends with two CRLFs after its block. */
export const RECORD_TRAILER = Buffer.from('\r\n\r\n', 'latin1');

/** The warcinfo block: `name: value` lines, empty values left out (as warcio does). */
export function warcinfoBlock(fields: ReadonlyArray<[string, string | undefined]>): Buffer {
  return Buffer.from(
    fields
      .filter(([, v]) => v)
      .map(([k, v]) => `${k}: ${headerValue(v!)}\r\n`)
      .join(''),
    'utf8',
  );
}

export function revisitProfile(version: WarcVersion): string {
  return `http://netpreserve.org/warc/${version}/revisit/identical-payload-digest`;
}
