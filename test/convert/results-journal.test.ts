import assert from 'node:assert/strict';
import { appendFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { journalPathFor, JournalWriter, readJournal } from '../../src/convert/results-journal.js';
import { type ConversionResult, readConversionResults } from '../../src/convert/results.js';
import { tempDir } from '../helpers/tmp.js';

const r = (url: string, success = true): ConversionResult => ({ url, output: `/o/${url}`, metadata: { name: 'n', ext: 'txt' }, type: 'conversion', success });

test('journal lines replace their source\'s list in order; a torn last line (killed mid-write) is left out and reported', async () => {
  const dir = await tempDir();
  const file = join(dir, 'results.yaml');
  await writeFile(file, `conversions:\n  http://x/a.flv:\n    - url: http://x/a.flv.txt\n      output: /o/a\n      success: false\n  http://x/keep.flv: []\n`);
  const journal = new JournalWriter(journalPathFor(file));
  journal.append({ source: 'http://x/a.flv', results: [r('http://x/a.flv.txt', false)] });
  journal.append({ source: 'http://x/a.flv', results: [r('http://x/a.flv.txt')] });
  journal.append({ source: 'http://x/b.flv', results: [r('http://x/b.flv.txt')] });
  journal.close();
  await appendFile(journalPathFor(file), '{"source":"http://x/c.flv","resu');
  const warnings: string[] = [];
  const lines = await readJournal(journalPathFor(file), (m) => warnings.push(m));
  assert.equal(lines.length, 3);
  assert.match(warnings.join('\n'), /results\.yaml\.journal: the last entry was cut off/);
  const doc = await readConversionResults(file);
  assert.deepEqual(Object.keys(doc.conversions).sort(), ['http://x/a.flv', 'http://x/b.flv', 'http://x/keep.flv']);
  assert.equal(doc.conversions['http://x/a.flv']![0]!.success, true, 'the later line wins');
});

test('a first run killed before it wrote any YAML: the journal alone is read', async () => {
  const dir = await tempDir();
  const file = join(dir, 'results.yaml');
  const journal = new JournalWriter(journalPathFor(file));
  journal.append({ source: 'http://x/a.flv', results: [r('http://x/a.flv.txt')] });
  journal.close();
  assert.deepEqual(Object.keys((await readConversionResults(file)).conversions), ['http://x/a.flv']);
  assert.deepEqual(await readJournal(join(dir, 'none.journal')), []);
});
