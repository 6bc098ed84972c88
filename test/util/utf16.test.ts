import assert from 'node:assert/strict';
import { test } from 'node:test';
import { utf16Kind } from '../../src/util/utf16.js';

test('UTF-16 text is told apart, with or without a byte order mark; UTF-8 (with its BOM too) is not taken for it', () => {
  const text = 'file,URL\n';
  assert.equal(utf16Kind(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])), 'UTF-16 (little-endian) text');
  assert.equal(utf16Kind(Buffer.from(text, 'utf16le')), 'UTF-16 (little-endian) text');
  assert.equal(utf16Kind(Buffer.from(text, 'utf16le').swap16()), 'UTF-16 (big-endian) text');
  assert.equal(utf16Kind(Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()])), 'UTF-16 (big-endian) text');
  assert.equal(utf16Kind(Buffer.from(text)), undefined);
  assert.equal(utf16Kind(Buffer.from(`\ufeff${text}`)), undefined);
  assert.equal(utf16Kind(Buffer.from('')), undefined);
});
