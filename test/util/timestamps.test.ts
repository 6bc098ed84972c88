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
    ['2012-02-29', '2012-02-29T00:00:00Z'],
  ];
  for (const [input, expected] of cases) assert.equal(warcDate(parseFixedDate(input)), expected, input);
});

test('page timestamps pad up to the end of the period, as warcio timestamp_to_datetime does', () => {
  // The expected values are warcio's own doctests (warcio/timeutils.py) and the cases.
  const cases: Array<[string, string]> = [
    ['2014122609501011', '2014-12-26T09:50:10Z'],
    ['20141226095010', '2014-12-26T09:50:10Z'],
    ['2014122609501', '2014-12-26T09:50:59Z'],
    ['201412260950', '2014-12-26T09:50:59Z'],
    ['20141226095', '2014-12-26T09:59:59Z'],
    ['2014122609', '2014-12-26T09:59:59Z'],
    ['201412260', '2014-12-26T23:59:59Z'],
    ['20141226', '2014-12-26T23:59:59Z'],
    ['2014122', '2014-12-31T23:59:59Z'],
    ['201410', '2014-10-31T23:59:59Z'],
    ['20141', '2014-12-31T23:59:59Z'],
    ['2014', '2014-12-31T23:59:59Z'],
    ['20160102', '2016-01-02T23:59:59Z'],
    ['2019', '2019-12-31T23:59:59Z'],
    ['201602', '2016-02-29T23:59:59Z'],
    ['20160102030405', '2016-01-02T03:04:05Z'],
  ];
  for (const [input, expected] of cases) assert.equal(warcDate(parsePageTimestamp(input)), expected, input);
});

test('impossible dates are errors naming the value and the field, not clamped', () => {
  const cases: Array<[() => Date, RegExp]> = [
    [() => parseFixedDate('20111301', '--fixed-dt'), /--fixed-dt: "20111301" is not a date \(month 13/],
    [() => parseFixedDate('2011-02-30', '--fixed-dt'), /"2011-02-30" is not a date \(day 30; expected 1-28\)/],
    [() => parseFixedDate('2011-02-01T25:00', 'x'), /hour 25/],
    [() => parsePageTimestamp('20111301', 'manifest.yaml: transclusions["a"][0].timestamp'), /manifest\.yaml: transclusions\["a"\]\[0\]\.timestamp: "20111301" is not a date/],
    [() => parsePageTimestamp('20110230'), /day 30/],
    [() => parsePageTimestamp('20110101126000'), /minute 60/],
    [() => parsePageTimestamp('0999'), /year 999/],
  ];
  for (const [run, message] of cases) assert.throws(run, (e: Error) => e instanceof TimestampError && message.test(e.message), String(message));
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

test('a time with a zone offset is taken in that zone (warcit drops the offset, 5 hours off); Z is UTC; a date alone has no offset', () => {
  const cases: Array<[string, string]> = [
    ['2010-12-26T10:11:12+05:00', '2010-12-26T05:11:12Z'],
    ['2010-12-26T10:11:12-0330', '2010-12-26T13:41:12Z'],
    ['2010-12-26 23:30+02', '2010-12-26T21:30:00Z'],
    ['2010-12-26T10:11:12Z', '2010-12-26T10:11:12Z'],
    ['2010-12-26T10:11:12.5+01:00', '2010-12-26T09:11:12Z'],
    ['2011-02-03', '2011-02-03T00:00:00Z'],
  ];
  for (const [input, expected] of cases) assert.equal(warcDate(parseFixedDate(input)), expected, input);
  assert.equal(warcDate(parsePageTimestamp('2016-01-02T00:30:00+01:00')), '2016-01-01T23:30:00Z');
  assert.throws(() => parseFixedDate('2010-12-26T10:11:12+25:00'), /"2010-12-26T10:11:12\+25:00" is not a date \(zone offset \+25:00/);
});
