import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRules } from '../../src/rules/load.js';
import { matchRules, skippedRules } from '../../src/rules/match.js';

const SET = parseRules(
  `rules:
  - &a {name: a, ext: webm, command: "ffmpeg -i {input} {output}"}
  - &b {name: b, ext: mp4, command: "ffmpeg -i {input} {output}"}
  - &c {name: c, ext: png, command: "ffmpeg -i {input} {output}", skip: true}
file_types:
  - {ext: .flv, conversion_rules: [*a, *c]}
  - {ext: .flv, regex: 'http://video\\.example\\.com/', conversion_rules: [*a, *b]}
  - {regex: '.*\\.mov$', conversion_rules: [*b]}
`,
  'm.yaml',
);

test("warcit's matching: ext on the URL's end, else regex at its start; every matching file type's rules, once per output", () => {
  const cases: Array<[string, string[]]> = [
    ['http://x/a.flv', ['a', 'b']],
    ['http://x/a.FLV', []],
    ['http://video.example.com/page', ['a', 'b']],
    ['http://x/http://video.example.com/', []],
    ['http://x/a.mov', ['b']],
    ['http://x/a.mov.txt', []],
  ];
  for (const [url, names] of cases) assert.deepEqual(matchRules(SET, url).map((r) => r.name), names, url);
  assert.deepEqual(skippedRules(SET, 'http://x/a.flv').map((r) => r.name), ['c']);
});

test('a catastrophic regex runs in linear time (RE2), keeping Python re.match semantics and syntax', () => {
  const set = parseRules(
    `file_types:
  - {regex: '([^!]+)+$', conversion_rules: [{name: a, ext: webm, command: "ffmpeg -i {input} {output}"}]}
  - {regex: '(?i)(?P<host>HTTP://[^/]+)/(?P<dir>media)/.*\\.RM\\Z', conversion_rules: [{name: b, ext: mp4, command: "ffmpeg -i {input} {output}"}]}
`,
    're.yaml',
  );
  // Backtracking engines take minutes on this (2^40 ways to split the a's); RE2 answers at once.
  assert.deepEqual(matchRules(set, `http://x/${'a'.repeat(40)}!`).map((r) => r.name), []);
  assert.deepEqual(matchRules(set, 'http://x/ok').map((r) => r.name), ['a']);
  assert.deepEqual(matchRules(set, 'http://X/media/y.rm').map((r) => r.name), ['a', 'b'], '(?i), (?P<name>…) and \\Z as in Python');
  assert.deepEqual(matchRules(set, 'http://X/media/y.rm.txt').map((r) => r.name), ['a'], '\\Z is the end of the URL');
});
