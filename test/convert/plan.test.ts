import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { FileEntry } from '../../src/inputs/entry.js';
import { recordedCollisions } from '../../src/convert/collisions.js';
import { OutputCollisionError, outputPathFor, planConversions, ruleDigest } from '../../src/convert/plan.js';
import { parseRules } from '../../src/rules/load.js';

function entry(fields: Partial<FileEntry> & { path: string; rootDir: string; url: string }): FileEntry {
  return { relativePath: '', size: 0, mtime: new Date(0), filePath: fields.path, open: () => Promise.reject(new Error('unused')), ...fields };
}

test("warcit's layout: <output_dir>/<basename of the input's parent>/<path relative to it>.<ext>", () => {
  const cwd = '/work';
  const cases: Array<[Partial<FileEntry> & { path: string; rootDir: string }, string]> = [
    // directory input /data/crawl/site → root_dir /data/crawl
    [{ path: '/data/crawl/site/v/a.flv', rootDir: '/data/crawl' }, '/out/crawl/site/v/a.flv.webm'],
    // relative directory input "site" → root_dir "." (Python: "")
    [{ path: 'site/a b.flv', rootDir: '.' }, '/out/site/a b.flv.webm'],
    // file input: root_dir '', relative to the working directory
    [{ path: 'media/x.flv', rootDir: '' }, '/out/media/x.flv.webm'],
    // a file outside the working directory would escape with ..: its own name instead
    [{ path: '/elsewhere/y.flv', rootDir: '' }, '/out/y.flv.webm'],
    [{ path: '../up/z.flv', rootDir: '' }, '/out/z.flv.webm'],
    // ZIP members: <archive name>/<member>
    [{ path: '/d/site.zip/www/a.flv', rootDir: '', filePath: undefined, zip: { archive: '/d/site.zip', member: 'www/a.flv' } }, '/out/site.zip/www/a.flv.webm'],
    [{ path: '/d/evil.zip/../../x.flv', rootDir: '', filePath: undefined, zip: { archive: '/d/evil.zip', member: '../../../x.flv' } }, '/out/x.flv.webm'],
  ];
  for (const [fields, expected] of cases) assert.equal(outputPathFor(entry({ url: 'u', ...fields }), 'webm', '/out', cwd), expected, fields.path);
  assert.equal(outputPathFor(entry({ url: 'u', path: 'site/a.flv', rootDir: '.' }), 'mp4', 'conv', cwd), join(cwd, 'conv/site/a.flv.mp4'));
});

test('planning: one conversion per matching rule, URL = source URL + ext, rule digests change with the rule', () => {
  const set = parseRules(
    `file_types:
  - {ext: .flv, conversion_rules: [{name: a, ext: webm, command: "ffmpeg -i {input} {output}"}, {name: b, ext: mp4, command: "ffmpeg -i {input} {output}"}]}
`,
    'r.yaml',
  );
  const entries = [entry({ url: 'http://x/a.flv', path: '/s/site/a.flv', rootDir: '/s' }), entry({ url: 'http://x/b.txt', path: '/s/site/b.txt', rootDir: '/s' })];
  const plan = planConversions(entries, set, '/out');
  assert.deepEqual(plan.map((p) => [p.url, p.output]), [
    ['http://x/a.flv.webm', '/out/s/site/a.flv.webm'],
    ['http://x/a.flv.mp4', '/out/s/site/a.flv.mp4'],
  ]);
  const [a, b] = set.fileTypes[0]!.conversionRules;
  assert.notEqual(ruleDigest(a!), ruleDigest(b!));
  assert.equal(ruleDigest(a!), ruleDigest({ ...a!, metadata: { command: a!.metadata.command, ext: 'webm', name: 'a' } }), 'key order does not matter');
});

test('two different files with one output or one URL are refused before anything runs; a file given twice is planned once', () => {
  const set = parseRules('file_types:\n  - {ext: .flv, conversion_rules: [{name: a, ext: webm, command: "ffmpeg -i {input} {output}"}]}\n', 'r.yaml');
  const a2009 = entry({ url: 'http://x/v.flv', path: '/s/2009/www/v.flv', rootDir: '' });
  const a2010 = entry({ url: 'http://x/v.flv', path: '/s/2010/www/v.flv', rootDir: '' });
  assert.throws(() => planConversions([a2009, a2010], set, '/out'), (e: Error) => e instanceof OutputCollisionError && /http:\/\/x\/v\.flv is the URL of both \/s\/2009\/www\/v\.flv and \/s\/2010\/www\/v\.flv/.test(e.message));
  const x = entry({ url: 'http://x/a/v.flv', path: '/s/a/v.flv', rootDir: '/s' });
  const y = entry({ url: 'http://x/b/v.flv', path: '/t/s/a/v.flv', rootDir: '/t/s' });
  assert.throws(() => planConversions([x, y], set, '/out'), /\/out\/s\/a\/v\.flv\.webm would be written for both \/s\/a\/v\.flv and \/t\/s\/a\/v\.flv/);
  assert.equal(planConversions([a2009, { ...a2009 }], set, '/out').length, 1);
});

test('a conversion whose URL is an input file\'s (a.wav.mp3 beside a.wav) is refused before anything runs: replay would show one of them; an earlier output at its own path is no collision', () => {
  const set = parseRules('file_types:\n  - {ext: .wav, conversion_rules: [{name: mp3, ext: mp3, command: "ffmpeg -i {input} {output}"}]}\n', 'r.yaml');
  const wav = entry({ url: 'http://x/a.wav', path: '/s/site/a.wav', rootDir: '/s' });
  const mp3 = entry({ url: 'http://x/a.wav.mp3', path: '/s/site/a.wav.mp3', rootDir: '/s' });
  assert.throws(() => planConversions([wav, mp3], set, '/out'), (e: Error) => e instanceof OutputCollisionError && /http:\/\/x\/a\.wav\.mp3, the URL rule mp3 gives the conversion of \/s\/site\/a\.wav, is the URL of the input file \/s\/site\/a\.wav\.mp3: replay would show one of them/.test(e.message));
  const earlier = entry({ url: 'http://x/a.wav.mp3', path: outputPathFor(wav, 'mp3', '/s', '/'), rootDir: '/s' });
  assert.equal(planConversions([wav, earlier], set, '/s').length, 1);
});

test('an earlier run\'s results: another URL\'s output, or this URL from another file, collide (unless it is the same file, moved)', () => {
  const set = parseRules('file_types:\n  - {ext: .flv, conversion_rules: [{name: a, ext: webm, command: "ffmpeg -i {input} {output}"}]}\n', 'r.yaml');
  const plan = planConversions([entry({ url: 'http://x/v.flv', path: '/s/2010/www/v.flv', rootDir: '/s/2010' })], set, '/out');
  const rec = (source_path: string, output = '/out/2009/www/v.flv.webm') => ({ url: 'http://x/v.flv.webm', output, metadata: {}, type: 'conversion', success: true, source_path, source_sha256: 'abc' });
  assert.deepEqual(recordedCollisions(plan, { 'http://x/v.flv': [rec('/s/2010/www/v.flv')] }, 'r.yaml'), []);
  const other = recordedCollisions(plan, { 'http://x/v.flv': [rec('/s/2009/www/v.flv')] }, 'r.yaml');
  assert.equal(other.length, 1);
  assert.match(other[0]!.message, /http:\/\/x\/v\.flv is recorded in r\.yaml as converted from \/s\/2009\/www\/v\.flv; \/s\/2010\/www\/v\.flv is a different file/);
  assert.equal(other[0]!.unlessSha256, 'abc');
  const owned = recordedCollisions(plan, { 'http://y/v.flv': [rec('/s/2010/www/v.flv', '/out/2010/www/v.flv.webm')] }, 'r.yaml');
  assert.match(owned[0]!.message, /\/out\/2010\/www\/v\.flv\.webm holds the conversion of http:\/\/y\/v\.flv recorded in r\.yaml/);
  assert.equal(owned[0]!.unlessSha256, undefined);
});
