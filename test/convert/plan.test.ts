import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { FileEntry } from '../../src/inputs/entry.js';
import { outputPathFor, planConversions, ruleDigest } from '../../src/convert/plan.js';
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
