import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseYamlText, readYamlFile } from '../../src/util/yaml-file.js';
import { tempDir } from '../helpers/tmp.js';

const fail = (message: string): Error => new Error(message);

test('a duplicate key is an error naming the key, its line and column, and the file', () => {
  const text = 'transclusions:\n  http://e.com/a.flv:\n    url: http://e.com/p.html\n  http://e.com/b.flv:\n    url: x\n  http://e.com/a.flv:\n    url: y\n';
  assert.throws(
    () => parseYamlText(text, 'm.yaml', fail),
    (e: Error) => /^m\.yaml: duplicate key "http:\/\/e\.com\/a\.flv" at line 6, column 3/.test(e.message),
  );
});

test('many keys load in linear time (the parser\'s own duplicate check was quadratic)', () => {
  // 20,000 keys: quadratic checking made this take seconds; a timing is not asserted (see bench), only the result.
  let text = 'conversions:\n';
  for (let i = 0; i < 20000; i++) text += `  http://e.com/${i}.flv: []\n`;
  const doc = parseYamlText(text, 'r.yaml', fail) as { conversions: Record<string, unknown> };
  assert.equal(Object.keys(doc.conversions).length, 20000);
});

test('YAML 1.2 core scalars, aliases kept; a YAML bomb is refused, not expanded', () => {
  const doc = parseYamlText('a: &x {n: 1}\nb: *x\nt: 20160102\nd: 2016-01-02\ny: yes\n', 'f.yaml', fail) as Record<string, unknown>;
  assert.deepEqual(doc, { a: { n: 1 }, b: { n: 1 }, t: 20160102, d: '2016-01-02', y: 'yes' });
  let bomb = 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n';
  for (let i = 1; i < 12; i++) bomb += `a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]\n`;
  assert.throws(() => parseYamlText(bomb, 'bomb.yaml', fail), (e: Error) => /^bomb\.yaml: .*alias/.test(e.message));
});

test('an empty file (or only comments) is an empty document; two documents are refused', () => {
  assert.equal(parseYamlText('', 'e.yaml', fail), null);
  assert.equal(parseYamlText('# nothing\n', 'e.yaml', fail), null);
  assert.throws(() => parseYamlText('a: 1\n---\nb: 2\n', 'two.yaml', fail), /two\.yaml: expected one YAML document, found 2/);
});

test('unreadable and invalid files are named', async () => {
  const dir = await tempDir();
  await assert.rejects(readYamlFile(join(dir, 'nope.yaml'), fail), /nope\.yaml: does not exist/);
  await writeFile(join(dir, 'bad.yaml'), 'a: [1, 2\n');
  await assert.rejects(readYamlFile(join(dir, 'bad.yaml'), fail), /bad\.yaml: not valid YAML \(.*line/);
});
