import assert from 'node:assert/strict';
import { test } from 'node:test';
import { closestKey } from '../../src/util/did-you-mean.js';

test('the key meant: by edit distance, or the known key a truncated one starts', () => {
  const cases: Array<[string, readonly string[], string | undefined]> = [
    ['mmie', ['name', 'ext', 'mime'], 'mime'],
    ['tiemstamp', ['url', 'timestamp', 'selector'], 'timestamp'],
    ['selecter', ['url', 'timestamp', 'selector'], 'selector'],
    ['skip_as_sorce', ['skip', 'skip_as_source'], 'skip_as_source'],
    ['metadata', ['url', 'metadata_file'], 'metadata_file'],
    ['Mime', ['mime'], 'mime'],
    ['colour', ['name', 'ext', 'mime'], undefined],
  ];
  for (const [key, known, expected] of cases) assert.equal(closestKey(key, known), expected, key);
});
