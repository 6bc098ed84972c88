import { Readable } from 'node:stream';

/** One file to archive or convert: a file on disk, a member of a ZIP file, or an object given by the caller. */
export interface FileEntry {
  /** Target URL: prefix + escaped path relative to the input. */
  url: string;
  /** The path users see and WARC-Source-URI carries: a file path, or `archive.zip/member/path`. */
  path: string;
  /** Path relative to the input, '/'-separated, before escaping. */
  relativePath: string;
  /** warcit's root_dir: the parent of a directory input ('' for file, ZIP and object inputs). */
  rootDir: string;
  size: number;
  mtime: Date;
  /** A file on disk that an external tool can open; absent for ZIP members and objects without one. */
  filePath?: string;
  /** Set for ZIP members. */
  zip?: { archive: string; member: string };
  /**
   * A file whose name gives the URL of an earlier one beside it: a ZIP member (`www\\b.html` and
   * `www/b.html`, a name stored twice: both as stored, `archive/name`), or a file on disk
   * (`café.dat` and `caf%C3%A9.dat`). Both are archived; replay shows one.
   */
  sameUrlAs?: { name: string; other: string };
  /** The content, when it was given in memory. */
  data?: Buffer;
  /** WARC-Source-URI of its record; absent: `file://` + `path`; empty: none (objects given without one). */
  sourceUri?: string;
  /** Content-Type given by the caller (as a mapfile row gives it). */
  contentType?: string;
  /** A fresh stream of the content each call. */
  open(): Promise<Readable>;
}

interface EntryInputBase {
  /** The URL it is archived at. */
  url: string;
  /** Its WARC-Date unless a fixed date is given. Default: now. */
  mtime?: Date;
  /** How it is named in messages and logs (default: its URL). */
  path?: string;
  /** A file on disk with the same bytes, which converters can open directly. */
  filePath?: string;
  /** WARC-Source-URI of its record (default: none). */
  sourceUri?: string;
  /** Its Content-Type, when known (default: guessed from the URL, as for files). */
  contentType?: string;
}

/**
 * A file given as an object instead of a path (a crawl pipeline's download): its bytes, or its
 * size and a way to read it.
 * @example
 * { url: 'http://www.example.com/a.html', data: Buffer.from('<p>hi</p>'), mtime: new Date('2009-04-15T12:00:00Z') }
 * { url: 'http://www.example.com/v.flv', size: 1048576, open: () => createReadStream('/tmp/v.flv') }
 */
export type EntryInput = EntryInputBase & ({ data: Uint8Array | string } | { size: number; open(): Readable | Promise<Readable> });

/** An input cannot be read: names it. */
export class InputError extends Error {
  override name = 'InputError';
}

/** Whether an input is an object (not a path). */
export function isEntryInput(input: unknown): input is EntryInput {
  return typeof input === 'object' && input !== null && typeof (input as EntryInput).url === 'string';
}

/** The relative path an object stands for: its URL without scheme (`www.example.com/media/a.flv`), for conversion outputs. */
function relativePathOf(url: string): string {
  const rest = url.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/[?#].*$/, '');
  return rest.split('/').filter((part) => part !== '' && part !== '.' && part !== '..').join('/') || 'index';
}

/** A FileEntry for an object input; the object is checked, its bytes are not read. */
export function entryFromInput(input: EntryInput, index: number): FileEntry {
  const where = `inputs[${index}]`;
  if (input.mtime !== undefined && !(input.mtime instanceof Date && !Number.isNaN(input.mtime.getTime()))) throw new InputError(`${where}.mtime: expected a valid Date`);
  const base = {
    url: input.url,
    path: input.path ?? input.url,
    relativePath: relativePathOf(input.url),
    rootDir: '',
    mtime: input.mtime ?? new Date(),
    ...(input.filePath !== undefined ? { filePath: input.filePath } : {}),
    sourceUri: input.sourceUri ?? '',
    ...(input.contentType !== undefined ? { contentType: input.contentType } : {}),
  };
  if ('data' in input) {
    if (typeof input.data !== 'string' && !(input.data instanceof Uint8Array)) throw new InputError(`${where}.data: expected a Buffer, Uint8Array or string`);
    const data = typeof input.data === 'string' ? Buffer.from(input.data) : Buffer.from(input.data.buffer, input.data.byteOffset, input.data.byteLength);
    return { ...base, size: data.length, data, open: async () => Readable.from([data]) };
  }
  if (!Number.isSafeInteger(input.size) || input.size < 0) throw new InputError(`${where}.size: expected the number of bytes, got ${String(input.size)}`);
  if (typeof input.open !== 'function') throw new InputError(`${where}.open: expected a function returning a readable stream`);
  const open = input.open.bind(input);
  return { ...base, size: input.size, open: async () => open() };
}
