import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pyJsonDumps } from '../../src/util/pyjson.js';

test('compact form uses Python separators and keeps key order', () => {
  assert.equal(pyJsonDumps({ name: 'webm', ext: 'webm', skip: false, n: 3, list: [1, 'a'] }), '{"name": "webm", "ext": "webm", "skip": false, "n": 3, "list": [1, "a"]}');
});

test('indent=2 with sorted keys, as json.dumps(indent=2, sort_keys=True)', () => {
  assert.equal(pyJsonDumps({ b: [{ y: 1, x: true }], a: 'z', c: {}, d: [] }, { indent: 2, sortKeys: true }), '{\n  "a": "z",\n  "b": [\n    {\n      "x": true,\n      "y": 1\n    }\n  ],\n  "c": {},\n  "d": []\n}');
});

test('non-ASCII is escaped as \\uXXXX (ensure_ascii)', () => {
  assert.equal(pyJsonDumps('vidéo 😀 "q" \\ \n'), '"vid\\u00e9o \\ud83d\\ude00 \\"q\\" \\\\ \\n"');
});
