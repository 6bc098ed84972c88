/**
 * Timestamp helpers with warcio's (Python) padding rules, so partial dates mean what they
 * mean to warcit: `-d 2011-02` is padded down (2011-02-01T00:00:00Z, warcit's PAD_14_DOWN),
 * a manifest timestamp is padded up to the end of the period it names, as warcio's
 * `timestamp_to_datetime` does (`2016` → 2016-12-31T23:59:59Z, `20160102` → 2016-01-02T23:59:59Z).
 * Unlike warcio, a field out of range (`20111301`, `2011-02-30`) is an error, not clamped.
 */

/** Error for a timestamp that cannot be read. */
export class TimestampError extends Error {
  override name = 'TimestampError';
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

type Padding = 'down' | 'up';

/** Digits (14 or fewer meaningful) to a UTC Date: missing fields take their lowest or highest value. */
function digitsToDate(digits: string, padding: Padding, value: string, what: string): Date {
  const fail = (field: string, got: number, range: string): never => {
    throw new TimestampError(`${what}: "${value}" is not a date (${field} ${got}; expected ${range})`);
  };
  const field = (start: number, name: string, min: number, max: number): number => {
    if (digits.length < start + 2) return padding === 'up' ? max : min;
    const n = Number(digits.slice(start, start + 2));
    return n < min || n > max ? fail(name, n, `${min}-${max}`) : n;
  };
  const year = Number(digits.slice(0, 4));
  if (year < 1900 || year > 2999) fail('year', year, '1900-2999');
  const month = field(4, 'month', 1, 12);
  const day = field(6, 'day', 1, daysInMonth(year, month));
  const hour = field(8, 'hour', 0, 23);
  const minute = field(10, 'minute', 0, 59);
  const second = field(12, 'second', 0, 59);
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second));
}

function onlyDigits(value: string, what: string): string {
  const digits = value.replace(/[^\d]/g, '');
  if (digits.length < 4) {
    throw new TimestampError(`${what}: expected a timestamp such as 20110201, 2011-02 or 2010-12-26T10:11:12, got "${value}"`);
  }
  return digits;
}

/** A zone designator after a time (`T10:11:12+05:00`, ` 23:30-0330`, `Z`): a date alone has none (`2011-02-03`). */
const ZONE = /(?<=[T ]\d{2}(?::?\d{2}){0,2}(?:\.\d+)?)\s*(Z|[+-]\d{2}(?::?\d{2})?)$/i;

/** Whether `value` gives its time with an offset from UTC (`…T10:11:12+05:00`): its digits are then not UTC's. */
export function hasZoneOffset(value: string): boolean {
  const zone = ZONE.exec(value);
  return zone !== null && zone[1]!.toUpperCase() !== 'Z';
}

/** The date in `value` (its digits, padded), in UTC: a zone offset after the time is taken, not dropped with the other non-digits. */
function parseInZone(value: string, padding: Padding, what: string): Date {
  const zone = ZONE.exec(value);
  const date = digitsToDate(onlyDigits(zone ? value.slice(0, zone.index) : value, what), padding, value, what);
  if (!zone || zone[1]!.toUpperCase() === 'Z') return date;
  const [, sign, hours, minutes] = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone[1]!)!;
  if (Number(hours) > 14 || Number(minutes ?? 0) > 59) throw new TimestampError(`${what}: "${value}" is not a date (zone offset ${zone[1]}; expected at most ±14:00)`);
  const offset = (Number(hours) * 60 + Number(minutes ?? 0)) * (sign === '-' ? -1 : 1);
  return new Date(date.getTime() - offset * 60_000);
}

/** `-d/--fixed-dt` and mapfile timestamps: separators dropped, padded down (2011-02 → 2011-02-01T00:00:00); a zone offset taken. */
export function parseFixedDate(value: string, what = 'timestamp'): Date {
  return parseInZone(value, 'down', what);
}

/** Transclusion manifest timestamps: padded up to the end of the period, as warcio does (2016 → 2016-12-31T23:59:59); a zone offset taken. */
export function parsePageTimestamp(value: string, what = 'timestamp'): Date {
  return parseInZone(value, 'up', what);
}

/**
 * WARC-Date text: seconds for WARC/1.0 (as warcio writes), microseconds for WARC/1.1. Cached:
 * a run formats two dates per record (the file's and its creation date), and thousands of
 * records share each.
 */
const caches = { '1.0': new Map<number, string>(), '1.1': new Map<number, string>() };
const CACHED = 64;

export function warcDate(date: Date, version: '1.0' | '1.1' = '1.0'): string {
  const time = date.getTime();
  const cache = caches[version];
  const key = version === '1.0' ? Math.floor(time / 1000) : time;
  let text = cache.get(key);
  if (text === undefined) {
    const iso = date.toISOString(); // 2020-01-02T03:04:05.678Z
    text = version === '1.0' ? `${iso.slice(0, 19)}Z` : `${iso.slice(0, 19)}.${iso.slice(20, 23)}000Z`;
    if (cache.size >= CACHED) cache.clear();
    cache.set(key, text);
  }
  return text;
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
