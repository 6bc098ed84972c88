/**
 * `--mapfile`: a CSV (or TSV, by extension) whose rows give a file — matched as the
 * rightmost part of its path — its URL, timestamp and/or Content-Type. A row may match one
 * file only; a second match is an error, as in warcit.
 */
import { readRegularFile } from '../util/regular-file.js';

export const MAPFILE_COLUMNS = ['file', 'URL', 'timestamp', 'Content-Type'] as const;

export interface MapfileRow {
  file: string;
  URL?: string;
  timestamp?: string;
  'Content-Type'?: string;
  /** 1-based line of the row, for messages. */
  line: number;
}

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
    const row: Record<string, string | number> = { line: i + 2 };
    header.forEach((column, j) => {
      const value = values[j];
      if (value !== undefined && value !== '') row[column] = value;
    });
    if (!row.file) throw new MapfileError(`${file}: line ${i + 2}: empty "file" value`);
    return row as unknown as MapfileRow;
  });
}

/** A mapfile is read whole; a row per file makes 256 MiB a few million files. */
export const MAPFILE_MAX_BYTES = 256 * 1024 * 1024;

/** Load and parse a mapfile; only a regular file of at most `maxBytes` is read. */
export async function loadMapfile(file: string, maxBytes = MAPFILE_MAX_BYTES): Promise<MapfileRow[]> {
  let text: string;
  try {
    text = (await readRegularFile(file, { maxBytes, what: 'mapfile' })).toString('utf8');
  } catch (error) {
    throw new MapfileError((error as Error).message, { cause: error });
  }
  return parseMapfile(text, file, (await import('csv-parse/sync')).parse);
}

/** Matches paths to rows, remembering which row matched which file. */
export class MapfileMatcher {
  private readonly matched = new Map<MapfileRow, string>();
  constructor(
    private readonly rows: readonly MapfileRow[],
    private readonly file: string,
  ) {}

  /** The row for a path, or undefined. Throws if the row already matched another file. */
  match(path: string): MapfileRow | undefined {
    const row = this.rows.find((r) => path.endsWith(r.file));
    if (!row) return undefined;
    const previous = this.matched.get(row);
    if (previous !== undefined && previous !== path) {
      throw new MapfileError(
        `${this.file}: line ${row.line}: row for "${row.file}" matches a second file "${path}" (first: "${previous}"); make the names in the mapfile unique`,
      );
    }
    this.matched.set(row, path);
    return row;
  }
}
