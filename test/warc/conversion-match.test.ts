/** Results entries that match no input, with the likely cause: table-driven. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ConversionResult } from '../../src/convert/results.js';
import { findUnmatchedSources } from '../../src/warc/conversion-match.js';

const ok = (output: string, success = true): ConversionResult => ({ url: `${output}.u`, output, metadata: {}, type: 'conversion', success });

test('sources among the inputs match; the others are reported with what differs', () => {
  const results = {
    conversions: {
      'http://www.example.com/media/a.flv': [ok('/c/a.webm')],
      'http://www.example.com/media/b.flv': [ok('/c/b.webm'), ok('/c/b.mp4', false)],
      'http://www.example.com/c.flv': [ok('/c/c.webm')],
      'http://www.example.com/gone.flv': [ok('/c/gone.webm')],
      'http://www.example.com/failed.flv': [ok('/c/failed.webm', false)],
    },
  };
  const inputs = ['http://example.com/media/a.flv', 'http://www.example.com/media/b.flv', 'http://www.example.com/site/c.flv', 'http://www.example.com/other.flv'];
  const unmatched = findUnmatchedSources(results, inputs);
  assert.deepEqual(
    unmatched.map((u) => [u.source, u.outputs, u.closestInput, u.cause]),
    [
      ['http://www.example.com/media/a.flv', ['/c/a.webm'], 'http://example.com/media/a.flv', 'the URL prefix differs: the results file has http://www.example.com/, the inputs give http://example.com/ (http://example.com/media/a.flv)'],
      ['http://www.example.com/c.flv', ['/c/c.webm'], 'http://www.example.com/site/c.flv', 'the input root differs: the results file has it under http://www.example.com/, the inputs give http://www.example.com/site/c.flv (convert and archive from the same directory level)'],
      ['http://www.example.com/gone.flv', ['/c/gone.webm'], undefined, 'no input file has this name: the input root or the URL prefix differs from the conversion run, or the file is not among the inputs'],
    ],
  );
});
