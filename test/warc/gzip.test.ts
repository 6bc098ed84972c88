/** gzip building blocks: stored blocks for a rewritable head, CRC-32 combination. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { crc32, gunzipSync } from 'node:zlib';
import { crc32Combine, type DeflateTally, deflateBlocks, GZIP_HEADER, gzipTrailer, storedBlocks } from '../../src/warc/gzip.js';

test('crc32Combine gives the CRC of the concatenation', () => {
  for (const [a, b] of [[0, 0], [1, 0], [0, 5], [17, 3], [100_000, 5 * 1024 * 1024 + 3]] as const) {
    const x = randomBytes(a);
    const y = randomBytes(b);
    assert.equal(crc32Combine(crc32(x), crc32(y), b), crc32(Buffer.concat([x, y])), `${a}+${b}`);
  }
});

test('a member of stored head blocks + parallel deflate blocks decompresses to head + payload (heads past 64 KiB too)', async () => {
  for (const headSize of [300, 70_000, 0xffff]) {
    const head = randomBytes(headSize);
    const payload = Buffer.concat([Buffer.from('compressible '.repeat(200_000)), randomBytes(3 * 1024 * 1024)]);
    const tally: DeflateTally = { crc: 0, size: 0 };
    const parts: Buffer[] = [GZIP_HEADER, storedBlocks(head)];
    async function* source(): AsyncGenerator<Buffer> {
      for (let at = 0; at < payload.length; at += 1_000_000) yield payload.subarray(at, at + 1_000_000);
    }
    for await (const part of deflateBlocks(source(), 6, tally)) parts.push(part);
    parts.push(gzipTrailer(crc32Combine(crc32(head), tally.crc, tally.size), head.length + tally.size));
    assert.ok(gunzipSync(Buffer.concat(parts)).equals(Buffer.concat([head, payload])), `head of ${headSize} bytes`);
  }
});
