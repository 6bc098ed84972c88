/**
 * `--mapfile`: a CSV (or TSV, by extension) whose rows give a file — matched as the
 * rightmost part of its path — its URL, timestamp and/or Content-Type. A row may match one
 * file only; a second match is an error, as in warcit.
 */
import { mediaTypeProblem } from '../media/mime.js';
import { readRegularFile } from '../util/regular-file.js';
import { utf16Kind, utf16Message } from '../util/utf16.js';

export const MAPFILE_COLUMNS = ['file', 'URL', 'timestamp', 'Content-Type'] as const;

export interface MapfileRow {
  file: string;
  URL?: string;
  timestamp?: string;
  'Content-Type'?: string;
  /** 1-based line of the row, for messages. */
  line: number;
  /** Where the row is, for messages: `map.csv: line 3`, `mapfile[2]`. */
  where?: string;
}

/**
 * A mapfile row given as an object: the file it is for (the end of its path) and its URL,
 * date and/or Content-Type.
 * @example
 * { file: 'clip.flv', url: 'http://cdn.example.com/video?id=7', date: new Date('2011-02-01T00:00:00Z') }
 */
export interface MapfileEntry {
  file: string;
  url?: string;
  date?: Date;
  contentType?: string;
}

/** A mapfile (path or objects) cannot be read or is not valid: names the file and line, or the row. */
export class MapfileError extends Error {
  override name = 'MapfileError';
}

/** Parse mapfile text; errors name the file. */
export function parseMapfile(text: string, file: string, parse: typeof import('csv-parse/sync').parse): MapfileRow[] {
  let records: string[][];
  try {
    records = parse(text, { delimiter: /\.tsv$/i.test(file) ? '\t' : ',', relax_column_count: false, skip_empty_lines: true, bom: true }) as string[][];
  } catch (error) {
    throw new MapfileError(`${file}: not a valid ${/\.tsv$/i.test(file) ? 'TSV' : 'CSV'} file (${(error as Error).message})`);
  }
  const [header, ...rows] = records;
  if (!header) throw new MapfileError(`${file}: empty mapfile, expected a header row with a "file" column`);
  for (const column of header) {
    if (!(MAPFILE_COLUMNS as readonly string[]).includes(column)) {
      throw new MapfileError(`${file}: unknown column "${column}" (expected ${MAPFILE_COLUMNS.map((c) => `"${c}"`).join(', ')})`);
    }
  }
  if (!header.includes('file')) throw new MapfileError(`${file}: missing "file" column`);
  if (header.length < 2) throw new MapfileError(`${file}: needs at least one column besides "file" (URL, timestamp or Content-Type)`);
  return rows.map((values, i) => {
    const row: Record<string, string | number> = { line: i + 2, where: `${file}: line ${i + 2}` };
    header.forEach((column, j) => {
      const value = values[j];
      if (value !== undefined && value !== '') row[column] = value;
    });
    if (!row.file) throw new MapfileError(`${file}: line ${i + 2}: empty "file" value`);
    const typeProblem = row['Content-Type'] === undefined ? undefined : mediaTypeProblem(String(row['Content-Type']));
    if (typeProblem) throw new MapfileError(`${file}: line ${i + 2}: Content-Type: ${typeProblem}`);
    if (row.URL !== undefined && !isAbsoluteUrl(String(row.URL))) throw new MapfileError(`${file}: line ${i + 2}: URL "${row.URL}" is not an absolute URL (scheme://host/path): it becomes the record's WARC-Target-URI`);
    return row as unknown as MapfileRow;
  });
}

/** `scheme:` and more: what a record's WARC-Target-URI must be (replay systems look records up by it). */
function isAbsoluteUrl(url: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\S/i.test(url);
}

/** A mapfile is read whole; a row per file makes 256 MiB a few million files. */
export const MAPFILE_MAX_BYTES = 256 * 1024 * 1024;

/** Load and parse a mapfile; only a regular file of at most `maxBytes` is read. */
export async function loadMapfile(file: string, maxBytes = MAPFILE_MAX_BYTES): Promise<MapfileRow[]> {
  let bytes: Buffer;
  try {
    bytes = await readRegularFile(file, { maxBytes, what: 'mapfile' });
  } catch (error) {
    throw new MapfileError((error as Error).message, { cause: error });
  }
  const utf16 = utf16Kind(bytes);
  if (utf16) throw new MapfileError(utf16Message(file, utf16));
  return parseMapfile(bytes.toString('utf8'), file, (await import('csv-parse/sync')).parse);
}

/** Mapfile rows from objects; errors name the row (`mapfile[2].url`). */
export function mapfileRowsFrom(entries: readonly MapfileEntry[], timestamp14: (date: Date) => string): MapfileRow[] {
  if (!Array.isArray(entries)) throw new MapfileError(`mapfile: expected a path or an array of { file, url?, date?, contentType? }`);
  return entries.map((entry, i) => {
    const where = `mapfile[${i}]`;
    if (typeof entry !== 'object' || entry === null || typeof entry.file !== 'string' || entry.file === '') throw new MapfileError(`${where}.file: expected the end of a file's path`);
    for (const key of Object.keys(entry)) if (!['file', 'url', 'date', 'contentType'].includes(key)) throw new MapfileError(`${where}.${key}: unknown key (expected file, url, date, contentType)`);
    const row: MapfileRow = { file: entry.file, line: i + 1, where };
    if (entry.url !== undefined) {
      if (typeof entry.url !== 'string' || entry.url === '') throw new MapfileError(`${where}.url: expected a URL`);
      if (!isAbsoluteUrl(entry.url)) throw new MapfileError(`${where}.url: "${entry.url}" is not an absolute URL (scheme://host/path)`);
      row.URL = entry.url;
    }
    if (entry.date !== undefined) {
      if (!(entry.date instanceof Date) || Number.isNaN(entry.date.getTime())) throw new MapfileError(`${where}.date: expected a valid Date`);
      row.timestamp = timestamp14(entry.date);
    }
    if (entry.contentType !== undefined) {
      if (typeof entry.contentType !== 'string' || entry.contentType === '') throw new MapfileError(`${where}.contentType: expected a Content-Type`);
      const typeProblem = mediaTypeProblem(entry.contentType);
      if (typeProblem) throw new MapfileError(`${where}.contentType: ${typeProblem}`);
      row['Content-Type'] = entry.contentType;
    }
    if (row.URL === undefined && row.timestamp === undefined && row['Content-Type'] === undefined) throw new MapfileError(`${where}: gives nothing besides file (url, date or contentType)`);
    return row;
  });
}

/**
 * Matches paths to rows, remembering which row matched which file. warcit's rule: the first row,
 * in mapfile order, whose `file` ends the path (any suffix, not only whole names). Rows are
 * indexed by their `file`, so a path costs one lookup per suffix rather than one test per row.
 */
export class MapfileMatcher {
  private readonly matched = new Map<MapfileRow, string>();
  /** `file` → the first row (its place, and the row) that names it. */
  private readonly byFile = new Map<string, { order: number; row: MapfileRow }>();
  /** The lengths `file` values have, longest first: the only suffixes worth looking up. */
  private readonly lengths: number[];

  constructor(
    rows: readonly MapfileRow[],
    private readonly file: string,
  ) {
    const lengths = new Set<number>();
    rows.forEach((row, order) => {
      if (!this.byFile.has(row.file)) this.byFile.set(row.file, { order, row });
      lengths.add(row.file.length);
    });
    this.lengths = [...lengths].sort((a, b) => b - a);
  }

  /** The row for a path, or undefined. Throws if the row already matched another file. */
  match(path: string): MapfileRow | undefined {
    let found: { order: number; row: MapfileRow } | undefined;
    for (const length of this.lengths) {
      if (length > path.length) continue;
      const candidate = this.byFile.get(path.slice(path.length - length));
      if (candidate && (!found || candidate.order < found.order)) found = candidate;
    }
    const row = found?.row;
    if (!row) return undefined;
    const previous = this.matched.get(row);
    if (previous !== undefined && previous !== path) {
      throw new MapfileError(
        `${row.where ?? `${this.file}: line ${row.line}`}: row for "${row.file}" matches a second file "${path}" (first: "${previous}"); make the names in the mapfile unique`,
      );
    }
    this.matched.set(row, path);
    return row;
  }
}
