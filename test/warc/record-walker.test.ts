/** Walking uncompressed WARC bytes: whole records only, in any chunking. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WarcFormatError, WarcRecordWalker } from '../../src/warc/record-walker.js';

const record = (body: string): string => `WARC/1.0\r\nWARC-Type: resource\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}\r\n\r\n`;

function walk(text: string, chunk: number): WarcRecordWalker {
  const walker = new WarcRecordWalker();
  const bytes = Buffer.from(text);
  for (let at = 0; at < bytes.length; at += chunk) walker.push(bytes.subarray(at, at + chunk));
  walker.end();
  return walker;
}

test('complete records pass whatever the chunk size', () => {
  const text = record('hello') + record('') + record('WARC/1.0 inside a payload\r\n\r\n');
  for (const chunk of [1, 3, 7, 64, 4096]) assert.equal(walk(text, chunk).records, 3, `chunk ${chunk}`);
});

test('cut, mislabelled or foreign bytes fail with the offset of the record', () => {
  const one = record('hello');
  const cases: Array<[string, RegExp, number]> = [
    [one + record('cut').slice(0, -3), /the record at offset \d+ is cut off/, one.length],
    [one + 'garbage that is long enough', /no WARC record header at offset \d+/, one.length],
    [record('hello').replace('Content-Length: 5', 'Content-Length: 3'), /its block is not followed by CRLFCRLF/, 0],
    ['WARC/1.0\r\nWARC-Type: x\r\n\r\n', /without a Content-Length/, 0],
  ];
  for (const [text, message, offset] of cases) {
    assert.throws(() => walk(text, 5), (e: Error) => e instanceof WarcFormatError && message.test(e.message) && e.offset === offset, text);
  }
});
