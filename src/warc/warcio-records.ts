/**
 * Planned records as warcio.js `WARCRecord`s, for a pipeline that writes its own WARC with
 * warcio.js's `WARCSerializer`. Heads carry their digests, in warckit's header order, so the
 * serializer computes nothing and its uncompressed output is byte for byte warckit's.
 */
import { createHash } from 'node:crypto';
import { HeadersMultiMap, StatusAndHeaders, WARCRecord } from 'warcio';
import type { DigestAlgorithm } from './digest.js';
import { recordDigests } from './encode.js';
import { type Payload, PayloadReadError, payloadChunks, readPayload, type StreamPayload } from './payload.js';
import { headerList, headerValue, type RecordDigests, type RecordHead, type WarcVersion } from './records.js';
import { isPlan, type RecordSource, versionOf } from './sinks.js';
import { checkRequired, type WarcRecordInput } from './writer.js';

/** How records are made by {@link toWarcioRecords}. */
export interface WarcioRecordsOptions {
  /** Default `sha1` (base32, as warcio writes). */
  digestAlgorithm?: DigestAlgorithm;
  /** Default: the plan's, else `1.0`. */
  warcVersion?: WarcVersion;
  /** Payloads up to this size are read into memory once; larger ones are hashed, then read again as the serializer asks. Default 16 MiB. */
  memoryThreshold?: number;
  signal?: AbortSignal;
}

/** The payload read again, checked against the digest taken on the first read. */
async function* reread(payload: StreamPayload, algorithm: DigestAlgorithm, expected: string, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
  const hash = createHash(algorithm);
  for await (const chunk of payloadChunks(payload, signal)) {
    hash.update(chunk);
    yield chunk;
  }
  if (recordDigests(algorithm, false, hash.digest()).block !== expected) {
    throw new PayloadReadError(payload.name, 'changed while being read: its bytes differ from those hashed a moment before');
  }
}

async function digestsAndReader(input: WarcRecordInput, payload: Payload, options: WarcioRecordsOptions, algorithm: DigestAlgorithm): Promise<{ digests: RecordDigests; reader: Iterable<Uint8Array> | AsyncIterable<Uint8Array> }> {
  if (payload.kind === 'buffer' || payload.size <= (options.memoryThreshold ?? 16 * 1024 * 1024)) {
    const data = await readPayload(payload, options.signal);
    return { digests: recordDigests(algorithm, input.payloadDigest, createHash(algorithm).update(data).digest()), reader: [data] };
  }
  const hash = createHash(algorithm);
  for await (const chunk of payloadChunks(payload, options.signal)) hash.update(chunk);
  const digests = recordDigests(algorithm, input.payloadDigest, hash.digest());
  return { digests, reader: reread(payload, algorithm, digests.block!, options.signal) };
}

/** A warcio.js record with exactly these headers, in this order. */
function warcioRecord(head: RecordHead, version: WarcVersion, length: number, digests: RecordDigests, reader: Iterable<Uint8Array> | AsyncIterable<Uint8Array>): WARCRecord {
  const headers = new HeadersMultiMap();
  for (const [name, value] of headerList(head, version, length, digests)) headers.set(name, headerValue(value));
  return new WARCRecord({ warcHeaders: new StatusAndHeaders({ statusline: `WARC/${version}`, headers }), reader });
}

/**
 * The records as warcio.js `WARCRecord`s with their digests, in order: serialize each with
 * `WARCSerializer.serialize(record, { gzip })` into a WARC of your own. Payloads up to
 * `memoryThreshold` are read once (warcio's serializer holds each payload in memory anyway);
 * larger ones are hashed first and checked as they are read again.
 * @example
 * for await (const record of toWarcioRecords(plan)) await out.write(await WARCSerializer.serialize(record, { gzip: true }));
 */
export async function* toWarcioRecords(source: RecordSource, options: WarcioRecordsOptions = {}): AsyncGenerator<WARCRecord> {
  const version = versionOf(source, options.warcVersion);
  const algorithm = options.digestAlgorithm ?? 'sha1';
  const written = new WeakMap<WarcRecordInput, RecordDigests>();
  try {
    for await (const input of isPlan(source) ? source.records : source) {
      let head = input.head;
      if (input.revisitOf) {
        const earlier = written.get(input.revisitOf);
        if (!earlier) throw new Error(`internal: ${head.recordId} revisits a record not given before it`);
        head = { ...head, headers: [...head.headers, ['WARC-Payload-Digest', earlier.payload ?? '']] };
      }
      if (input.requires) checkRequired(input, written.get(input.requires.record)?.payload);
      const { digests, reader } = await digestsAndReader(input, input.payload, options, algorithm);
      written.set(input, digests);
      yield warcioRecord(head, version, input.payload.kind === 'buffer' ? input.payload.data.length : input.payload.size, digests, reader);
    }
  } finally {
    if (isPlan(source)) await source.close();
  }
}
