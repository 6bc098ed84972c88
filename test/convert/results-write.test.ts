import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { dump } from 'js-yaml';
import { assembleConversionResults, mergeConversionResults, mergeSourceEntries, stringifyConversionResults, stringifySourceResults, writeConversionResults } from '../../src/convert/results-write.js';
import { type ConversionResult, readConversionResults } from '../../src/convert/results.js';
import { tempDir } from '../helpers/tmp.js';

/** What PyYAML's safe_load makes of the text, when python3 with yaml is installed. */
function pyYamlJson(text: string): unknown {
  try {
    return JSON.parse(execFileSync('python3', ['-c', 'import json,sys,yaml; sys.stdout.write(json.dumps(yaml.safe_load(sys.stdin)))'], { input: text, stdio: ['pipe', 'pipe', 'ignore'] }).toString());
  } catch {
    return undefined;
  }
}

const r = (url: string, extra: Partial<ConversionResult> = {}): ConversionResult => ({ url, output: `/o/${url}`, metadata: { name: 'n', ext: 'webm' }, type: 'conversion', success: true, ...extra });

test("merge replaces a source's list (warcit's conversions.update) and keeps other sources; inputs untouched", () => {
  const existing = { conversions: { a: [r('a.webm'), r('a.mp4')], b: [r('b.webm')] }, extra_top_level: 1 };
  const before = structuredClone(existing);
  const merged = mergeConversionResults(existing, { a: [r('a.webm', { success: false })], c: [r('c.webm')] });
  assert.deepEqual(existing, before);
  assert.deepEqual(Object.keys(merged.conversions), ['a', 'b', 'c']);
  assert.deepEqual(merged.conversions.a!.map((x) => x.success), [false]);
  assert.equal(merged.extra_top_level, 1);
  assert.deepEqual(mergeSourceEntries([r('a.webm'), r('a.mp4')], [r('a.mp4', { success: false }), r('a.png')]).map((x) => `${x.url}:${x.success}`), ['a.webm:true', 'a.mp4:false', 'a.png:true']);
});

test('written YAML reads back the same, warcit keys first, strings PyYAML would misread are quoted, no aliases', async () => {
  const dir = await tempDir();
  const file = join(dir, 'sub', 'results.yaml');
  const shared = { name: 'webm', ext: 'webm', mime: 'video/webm', note: 'yes', aspect: '16:9', n: '1_000', eq: '=', merge: '<<', oct: '012', multi: 'a\nb' };
  const doc = { conversions: { 'http://x/a.flv': [{ ...r('http://x/a.flv.webm'), exit_code: 0, metadata: shared }], 'http://x/b.flv': [{ ...r('http://x/b.flv.webm'), metadata: shared }] } };
  await writeConversionResults(file, doc);
  const text = await readFile(file, 'utf8');
  for (const v of ['yes', '16:9', '1_000', '=', '<<', '012']) assert.match(text, new RegExp(`: ['"]${v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}['"]\n`), v);
  const python = pyYamlJson(text);
  if (python !== undefined) assert.deepEqual(python, doc, 'PyYAML (as warcit reads it) gets the same values');
  assert.doesNotMatch(text, /[&*]a\d/);
  assert.match(text, /- url: http:\/\/x\/a\.flv\.webm\n\s+output: .*\n\s+metadata:/);
  assert.deepEqual((await readConversionResults(file)).conversions, doc.conversions);
  assert.deepEqual(await readdir(join(dir, 'sub')), ['results.yaml'], 'no temporary file left');
  assert.equal(stringifyConversionResults({ conversions: {} }), 'conversions: {}\n');
});

test('the file joined from per-source blocks is byte for byte the document dumped whole', () => {
  const doc = {
    conversions: {
      'http://x/a.flv': [r('http://x/a.flv.webm', { stderr_tail: 'line one\n  indented two\n\nafter a blank', argv: ['ffmpeg', '-aspect', '16:9'] })],
      yes: [r('yes.webm', { metadata: { name: 'n', ext: 'webm', nested: { deep: ['x', { y: 1 }] } } })],
      'http://x/empty.flv': [],
    },
    extra_top_level: { a: 1 },
  };
  const whole = dump(doc, { noRefs: true, lineWidth: -1 });
  assert.equal(assembleConversionResults(doc), whole);
  const cache = new Map(Object.entries(doc.conversions).map(([k, v]) => [k, stringifySourceResults(k, v)]));
  assert.equal(assembleConversionResults(doc, (k) => cache.get(k)!), whole);
});
