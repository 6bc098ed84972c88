/**
 * Reading a record's block back and checking it: its WARC-Block-Digest and WARC-Payload-Digest
 * (the payload is the block, or what follows the HTTP head of an `application/http` record),
 * its Content-Length, and the payload's sha256 (and md5, when asked) to match against what
 * conversion recorded.
 */
import { createHash, getHashes, type Hash } from 'node:crypto';
import type { WARCRecord } from 'warcio';
import { parseDigest } from '../warc/digest.js';
import type { BlockReader } from '../warc/record-scan.js';

/** What one record's bytes showed. */
export interface RecordCheck {
  /** Bytes of the block read. */
  size: number;
  /** Problems with the record itself (digests or length that do not match). */
  problems: string[];
  /** Hex digests of the payload. */
  sha256: string;
  md5?: string;
}

const HEAD_END = Buffer.from('\r\n\r\n');
const MAX_HTTP_HEAD = 1024 * 1024;
const known = new Set(getHashes());

function hasherFor(header: string | null | undefined): { expected: Buffer; algorithm: string; hash: Hash } | undefined | 'unknown' {
  if (!header) return undefined;
  const parsed = parseDigest(header);
  if (!parsed || !known.has(parsed.algorithm)) return 'unknown';
  return { expected: parsed.raw, algorithm: parsed.algorithm, hash: createHash(parsed.algorithm) };
}

/** A reader for {@link walkWarcRecords} that checks every digest and length of each record. */
export function digestReader(options: { md5?: boolean } = {}): BlockReader<RecordCheck> {
  return async (record: WARCRecord) => {
    const type = record.warcType ?? '';
    const block = hasherFor(record.warcHeader('WARC-Block-Digest'));
    // A revisit's payload digest names the payload it revisits, not its own (empty) block.
    const payload = type === 'revisit' ? undefined : hasherFor(record.warcPayloadDigest);
    const http = (record.warcContentType ?? '').toLowerCase().startsWith('application/http') && (type === 'response' || type === 'request');
    const sha256 = createHash('sha256');
    const md5 = options.md5 ? createHash('md5') : undefined;
    const payloadHashes = [sha256, ...(md5 ? [md5] : []), ...(payload && payload !== 'unknown' ? [payload.hash] : [])];
    let head: Buffer | undefined = http ? Buffer.alloc(0) : undefined;
    let size = 0;
    for await (const chunk of record.reader) {
      const bytes = Buffer.from(chunk);
      size += bytes.length;
      if (block && block !== 'unknown') block.hash.update(bytes);
      let body = bytes;
      if (head) {
        const joined = Buffer.concat([head, bytes]);
        const end = joined.indexOf(HEAD_END);
        if (end < 0 && joined.length < MAX_HTTP_HEAD) {
          head = joined;
          continue;
        }
        body = end < 0 ? joined : joined.subarray(end + 4);
        head = undefined;
      }
      for (const h of payloadHashes) h.update(body);
    }
    const problems: string[] = [];
    const declared = Number(record.warcHeader('Content-Length') ?? NaN);
    if (Number.isFinite(declared) && declared !== size) problems.push(`Content-Length says ${declared} bytes, the block has ${size}`);
    for (const [name, h] of [['WARC-Block-Digest', block], ['WARC-Payload-Digest', payload]] as const) {
      // An algorithm Node does not have is left unchecked rather than called damage.
      if (h && h !== 'unknown' && !h.hash.digest().equals(h.expected)) problems.push(`${name} does not match (damaged)`);
    }
    const complete = !Number.isFinite(declared) || size >= declared;
    return { complete, value: { size, problems, sha256: sha256.digest('hex'), ...(md5 ? { md5: md5.digest('hex') } : {}) } };
  };
}
