/**
 * The tests' independent reader: warcio.js parses the WARC, and every digest header is
 * recomputed from the bytes it reads back.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { WARCParser } from 'warcio';
import { parseDigest } from '../../src/warc/digest.js';

export interface ReadRecord {
  type: string;
  targetUri: string | undefined;
  /** Header lookup, case-insensitive. */
  header(name: string): string | undefined;
  /** Header names and values in file order. */
  headerList: Array<[string, string]>;
  payload: Buffer;
  offset: number;
}

export interface DigestProblem {
  targetUri: string | undefined;
  header: string;
  expected: string;
}

/** Payload bytes (and their length) hashed as they stream by, kept only when asked. */
async function digestPayload(record: { reader: AsyncIterable<Uint8Array> | Iterable<Uint8Array> }, algorithms: string[], keep: boolean) {
  const hashes = new Map(algorithms.map((a) => [a, createHash(a)]));
  const parts: Buffer[] = [];
  let length = 0;
  for await (const chunk of record.reader) {
    for (const h of hashes.values()) h.update(chunk);
    length += chunk.length;
    if (keep) parts.push(Buffer.from(chunk));
  }
  return { payload: Buffer.concat(parts), length, digests: new Map([...hashes].map(([a, h]) => [a, h.digest()])) };
}

function checkDigest(header: string | null | undefined, digests: Map<string, Buffer>): boolean {
  if (!header) return true;
  const parsed = parseDigest(header);
  if (!parsed) return false;
  return digests.get(parsed.algorithm)?.equals(parsed.raw) ?? false;
}

/** Read every record with warcio.js and recompute its digests; payloads are kept only if asked. */
export async function readWarc(path: string, keepPayloads = true): Promise<{ records: ReadRecord[]; problems: DigestProblem[] }> {
  const records: ReadRecord[] = [];
  const problems: DigestProblem[] = [];
  // The block as stored: HTTP records (response, request: a crawler's, in a mixed WARC) are split here.
  const parser = new WARCParser(createReadStream(path), { parseHttp: false });
  for await (const record of parser) {
    const wanted = ['WARC-Block-Digest', 'WARC-Payload-Digest'].map((h) => parseDigest(record.warcHeader(h) ?? '')?.algorithm).filter((a): a is string => Boolean(a));
    const http = /^application\/http/i.test(record.warcHeader('Content-Type') ?? '');
    const read = await digestPayload(record, [...new Set(wanted)], keepPayloads || http);
    let { payload, digests } = read;
    const { length } = read;
    const blockDigests = digests;
    if (http) {
      const end = payload.indexOf('\r\n\r\n');
      payload = end < 0 ? Buffer.alloc(0) : payload.subarray(end + 4);
      digests = new Map([...new Set(wanted)].map((a) => [a, createHash(a).update(payload).digest()]));
    }
    const headerList: Array<[string, string]> = [];
    for (const [k, v] of record.warcHeaders.headers as Iterable<[string, string]>) headerList.push([k, v]);
    const lookup = new Map(headerList.map(([k, v]) => [k.toLowerCase(), v]));
    const headers = { get: (name: string) => lookup.get(name.toLowerCase()) };
    const type = record.warcType ?? '';
    const block = headers.get('WARC-Block-Digest');
    if (!checkDigest(block, blockDigests)) problems.push({ targetUri: record.warcTargetURI ?? undefined, header: 'WARC-Block-Digest', expected: block! });
    const payloadDigest = headers.get('WARC-Payload-Digest');
    if (type !== 'revisit' && !checkDigest(payloadDigest, digests)) {
      problems.push({ targetUri: record.warcTargetURI ?? undefined, header: 'WARC-Payload-Digest', expected: payloadDigest! });
    }
    if (Number(headers.get('Content-Length')) !== length) {
      problems.push({ targetUri: record.warcTargetURI ?? undefined, header: 'Content-Length', expected: headers.get('Content-Length')! });
    }
    records.push({ type, targetUri: record.warcTargetURI ?? undefined, header: headers.get, headerList, payload, offset: parser.offset });
  }
  return { records, problems };
}
