import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nameFromBytes } from '../../src/inputs/file-name.js';

test('names that are UTF-8 stay as they are; other bytes are percent-encoded, and % with them', () => {
  const cases: Array<[number[] | string, string, boolean]> = [
    ['café #1 100%.html', 'café #1 100%.html', true],
    [[0xef, 0xbb, 0xbf, 0x61], '\uFEFFa', true], // a BOM is a character of the name
    [[0x63, 0x61, 0x66, 0xe9, 0x2e, 0x68], 'caf%E9.h', false], // Latin-1
    [[0x25, 0xe9], '%25%E9', false],
    [[0xc0, 0xaf], '%C0%AF', false], // overlong '/'
    [[0xed, 0xa0, 0x80], '%ED%A0%80', false], // a surrogate
    [[0xe2, 0x82], '%E2%82', false], // cut short at the end
    [[0xe2, 0x82, 0xac, 0xff, 0x41], '€%FFA', false],
    [[0xf0, 0x9f, 0x8e, 0xb5, 0x0a], '🎵\n', true],
  ];
  for (const [input, text, utf8] of cases) {
    assert.deepEqual(nameFromBytes(typeof input === 'string' ? Buffer.from(input) : Buffer.from(input)), { text, utf8 }, String(input));
  }
});

test('the bytes of a percent-encoded name can be read back exactly', () => {
  const raw = Buffer.from([0x41, 0x25, 0x32, 0x35, 0xe9, 0xc3, 0xa9, 0x80]);
  const { text } = nameFromBytes(raw);
  const decoded = Buffer.concat(text.split(/(%[0-9A-F]{2})/).map((part) => (/^%[0-9A-F]{2}$/.test(part) ? Buffer.from([parseInt(part.slice(1), 16)]) : Buffer.from(part))));
  assert.deepEqual(decoded, raw);
});
