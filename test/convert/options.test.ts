import assert from 'node:assert/strict';
import { test } from 'node:test';
import { convertMedia } from '../../src/convert/convert.js';
import { ConvertOptionsError } from '../../src/convert/errors.js';
import { type ConvertOptions, normalizeConvertOptions } from '../../src/convert/options.js';

test('options are checked up front with messages that say what was expected and what was given', async () => {
  const cases: Array<[unknown, string]> = [
    [{ inputs: [] }, 'Expected `inputs` to be a non-empty array of paths or entry objects, got an array'],
    [{ inputs: 'site' }, 'Expected `inputs` to be a non-empty array of paths or entry objects, got "site"'],
    [{ inputs: ['a'], jobs: -1 }, 'Expected `jobs` to be a positive integer, got -1'],
    [{ inputs: ['a'], jobs: 1.5 }, 'Expected `jobs` to be a positive integer, got 1.5'],
    [{ inputs: ['a'], urlPrefix: 5 }, 'Expected `urlPrefix` to be a non-empty string, got 5'],
    [{ inputs: ['a'], dryRun: 'yes' }, 'Expected `dryRun` to be a boolean, got "yes"'],
    [{ inputs: ['a'], rules: 3 }, 'Expected `rules` to be a file path or a RuleSet from loadRules(), got 3'],
    [{ inputs: ['a'], signal: {} }, 'Expected `signal` to be an AbortSignal, got an object'],
    [{ inputs: ['a'], queueWaitSeconds: 0 }, 'Expected `queueWaitSeconds` to be a number of seconds above 0, got 0'],
    [{ inputs: ['a'], queueWaitSeconds: '60' }, 'Expected `queueWaitSeconds` to be a number of seconds above 0, got "60"'],
    [{ inputs: ['a'], stallSeconds: -1 }, 'Expected `stallSeconds` to be a number of seconds above 0, got -1'],
  ];
  for (const [options, message] of cases) {
    assert.throws(() => normalizeConvertOptions(options as ConvertOptions), new ConvertOptionsError(message));
    await assert.rejects(convertMedia(options as ConvertOptions), new ConvertOptionsError(message));
  }
});

test('defaults are filled in and the caller\'s object is not mutated', () => {
  const options: ConvertOptions = Object.freeze({ inputs: Object.freeze(['site']) }) as ConvertOptions;
  const n = normalizeConvertOptions(options);
  assert.ok(n.jobs >= 1);
  assert.equal(n.results, 'warcit-conversion-results.yaml');
  assert.equal(n.dryRun, false);
  assert.deepEqual(options, { inputs: ['site'] });
});
