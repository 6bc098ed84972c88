import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRules } from '../../src/rules/load.js';
import { candidateRules, factsNeeded, matchRules, skippedRules } from '../../src/rules/match.js';
import { parseProbeJson } from '../../src/media/probe.js';

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

const POLICY = parseRules(
  `rules:
  - &copy {name: copy, ext: mp4, command: "ffmpeg -i {input} -c copy {output}"}
  - &encode {name: encode, ext: mp4, command: "ffmpeg -i {input} {output}"}
  - &poster {name: poster, ext: png, command: "ffmpeg -i {input} {output}", requires: video}
  - &audio {name: audio, ext: mp3, command: "ffmpeg -i {input} {output}"}
  - &sniffed {name: sniffed, ext: txt, command: "cp {input} {output}"}
file_types:
  - regex: '(?i).*\\.(flv|mp4)$'
    probe: {video: true, video_codec: h264, audio_codec: aac}
    final: true
    conversion_rules: [*poster, *copy]
  - regex: '(?i).*\\.(flv|mp4)$'
    probe: {video: false, audio: true}
    final: true
    conversion_rules: [*audio]
  - {regex: '(?i).*\\.(flv|mp4)$', conversion_rules: [*poster, *encode]}
  - {mime: text/plain, conversion_rules: [*sniffed]}
`,
  'policy.yaml',
);

test('probe-based matching: the first final file type whose conditions hold; candidates cover every alternative', () => {
  const probed = (streams: Array<Record<string, unknown>>) => ({ media: parseProbeJson(JSON.stringify({ format: { format_name: 'flv' }, streams }), 'x') });
  const h264 = probed([{ codec_type: 'video', codec_name: 'h264' }, { codec_type: 'audio', codec_name: 'aac' }]);
  const vp6 = probed([{ codec_type: 'video', codec_name: 'vp6f' }, { codec_type: 'audio', codec_name: 'mp3' }]);
  const audioOnly = probed([{ codec_type: 'audio', codec_name: 'aac' }]);
  const url = 'http://x/a.flv';
  assert.deepEqual(matchRules(POLICY, url, h264).map((r) => r.name), ['poster', 'copy']);
  assert.deepEqual(matchRules(POLICY, url, vp6).map((r) => r.name), ['poster', 'encode']);
  assert.deepEqual(matchRules(POLICY, url, audioOnly).map((r) => r.name), ['audio']);
  // not media: no probe condition holds (not even video: false), only the unconditioned type
  assert.deepEqual(matchRules(POLICY, url, { notMedia: 'not media' }).map((r) => r.name), ['poster', 'encode']);
  const candidates = candidateRules(POLICY, url);
  assert.equal(candidates.conditional, true);
  assert.deepEqual(candidates.rules.map((r) => r.name), ['poster', 'copy', 'audio', 'poster', 'encode', 'sniffed']);
  assert.deepEqual(factsNeeded(POLICY, url), { sniff: true, probe: true });
  // by sniffed type alone
  assert.deepEqual(matchRules(POLICY, 'http://x/readme', { mime: 'text/plain' }).map((r) => r.name), ['sniffed']);
  assert.deepEqual(matchRules(POLICY, 'http://x/readme', { mime: 'image/png' }).map((r) => r.name), []);
  // warcit's files have no conditions: candidates are exactly warcit's matches
  assert.deepEqual(candidateRules(SET, 'http://x/a.flv'), { rules: matchRules(SET, 'http://x/a.flv'), conditional: false });
});

test('a file type regex written for warcit\'s raw URL (.*/vidéo\\.bin) matches the file warckit names vid%C3%A9o.bin, as does one written for the escaped form', async () => {
  const { parseRules } = await import('../../src/rules/load.js');
  const { candidateRules } = await import('../../src/rules/match.js');
  const set = parseRules("file_types:\n  - regex: '.*/vidéo\\.bin'\n    conversion_rules: [{name: a, ext: copy, command: 'cp {input} {output}'}]\n  - regex: '.*/caf%C3%A9\\.bin'\n    conversion_rules: [{name: b, ext: copy2, command: 'cp {input} {output}'}]\n  - regex: '.*/back\\\\slash\\.bin'\n    conversion_rules: [{name: c, ext: copy3, command: 'cp {input} {output}'}]\n", 'r.yaml');
  assert.deepEqual(candidateRules(set, 'http://x/vid%C3%A9o.bin').rules.map((r) => r.name), ['a']);
  assert.deepEqual(candidateRules(set, 'http://x/caf%C3%A9.bin').rules.map((r) => r.name), ['b']);
  assert.deepEqual(candidateRules(set, 'http://x/back%5Cslash.bin').rules.map((r) => r.name), ['c']);
  assert.deepEqual(candidateRules(set, 'http://x/video.bin').rules, []);
});
