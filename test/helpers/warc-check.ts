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

function checkDigest(header: string | null | undefined, data: Buffer): boolean {
  if (!header) return true;
  const parsed = parseDigest(header);
  if (!parsed) return false;
  return createHash(parsed.algorithm).update(data).digest().equals(parsed.raw);
}

/** Read every record with warcio.js; collect digest mismatches. Payloads are kept (test-sized WARCs). */
export async function readWarc(path: string, keepPayloads = true): Promise<{ records: ReadRecord[]; problems: DigestProblem[] }> {
  const records: ReadRecord[] = [];
  const problems: DigestProblem[] = [];
  const parser = new WARCParser(createReadStream(path));
  for await (const record of parser) {
    const payload = Buffer.from(await record.readFully(false));
    const headerList: Array<[string, string]> = [];
    for (const [k, v] of record.warcHeaders.headers as Iterable<[string, string]>) headerList.push([k, v]);
    const lookup = new Map(headerList.map(([k, v]) => [k.toLowerCase(), v]));
    const headers = { get: (name: string) => lookup.get(name.toLowerCase()) };
    const type = record.warcType ?? '';
    const block = headers.get('WARC-Block-Digest');
    if (!checkDigest(block, payload)) problems.push({ targetUri: record.warcTargetURI ?? undefined, header: 'WARC-Block-Digest', expected: block! });
    const payloadDigest = headers.get('WARC-Payload-Digest');
    if (type !== 'revisit' && !checkDigest(payloadDigest, payload)) {
      problems.push({ targetUri: record.warcTargetURI ?? undefined, header: 'WARC-Payload-Digest', expected: payloadDigest! });
    }
    if (Number(headers.get('Content-Length')) !== payload.length) {
      problems.push({ targetUri: record.warcTargetURI ?? undefined, header: 'Content-Length', expected: headers.get('Content-Length')! });
    }
    records.push({ type, targetUri: record.warcTargetURI ?? undefined, header: headers.get, headerList, payload: keepPayloads ? payload : Buffer.alloc(0), offset: parser.offset });
  }
  return { records, problems };
}
