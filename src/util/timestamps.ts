/**
 * Timestamp helpers with warcio's (Python) padding rules, so partial dates mean what they
 * mean to warcit: `-d 2011-02` is 2011-02-01T00:00:00Z, a manifest timestamp `2016` is
 * 2016-12-01 (padded "up" to six digits, as warcio's timestamp_to_iso_date does).
 */

const PAD_14_DOWN = '10000101000000';
const PAD_6_UP = '299912';

/** Error for a timestamp that cannot be read. */
export class TimestampError extends Error {
  override name = 'TimestampError';
}

function clamp(value: number, min: number, max: number): number {
  return Math.max(min, Math.min(max, value));
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Parse a run of digits (14 or fewer meaningful) into a UTC Date, clamping each field. */
function digitsToDate(digits: string): Date {
  const field = (start: number, end: number, min: number, max: number): number =>
    digits.length >= end ? clamp(Number(digits.slice(start, end)), min, max) : min;
  const year = field(0, 4, 1900, 2999);
  const month = field(4, 6, 1, 12);
  const day = clamp(field(6, 8, 1, 31), 1, daysInMonth(year, month));
  const hour = field(8, 10, 0, 23);
  const minute = field(10, 12, 0, 59);
  const second = field(12, 14, 0, 59);
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second));
}

function onlyDigits(value: string, what: string): string {
  const digits = value.replace(/[^\d]/g, '');
  if (digits.length < 4) {
    throw new TimestampError(`${what}: expected a timestamp such as 20110201, 2011-02 or 2010-12-26T10:11:12, got "${value}"`);
  }
  return digits;
}

/** `-d/--fixed-dt` and mapfile timestamps: separators dropped, padded down (2011-02 → 2011-02-01T00:00:00). */
export function parseFixedDate(value: string, what = 'timestamp'): Date {
  const digits = onlyDigits(value, what);
  return digitsToDate(digits.length < 14 ? digits + PAD_14_DOWN.slice(digits.length) : digits);
}

/** Transclusion manifest timestamps: padded "up" to six digits as warcio does (2016 → 2016-12-01). */
export function parsePageTimestamp(value: string, what = 'timestamp'): Date {
  const digits = onlyDigits(value, what);
  return digitsToDate(digits.length < 6 ? digits + PAD_6_UP.slice(digits.length) : digits);
}

/** WARC-Date text: seconds for WARC/1.0 (as warcio writes), microseconds for WARC/1.1. */
let lastTime = NaN;
let lastIso = '';

export function warcDate(date: Date, version: '1.0' | '1.1' = '1.0'): string {
  const time = date.getTime();
  if (time !== lastTime) {
    lastTime = time;
    lastIso = date.toISOString(); // 2020-01-02T03:04:05.678Z — cached: thousands of records share a date
  }
  const iso = lastIso;
  if (version === '1.1') return `${iso.slice(0, 19)}.${iso.slice(20, 23)}000Z`;
  return `${iso.slice(0, 19)}Z`;
}

/** 14-digit timestamp of a date (UTC). */
export function timestamp14(date: Date): string {
  return date.toISOString().replace(/[^\d]/g, '').slice(0, 14);
}

/** Parse a WARC-Date back into a Date. */
export function parseWarcDate(value: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new TimestampError(`invalid WARC-Date "${value}"`);
  return date;
}
