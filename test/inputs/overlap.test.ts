import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { overlappingInputs, overlapWarning } from '../../src/inputs/overlap.js';

test('overlapping inputs: a path given again, or inside an earlier input (a directory, a ZIP), is named with the input it repeats', () => {
  assert.deepEqual(overlappingInputs(['site', 'other', 'site2']), []);
  assert.deepEqual(overlappingInputs(['site', './site/', 'site/a.flv', 'site.zip', 'site.zip/www/', resolve('other'), 'other/x']), [
    { input: './site/', within: 'site' },
    { input: 'site/a.flv', within: 'site' },
    { input: 'site.zip/www/', within: 'site.zip' },
    { input: 'other/x', within: resolve('other') },
  ]);
  assert.deepEqual(overlappingInputs(['site/a.flv', 'site']), [{ input: 'site/a.flv', within: 'site' }], 'the inner one, whichever comes first');
  assert.equal(overlapWarning({ input: './site/', within: 'site' }), './site/ is the same as site, also an input: its files are archived twice');
  assert.equal(overlapWarning({ input: 'site/a.flv', within: 'site' }), 'site/a.flv is inside site, also an input: its files are archived twice');
  assert.deepEqual(overlappingInputs([{ url: 'http://x/a', data: Buffer.from('a') }, 'site']), [], 'entries are not paths');
});
