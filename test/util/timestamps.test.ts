import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseFixedDate, parsePageTimestamp, timestamp14, TimestampError, warcDate } from '../../src/util/timestamps.js';

test('fixed dates pad down, as warcit -d does', () => {
  const cases: Array<[string, string]> = [
    ['2011-02', '2011-02-01T00:00:00Z'],
    ['20110201', '2011-02-01T00:00:00Z'],
    ['2010-12-26T10:11:12', '2010-12-26T10:11:12Z'],
    ['20101226101112', '2010-12-26T10:11:12Z'],
    ['2011', '2011-01-01T00:00:00Z'],
    ['20110231', '2011-02-28T00:00:00Z'],
  ];
  for (const [input, expected] of cases) assert.equal(warcDate(parseFixedDate(input)), expected, input);
});

test('page timestamps pad up to six digits, as warcio timestamp_to_iso_date does', () => {
  const cases: Array<[string, string]> = [
    ['20160102', '2016-01-02T00:00:00Z'],
    ['2016', '2016-12-01T00:00:00Z'],
    ['201603', '2016-03-01T00:00:00Z'],
    ['20160102030405', '2016-01-02T03:04:05Z'],
  ];
  for (const [input, expected] of cases) assert.equal(warcDate(parsePageTimestamp(input)), expected, input);
});

test('bad timestamps are refused with the value in the message', () => {
  assert.throws(() => parseFixedDate('yesterday', '--fixed-dt'), (e: Error) => e instanceof TimestampError && /--fixed-dt.*"yesterday"/.test(e.message));
});

test('WARC/1.1 dates carry microseconds; 14-digit timestamps', () => {
  const date = new Date(Date.UTC(2020, 0, 2, 3, 4, 5, 678));
  assert.equal(warcDate(date, '1.1'), '2020-01-02T03:04:05.678000Z');
  assert.equal(warcDate(date, '1.0'), '2020-01-02T03:04:05Z');
  assert.equal(timestamp14(date), '20200102030405');
});
