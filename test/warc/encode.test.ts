import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { gzipRecord, looksIncompressible, storedMember } from '../../src/warc/encode.js';

test('entropy: random, compressed-looking bytes are incompressible; text, base64 and short samples are not', () => {
  for (const size of [600, 1024, 20_000, 1_000_000]) assert.equal(looksIncompressible(randomBytes(size)), true, `random ${size}`);
  assert.equal(looksIncompressible(Buffer.from('<p>Lorem ipsum dolor sit amet</p>\n'.repeat(100))), false);
  assert.equal(looksIncompressible(Buffer.from(randomBytes(3000).toString('base64'))), false);
  assert.equal(looksIncompressible(randomBytes(100)), false, 'too short to judge: compressed, then kept only if smaller');
});

test('stored members and gzip records are valid gzip, one member each, at any size', () => {
  for (const size of [0, 1, 65_535, 65_536, 200_000]) {
    const data = randomBytes(size);
    assert.ok(gunzipSync(storedMember(data)).equals(data), `stored ${size}`);
  }
  const text = Buffer.from('WARC/1.0\r\n\r\n' + 'abc '.repeat(5000));
  const packed = gzipRecord(text, 12, 'auto');
  assert.ok(packed.length < text.length / 10 && gunzipSync(packed).equals(text));
  const noise = Buffer.concat([Buffer.from('WARC/1.0\r\n\r\n'), randomBytes(5000)]);
  const stored = gzipRecord(noise, 12, 'auto');
  assert.ok(stored.length > noise.length && gunzipSync(stored).equals(noise), 'random payloads are stored');
  assert.ok(gunzipSync(gzipRecord(noise, 12, 9)).equals(noise));
});
