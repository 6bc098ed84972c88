import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { base32, formatDigest, parseDigest } from '../../src/warc/digest.js';

test('base32 matches RFC 4648 vectors', () => {
  const vectors: Array<[string, string]> = [
    ['', ''],
    ['f', 'MY======'],
    ['fo', 'MZXQ===='],
    ['foo', 'MZXW6==='],
    ['foob', 'MZXW6YQ='],
    ['fooba', 'MZXW6YTB'],
    ['foobar', 'MZXW6YTBOI======'],
  ];
  for (const [input, expected] of vectors) assert.equal(base32(Buffer.from(input)), expected);
});

test('sha1 digest of the empty string is the well-known warcio value', () => {
  assert.equal(formatDigest('sha1', createHash('sha1').update('').digest()), 'sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ');
});

test('digests parse back from base32 and hex', () => {
  const raw = createHash('sha256').update('x').digest();
  assert.deepEqual(parseDigest(formatDigest('sha256', raw))?.raw, raw);
  assert.deepEqual(parseDigest(`sha256:${raw.toString('hex')}`)?.raw, raw);
  assert.equal(parseDigest('nonsense'), null);
});
