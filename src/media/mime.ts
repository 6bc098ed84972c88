/**
 * MIME types as warcit assigns them: by name exactly as Python's `mimetypes.guess_type(url,
 * strict=False)` answers on the machine — Python's built-in table with `/etc/mime.types` (and
 * its other known files) read over it at run time, plus warcit's own `.ico` — or by content
 * sniffing (`--use-magic magic`), falling back to text/html as warcit does.
 */
import { RegularFileError, readRegularFileSync } from '../util/regular-file.js';
import { COMMON_TYPES, ENCODINGS_MAP, KNOWN_FILES, SUFFIX_MAP, TYPES_MAP } from './python-mimetypes.js';

/** warcit's default when nothing else is known. */
export const DEFAULT_MIME = 'text/html';

/** The mime.types files Python reads when present, in its order. */
export const DEFAULT_MIME_TYPES_FILES = KNOWN_FILES;

/** A real mime.types is about 75 KB; anything past this is not one. */
const MIME_TYPES_MAX_BYTES = 16 * 1024 * 1024;

/** Python's str.split() whitespace. */
const PY_WHITESPACE = /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

/** posixpath.splitext: the last dot after the last slash, unless only dots precede it. */
function splitext(path: string): [string, string] {
  const slash = path.lastIndexOf('/');
  const dot = path.lastIndexOf('.');
  if (dot > slash) {
    for (let i = slash + 1; i < dot; i++) if (path[i] !== '.') return [path.slice(0, dot), path.slice(dot)];
  }
  return [path, ''];
}

/** The type a `data:` URL declares (Python's rules), or undefined without a comma. */
function dataUrlType(rest: string): string | undefined {
  const comma = rest.indexOf(',');
  if (comma < 0) return undefined;
  const semi = rest.slice(0, comma).indexOf(';');
  const type = rest.slice(0, semi >= 0 ? semi : comma);
  return type.includes('=') || !type.includes('/') ? 'text/plain' : type;
}

/** Add a mime.types file's entries (Python's readfp); a missing or special file is passed over. */
function readMimeTypesFile(file: string, into: Map<string, string>): void {
  let text: string;
  try {
    text = readRegularFileSync(file, { maxBytes: MIME_TYPES_MAX_BYTES }).toString('utf8');
  } catch (error) {
    if (error instanceof RegularFileError) return; // Python reads only what os.path.isfile() accepts
    throw error;
  }
  for (const line of text.split(/\r\n|\r|\n/)) {
    const words = line.split(PY_WHITESPACE).filter(Boolean);
    const comment = words.findIndex((word) => word.startsWith('#'));
    if (comment >= 0) words.length = comment;
    const [type, ...suffixes] = words;
    if (type === undefined) continue;
    for (const suffix of suffixes) into.set(`.${suffix}`, type);
  }
}

/** A MIME table that answers as Python's `mimetypes` does with the given files read. */
export class MimeTypes {
  private readonly strict: Map<string, string>;
  private readonly common = new Map(COMMON_TYPES);
  private readonly suffixes = new Map(SUFFIX_MAP);
  private readonly encodings = new Map(ENCODINGS_MAP);

  constructor(files: readonly string[]) {
    this.strict = new Map(TYPES_MAP);
    for (const file of files) readMimeTypesFile(file, this.strict);
    this.strict.set('.ico', 'image/x-icon'); // warcit adds this after Python's own set-up
  }

  /** `mimetypes.guess_type(url, strict=False)[0]`. */
  guess(url: string): string | undefined {
    let rest = url;
    const scheme = /^([^/:]+):/.exec(url); // urllib's _splittype
    if (scheme) {
      rest = url.slice(scheme[0].length);
      if (scheme[1]!.toLowerCase() === 'data') return dataUrlType(rest);
    }
    let [base, ext] = splitext(rest);
    for (let expanded = this.suffixes.get(ext.toLowerCase()); expanded !== undefined; expanded = this.suffixes.get(ext.toLowerCase())) {
      [base, ext] = splitext(base + expanded);
    }
    if (this.encodings.has(ext)) [, ext] = splitext(base);
    ext = ext.toLowerCase();
    return this.strict.get(ext) ?? this.common.get(ext);
  }
}

/** A table over the given mime.types files (default: Python's known files, read when present). */
export function createMimeTypes(files: readonly string[] = DEFAULT_MIME_TYPES_FILES): MimeTypes {
  return new MimeTypes(files);
}

/** RFC 9110 token characters. */
const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const MEDIA_TYPE = new RegExp(`^${TOKEN}/${TOKEN}$`);
const PARAMETER = new RegExp(`^${TOKEN}=(?:${TOKEN}|"(?:[^"\\\\]|\\\\.)*")$`);

/**
 * What is wrong with a Content-Type given by hand (`-m`, a mapfile), or undefined when it is a
 * media type (`type/subtype`, parameters after `;`). Pure.
 */
export function mediaTypeProblem(value: string): string | undefined {
  if (value.trim() === '') return 'empty';
  if (/[\r\n]/.test(value)) return `"${value.replace(/\r/g, '\\r').replace(/\n/g, '\\n')}" holds a line break`;
  if (/[\x00-\x08\x0b-\x1f\x7f]/.test(value)) return `"${value}" holds a control character`;
  const [type, ...parameters] = value.split(';');
  if (!MEDIA_TYPE.test(type!.trim())) return `"${value}" is not a MIME type (type/subtype, e.g. text/html)`;
  const bad = parameters.map((p) => p.trim()).find((p) => p !== '' && !PARAMETER.test(p));
  if (bad !== undefined) return `"${value}": the parameter "${bad}" is not name=value`;
  return undefined;
}

let systemTable: MimeTypes | undefined;

/** The MIME type warcit gives a URL or file name by its name, or undefined. Query strings are ignored. */
export function mimeFromName(name: string): string | undefined {
  systemTable ??= createMimeTypes();
  return systemTable.guess(name.split('?', 1)[0]!);
}

/** True if the sample looks like text (no NUL bytes, few control characters). */
function looksLikeText(sample: Uint8Array): boolean {
  let control = 0;
  for (const byte of sample) {
    if (byte === 0) return false;
    if (byte < 9 || (byte > 13 && byte < 32)) control++;
  }
  return control <= sample.length / 100;
}

/** MIME type from content: file-type's signatures for binary formats, then a text sniff. */
export async function mimeFromContent(sample: Uint8Array): Promise<string> {
  const { fileTypeFromBuffer } = await import('file-type'); // loaded only for --use-magic magic
  const detected = await fileTypeFromBuffer(sample);
  if (detected) return detected.mime;
  if (sample.length === 0) return 'application/x-empty';
  if (!looksLikeText(sample)) return 'application/octet-stream';
  const head = Buffer.from(sample.subarray(0, 1024)).toString('latin1').replace(/^\uFEFF|^\xEF\xBB\xBF/, '').trimStart().toLowerCase();
  if (/^<!doctype html|^<html|^<head|^<body|^<!--|^<(title|script|style|div|p|table|h1|a)\b/.test(head)) return 'text/html';
  if (head.startsWith('<?xml')) return head.includes('<html') ? 'application/xhtml+xml' : 'text/xml';
  return 'text/plain';
}

/** Bytes of a file `--use-magic magic` looks at. */
export const SNIFF_BYTES = 4100;
