import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_RULES_PATH, loadRules, parseRules } from '../../src/rules/load.js';
import { matchRules } from '../../src/rules/match.js';
import { RulesError } from '../../src/rules/schema.js';

/** warcit's own default-conversion-rules.yaml (v0.4), verbatim. */
const WARCIT_RULES = `output_dir: ./conversions

url_prefix: http://

rules:
  - &png_poster
    name: png_poster
    ext: png
    command: "ffmpeg -i {input} -vf thumbnail,scale=640:360 -frames:v 1 {output}"
    mime: image/png
    poster: true

  - &webm
    name: webm
    ext: webm
    command: 'ffmpeg -y -i {input} -c:v vp9 -c:a libopus -speed 4 {output}'
    mime: video/webm

  - &mp4
    name: mp4
    ext: mp4
    command: 'ffmpeg -y -i {input} -c:v libx264 -pix_fmt yuv420p -c:a aac -strict -2 {output}'
    mime: video/mp4

  - &ffv1_flac
    name: ffv1_flac
    ext: mkv
    command: 'ffmpeg -y -i {input} -c:v ffv1 -c:a flac {output}'
    mime: video/x-matroska
    skip_as_source: true

  # audio only
  - &mp3
    name: mp3
    ext: mp3
    command: 'ffmpeg -y -i {input} -c:a libmp3lame -b:a 320k {output}'
    mime: audio/mpeg

  - &webm_audio
    name: webm_audio
    ext: webm
    command: 'ffmpeg -y -i {input} -c:a libopus -speed 4 {output}'
    mime: audio/webm

  - &flac
    name: flac
    ext: flac
    command: 'ffmpeg -y -i {input} -c:a flac {output}'
    mime: audio/flac
    skip_as_source: true


file_types:
  - ext: '.flv'
    conversion_rules:
      - *png_poster
      - *webm
      - *mp4
      - *ffv1_flac

  - ext: '.mp4'
    conversion_rules:
      - *png_poster
      - *webm
      - *ffv1_flac

  - ext: '.rm'
    conversion_rules:
      - *png_poster
      - *webm
      - *mp4
      - *ffv1_flac

  - ext: '.ra'
    conversion_rules:
      - *webm_audio
      - *mp3
      - *flac
`;

test("warcit's default rules load unchanged, anchors and aliases included", () => {
  const set = parseRules(WARCIT_RULES, 'warcit.yaml');
  assert.equal(set.outputDir, './conversions');
  assert.equal(set.urlPrefix, 'http://');
  assert.equal(set.fileTypes.length, 4);
  const flv = set.fileTypes[0]!;
  assert.equal(flv.ext, '.flv');
  assert.deepEqual(flv.conversionRules.map((r) => r.name), ['png_poster', 'webm', 'mp4', 'ffv1_flac']);
  const poster = flv.conversionRules[0]!;
  assert.deepEqual(poster.metadata, { name: 'png_poster', ext: 'png', command: 'ffmpeg -i {input} -vf thumbnail,scale=640:360 -frames:v 1 {output}', mime: 'image/png', poster: true });
  assert.equal(poster.poster, true);
  assert.equal(flv.conversionRules[3]!.skipAsSource, true);
  assert.deepEqual(matchRules(set, 'http://example.com/a/b.ra').map((r) => r.ext), ['webm', 'mp3', 'flac']);
});

test('the shipped default rules cover the issue: video → poster, webm, mp4, mkv; audio → webm, mp3, flac', async () => {
  const set = await loadRules(DEFAULT_RULES_PATH);
  for (const ext of ['flv', 'mp4', 'mov', 'avi', 'wmv', 'mpg', 'rm', 'FLV', '3gp', '3g2', 'divx', 'vob', 'dv']) {
    const rules = matchRules(set, `http://x/clip.${ext}`);
    assert.deepEqual(rules.map((r) => `${r.ext}:${r.mime}`), ['png:image/png', 'webm:video/webm', 'mp4:video/mp4', 'mkv:video/x-matroska'], ext);
    assert.deepEqual(rules.map((r) => r.skipAsSource), [false, false, false, true]);
    assert.deepEqual(rules[0]!.requires, ['video']);
  }
  for (const ext of ['ra', 'wav', 'aif', 'wma', 'au', 'snd']) {
    const rules = matchRules(set, `http://x/sound.${ext}`);
    assert.deepEqual(rules.map((r) => `${r.ext}:${r.mime}`), ['webm:audio/webm', 'mp3:audio/mpeg', 'flac:audio/flac'], ext);
    assert.deepEqual(rules.map((r) => r.skipAsSource), [false, false, true]);
  }
  assert.deepEqual(matchRules(set, 'http://x/page.html'), []);
  assert.deepEqual(matchRules(set, 'http://x/clip.flv.html'), []);
  // every command overwrites its own output and never reads stdin
  for (const rule of set.fileTypes.flatMap((ft) => ft.conversionRules)) {
    const words = rule.argv.map((a) => a.map((p) => ('text' in p ? p.text : `{${p.placeholder}}`)).join(''));
    assert.deepEqual(words.slice(0, 3), ['ffmpeg', '-y', '-nostdin'], rule.name);
    assert.equal(words[words.length - 1], '{output}', rule.name);
  }
});

test('YAML 1.1 like PyYAML: merge keys, yes/no booleans', () => {
  const set = parseRules(
    `base: &base {mime: video/webm, command: "ffmpeg -y -i {input} {output}"}
file_types:
  - ext: .flv
    conversion_rules:
      - <<: *base
        name: webm
        ext: webm
        skip_as_source: yes
`,
    'merge.yaml',
  );
  const rule = set.fileTypes[0]!.conversionRules[0]!;
  assert.equal(rule.mime, 'video/webm');
  assert.equal(rule.skipAsSource, true);
});

test('args instead of command; requires; skip', () => {
  const set = parseRules(
    `file_types:
  - regex: '(?i)https?://[^/]+/media/.*'
    conversion_rules:
      - {name: a, ext: webm, args: [ffmpeg, -i, '{input}', -vf, 'scale=1:2, crop', '{output}'], requires: [audio, video]}
      - {name: b, ext: mp3, command: 'ffmpeg -i {input} {output}', skip: true}
`,
    'args.yaml',
  );
  const [a, b] = set.fileTypes[0]!.conversionRules;
  assert.equal(a!.argv.length, 6);
  assert.deepEqual(a!.requires, ['audio', 'video']);
  assert.equal(b!.skip, true);
  assert.deepEqual(matchRules(set, 'HTTP://x/media/y.bin').map((r) => r.name), ['a']);
  assert.deepEqual(matchRules(set, 'http://x/other/media/y.bin'), [], 'regex is anchored at the start (re.match)');
});

test('errors name the file and the path inside it, and say what was expected', () => {
  const cases: Array<[string, string]> = [
    ['[1, 2]', 'bad.yaml: expected a mapping with file_types (and optionally output_dir, url_prefix, convert_stdout, rules), got a list'],
    ['output_dir: ./x\n', 'bad.yaml: file_types: missing: expected a list of {ext or regex, conversion_rules}'],
    ['file_types: {ext: .flv}', 'bad.yaml: file_types: expected a list of {ext or regex, conversion_rules}, got a mapping'],
    ['file_types:\n  - conversion_rules: []', 'bad.yaml: file_types[0]: expected ext (e.g. ".flv"), regex or mime to say which files it matches'],
    ['file_types:\n  - {ext: .a, conversion_rules: []}\n  - {ext: .flv, conversion_rules: [{name: x, ext: webm, command: 3}]}', 'bad.yaml: file_types[1].conversion_rules[0].command: expected a command line such as "ffmpeg -y -i {input} {output}", got a number (3)'],
    ['file_types:\n  - {ext: .flv, conversion_rules: [{name: x, command: "ffmpeg {output}"}]}', 'bad.yaml: file_types[0].conversion_rules[0].ext: missing: every rule needs the extension of the file it writes, e.g. ext: webm'],
    ['file_types:\n  - {ext: .flv, conversion_rules: [{ext: ../../etc/x, command: "ffmpeg {output}"}]}', 'bad.yaml: file_types[0].conversion_rules[0].ext: expected an extension of letters, digits, "_", "-" or "." (no slashes), got the string "../../etc/x"'],
    ['file_types:\n  - {ext: .flv, conversion_rules: [{ext: webm, command: "ffmpeg -i {input} out.webm"}]}', 'bad.yaml: file_types[0].conversion_rules[0].command: expected the command to write {output} (the converted file), but it never mentions {output}'],
    ['file_types:\n  - {ext: .flv, conversion_rules: [{ext: webm, command: "ffmpeg -i {src} {output}"}]}', 'bad.yaml: file_types[0].conversion_rules[0].command: unknown placeholder {src} in "{src}" (use {input} or {output}, {duration}, {width}, {height}, {frame_rate} or {middle} from the probe, {rules_dir}; write {{ and }} for literal braces)'],
    ['file_types:\n  - {regex: "(unclosed", conversion_rules: []}', 'bad.yaml: file_types[0].regex: expected a regular expression, got the string "(unclosed": missing closing )'],
    ['file_types:\n  - {regex: "(?P<a>x)(?P=a)", conversion_rules: []}', 'bad.yaml: file_types[0].regex: not supported by the linear-time regex engine (RE2: no backreferences or lookaround), got the string "(?P<a>x)(?P=a)"'],
    ['file_types:\n  - {regex: "a(?=b)", conversion_rules: []}', 'bad.yaml: file_types[0].regex: not supported by the linear-time regex engine'],
    ['file_types:\n  - {ext: .flv, conversion_rules: [{name: x, ext: webm, mmie: video/webm, command: "ffmpeg -i {input} {output}"}]}', 'bad.yaml: file_types[0].conversion_rules[0].mmie: unknown key (did you mean mime?)'],
    ['file_types:\n  - {ext: .flv, conversion_rules: [{name: x, ext: webm, skip_as_sorce: true, command: "ffmpeg -i {input} {output}"}]}', 'bad.yaml: file_types[0].conversion_rules[0].skip_as_sorce: unknown key (did you mean skip_as_source?)'],
    ['file_types:\n  - {ext: .flv, conversion_rule: []}', 'bad.yaml: file_types[0].conversion_rule: unknown key (did you mean conversion_rules?)'],
    ['output_dri: x\nfile_types: []', 'bad.yaml: output_dri: unknown key (did you mean output_dir?)'],
    ['anchors: {a: 1}\nfile_types: []', 'bad.yaml: anchors: unknown key (expected one of output_dir, url_prefix, convert_stdout, rules, file_types; other top-level keys may only hold YAML anchors)'],
    ['file_types:\n  - {ext: .flv, conversion_rules: [{name: x, ext: webm, colour: red, command: "ffmpeg -i {input} {output}"}]}', 'bad.yaml: file_types[0].conversion_rules[0].colour: unknown key (expected one of name, ext, command, args, mime, skip, skip_as_source, poster, requires, purpose, verify; keys starting with x- are kept as metadata)'],
    ['file_types:\n  - {ext: .flv, conversion_rules: [{ext: webm, command: "ffmpeg {output}", skip_as_source: "maybe"}]}', 'bad.yaml: file_types[0].conversion_rules[0].skip_as_source: expected true or false, got the string "maybe"'],
    ['file_types:\n  - {ext: .flv, conversion_rules: [{ext: webm, args: [ffmpeg, [x], "{output}"]}]}', 'bad.yaml: file_types[0].conversion_rules[0].args[1]: expected a string, got a list'],
    ['file_types:\n  - {ext: .flv, conversion_rules: [{ext: webm, command: "ffmpeg {output}", requires: sound}]}', 'bad.yaml: file_types[0].conversion_rules[0].requires: expected video or audio, got the string "sound"'],
    ['rules:\n  - {ext: webm}\nfile_types: []', 'bad.yaml: rules[0]: missing command: expected command: "ffmpeg -y -i {input} ... {output}" or args: [...]'],
    ['file_types: [\n', 'bad.yaml: not valid YAML'],
  ];
  for (const [text, message] of cases) {
    assert.throws(
      () => parseRules(text, 'bad.yaml'),
      (error: Error) => {
        assert.ok(error instanceof RulesError, text);
        assert.ok(error.message.startsWith(message), `${text}\n  got:      ${error.message}\n  expected: ${message}`);
        return true;
      },
    );
  }
});

test('keys starting with x- are passed through as metadata; every key of warcit\'s own rules file and docs loads', () => {
  const set = parseRules('file_types:\n  - {ext: .flv, conversion_rules: [{name: x, ext: webm, x-label: HD, mime: video/webm, poster: false, skip: false, skip_as_source: false, command: "ffmpeg -i {input} {output}"}]}\n', 'ok.yaml');
  assert.equal(set.fileTypes[0]!.conversionRules[0]!.metadata['x-label'], 'HD');
});

test('a missing rules file is named', async () => {
  await assert.rejects(loadRules('/nonexistent/rules.yaml'), { name: 'RulesError', message: '/nonexistent/rules.yaml: no such file' });
});

test('purpose, verify and probe placeholders: checked values, a file type by mime alone, {rules_dir} is the file\'s directory', () => {
  const set = parseRules(
    `file_types:
  - mime: [video/*, application/x-shockwave-flash]
    final: true
    conversion_rules:
      - {name: sheet, ext: sheet.png, args: [ffmpeg, -i, '{input}', -vf, 'fps=16/{duration}', '{output}'], purpose: derivative, verify: decode}
      - {name: plain, ext: mp4, command: 'ffmpeg -i {input} {output}'}
`,
    '/some/where/rules.yaml',
  );
  const [sheet, plain] = set.fileTypes[0]!.conversionRules;
  assert.deepEqual([sheet!.purpose, sheet!.verify, sheet!.usesProbe], ['derivative', 'decode', true]);
  assert.deepEqual([plain!.purpose, plain!.verify, plain!.usesProbe], [undefined, 'exists', false]);
  assert.deepEqual(set.fileTypes[0]!.mime, ['video/*', 'application/x-shockwave-flash']);
  assert.equal(set.fileTypes[0]!.final, true);
  assert.equal(set.dir, '/some/where');
  const bad: Array<[string, RegExp]> = [
    ['{name: x, ext: mp4, command: "ffmpeg -i {input} {output}", purpose: archive}', /conversion_rules\[0\]\.purpose: expected one of access, preservation, poster, thumbnail, derivative, got the string "archive"/],
    ['{name: x, ext: mp4, command: "ffmpeg -i {input} {output}", verify: md5}', /conversion_rules\[0\]\.verify: expected one of exists, decode, lossless, got the string "md5"/],
    ['{name: x, ext: mp4, command: "ffmpeg -ss {midle} -i {input} {output}"}', /unknown placeholder \{midle\}/],
  ];
  for (const [rule, message] of bad) assert.throws(() => parseRules(`file_types:\n  - {ext: .flv, conversion_rules: [${rule}]}\n`, 'bad.yaml'), message);
  assert.throws(() => parseRules('file_types:\n  - {ext: .flv, final: maybe, conversion_rules: []}\n', 'bad.yaml'), /file_types\[0\]\.final: expected true or false/);
});

test('two rules of one file type that make the same ext (the second would overwrite the first, which warcit then records with the other bytes) is an error naming both; a skipped one does not count', () => {
  const rules = (second: string) => `file_types:\n  - ext: .flv\n    conversion_rules:\n      - {name: a, ext: txt, command: 'cp {input} {output}'}\n      - {name: b, ext: txt, command: 'cp {input} {output}'${second}}\n`;
  assert.throws(() => parseRules(rules(''), 'r.yaml'), /r\.yaml: file_types\[0\]\.conversion_rules\[1\]\.ext: "txt" is also the ext of rule a \(conversion_rules\[0\]\): both would write <source>\.txt/);
  assert.doesNotThrow(() => parseRules(rules(', skip: true'), 'r.yaml'));
});

test("a rule whose ext is one of warckit-convert's own files (the ffprobe.json sidecar, framemd5 manifests, a kept not-lossless output) is an error: its output would be overwritten by that file, or overwrite it", () => {
  const rules = (ext: string) => `file_types:\n  - ext: .wav\n    conversion_rules:\n      - {name: a, ext: mp3, command: 'cp {input} {output}'}\n      - {name: b, ext: ${ext}, command: 'cp {input} {output}'}\n`;
  assert.throws(() => parseRules(rules('ffprobe.json'), 'r.yaml'), /r\.yaml: file_types\[0\]\.conversion_rules\[1\]\.ext: "ffprobe\.json" is the name of the characterization sidecar warckit-convert writes for each source \(<source>\.ffprobe\.json\): give the rule another ext/);
  assert.throws(() => parseRules(rules('mp3.framemd5'), 'r.yaml'), /conversion_rules\[1\]\.ext: "mp3\.framemd5" ends as the frame checksums verify: lossless keeps beside an output \(<output>\.framemd5\)/);
  assert.throws(() => parseRules(rules('not-lossless.mkv'), 'r.yaml'), /conversion_rules\[1\]\.ext: "not-lossless\.mkv" is how verify: lossless names an output it keeps after a failed check/);
  assert.doesNotThrow(() => parseRules(rules('json'), 'r.yaml'));
});
