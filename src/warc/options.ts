/**
 * Options of `planWarcRecords` and `writeWarc`, in the library's words (dates as `Date`, lists
 * as arrays), checked and normalized before anything is read or written. Messages say what was
 * expected and what was given, naming the option; the caller's object is not mutated.
 */
import { basename, resolve } from 'node:path';
import type { ConversionOutcome, ConvertResult } from '../convert/convert.js';
import type { ConversionResults } from '../convert/results.js';
import { type EntryInput, isEntryInput } from '../inputs/entry.js';
import { fnmatchToRegExp, pathToUrlPath } from '../inputs/url.js';
import { type CharsetSetting, parseCharsetSetting } from '../media/charset.js';
import { mediaTypeProblem } from '../media/mime.js';
import type { TransclusionFormat } from '../transclusions/formats.js';
import type { TransclusionManifest, TransclusionManifestDocument } from '../transclusions/manifest.js';
import type { WriteMode } from '../util/atomic.js';
import type { Logger } from '../util/logger.js';
import type { DigestAlgorithm } from './digest.js';
import type { WarcEvent } from './events.js';
import type { GzipLevelSetting } from './gzip.js';
import type { MapfileEntry } from './mapfile.js';
import type { WarcVersion } from './records.js';

/**
 * What records to write: the options of {@link planWarcRecords} (and of `writeWarc`).
 * @example
 * { urlPrefix: 'http://www.example.com/', inputs: ['site/'], date: new Date('2009-04-15T12:00:00Z'), conversions: await convertMedia({ ... }) }
 */
export interface WarcRecordOptions {
  /** Prepended to each file's path below its input to make its URL, e.g. `http://www.example.com/`. Needed when an input is a path. */
  urlPrefix?: string;
  /** Directories, files, ZIP files, paths inside ZIP files (`site.zip/www.example.com/`), and objects ({@link EntryInput}). */
  inputs: ReadonlyArray<string | EntryInput>;
  /** WARC-Date of every file. Default: each file's modification time (ZIP members: their DOS date, read as UTC). */
  date?: Date;
  /** Default `1.0`. */
  warcVersion?: WarcVersion;
  /** Write a warcinfo record first. Default true. */
  warcinfo?: boolean;
  /** WARC-Filename of the warcinfo record. Default: the WARC's file name (writeWarc), else none. */
  filename?: string;
  /** Content-Type from the file name (default, as warcit) or from the content (file signatures, then a text sniff). */
  mimeFrom?: 'name' | 'content';
  /** text/html where application/xhtml+xml would be written. */
  xhtmlAsHtml?: boolean;
  /** Content-Types for URLs matching wildcards, first match wins: `{ '*.php': 'text/html' }` or pairs. */
  mimeOverrides?: Readonly<Record<string, string>> | ReadonlyArray<readonly [pattern: string, mime: string]>;
  /** Wildcards on the file path (case-insensitive, `*` spans `/`); a match here overrides `exclude`. */
  include?: readonly string[];
  exclude?: readonly string[];
  /** Charset added to text/* types: a name, `auto` to detect, or `none` (default). */
  charset?: string;
  /** File names that also get a revisit record at their directory URL. Default `['index.html', 'index.htm']`. */
  indexFiles?: readonly string[];
  /** URL, date and/or Content-Type per file: a CSV/TSV mapfile path, or its rows as objects. */
  mapfile?: string | readonly MapfileEntry[];
  /**
   * Conversions to write after their sources: a results file path (warckit's or warcit's), what
   * `convertMedia` returned, its outcomes, or a results document (`{ conversions: { [sourceUrl]: [...] } }`).
   */
  conversions?: string | ConvertResult | readonly ConversionOutcome[] | ConversionResults;
  /**
   * Conversion outputs must resolve (links followed) inside this directory; others are refused
   * unread. Default: the results file's directory for a path, `outputDir` for a `convertMedia`
   * result; objects without one are not checked.
   */
  conversionsDir?: string;
  /** Which page embeds which media: a manifest path, a loaded manifest, or its document (`{ transclusions: { ... } }`). */
  transclusions?: string | TransclusionManifest | TransclusionManifestDocument;
  /** `youtube-dl` (default, warcit's records), `transclusions` (every media of a page in one record) or `both`. */
  transclusionFormat?: TransclusionFormat;
  /** WARC-Type of converted files: `conversion` (default, as warcit) or `resource` (what wabac.js / ReplayWeb.page serve). */
  conversionRecordType?: 'conversion' | 'resource';
  /**
   * Write each source's and output's ffprobe JSON (the characterization sidecars that
   * `convertMedia` keeps and names in its results) as `metadata` records, `WARC-Concurrent-To`
   * the records they describe. Needs `conversions` from a results file or a `convertMedia` result.
   */
  characterize?: boolean;
  /** The command line recorded in warcinfo. */
  commandLine?: readonly string[];
  logger?: Logger;
  signal?: AbortSignal;
  /** Told about each record written, progress, inputs and conversions left out, and warnings. */
  onEvent?: (event: WarcEvent) => void;
  /** For reproducible output (tests): the clock and the record-ID source. */
  now?: () => Date;
  makeRecordId?: () => string;
}

/**
 * Options of {@link writeWarc}: what records to write, and the WARC file they go to.
 * @example
 * await writeWarc({ urlPrefix: 'http://www.example.com/', inputs: ['site/'], path: 'site.warc.gz', date: new Date('2011-02-01T00:00:00Z') });
 */
export interface WriteWarcOptions extends WarcRecordOptions {
  /** The WARC to write, exactly (`.warc.gz` or `.warc` is not added). */
  path?: string;
  /** warcit's `-n`: the WARC's name, `.warc.gz`/`.warc` added. Default: the first input's base name. */
  name?: string;
  /** `create` (default: refuse if it exists), `overwrite`, or `append` (in place, its end checked first). */
  mode?: WriteMode;
  /** Default true: one gzip member per record. */
  gzip?: boolean;
  /** `auto` (default): payloads that do not compress are stored, the rest compressed at level 6. */
  gzipLevel?: GzipLevelSetting;
  /** Of WARC-Payload-Digest and WARC-Block-Digest (base32, as warcio writes). Default `sha1`. */
  digestAlgorithm?: DigestAlgorithm;
  /** Also write a CSV log of every record here. */
  log?: string;
  /** Large payloads read ahead of the one being written (default 8). */
  concurrency?: number;
  /** Flush the WARC to disk before it is moved into place, so it also survives a power cut. */
  fsync?: boolean;
  /**
   * Roll over to numbered WARCs (`site-00000.warc.gz`, `site-00001.warc.gz`…) of about this many
   * bytes, as browsertrix-crawler's `rolloverSize`: a record is never split, an input file's
   * records (resource, revisit, conversions, characterization) stay in one WARC, and a WARC goes
   * past this size only when one input file's records alone do. Each WARC gets its own warcinfo.
   */
  maxSize?: number;
  /** Also write a CDXJ index beside each WARC (`site.warc.gz.cdxj`), as warcio.js's indexer writes it, for pywb and ReplayWeb.page. */
  cdxj?: boolean;
}

/** An option is missing or not what it should be; nothing was read or written. */
export class WarcOptionsError extends TypeError {
  override name = 'WarcOptionsError';
  /** The option, as named in the options object (`gzipLevel`), or undefined when about the whole. */
  readonly option: string | undefined;
  /** What it must be (`auto or an integer from 0 to 9`). */
  readonly expected: string;
  /** What was given, as shown in the message. */
  readonly got: string | undefined;
  constructor(option: string | undefined, expected: string, got?: string) {
    super(`Expected ${option ? `\`${option}\` to be ` : ''}${expected}${got === undefined ? '' : `, got ${got}`}`);
    this.option = option;
    this.expected = expected;
    this.got = got;
  }
}

export interface NormalizedRecordOptions {
  urlPrefix: string;
  inputs: ReadonlyArray<string | EntryInput>;
  date?: Date;
  warcVersion: WarcVersion;
  warcinfo: boolean;
  filename?: string;
  mimeFrom: 'name' | 'content';
  xhtmlAsHtml: boolean;
  mimeOverrides: Array<[RegExp, string]>;
  include: RegExp[];
  exclude: RegExp[];
  charset: CharsetSetting;
  /** Matched against the URL's end, lower case, in both escaped and plain forms. */
  indexFiles: string[];
  transclusionFormat: TransclusionFormat;
  conversionRecordType: 'conversion' | 'resource';
  characterize: boolean;
  commandLine?: string[];
}

export interface NormalizedWarcOptions extends NormalizedRecordOptions {
  path: string;
  mode: WriteMode;
  gzip: boolean;
  gzipLevel: GzipLevelSetting;
  digestAlgorithm: DigestAlgorithm;
  log?: string;
  maxSize?: number;
  cdxj: boolean;
}

/** How a value is shown in a message. */
export function shownValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'an invalid Date' : value.toISOString();
  if (typeof value === 'object') return 'an object';
  return String(value);
}

function oneOf<T extends string>(options: object, key: string, allowed: readonly T[], fallback: T): T {
  const value = (options as Record<string, unknown>)[key] ?? fallback;
  if (!allowed.includes(value as T)) throw new WarcOptionsError(key, allowed.join(', ').replace(/, ([^,]*)$/, ' or $1'), shownValue(value));
  return value as T;
}

function stringList(options: object, key: string, fallback: readonly string[] = []): string[] {
  const value = (options as Record<string, unknown>)[key] ?? fallback;
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) throw new WarcOptionsError(key, 'an array of strings', shownValue(value));
  return value.map((s: string) => s.trim()).filter(Boolean);
}

function overrides(value: WarcRecordOptions['mimeOverrides']): Array<[RegExp, string]> {
  if (value === undefined) return [];
  const pairs = Array.isArray(value) ? value : typeof value === 'object' && value !== null ? Object.entries(value) : undefined;
  if (!pairs || !pairs.every((p) => Array.isArray(p) && typeof p[0] === 'string' && p[0] !== '' && typeof p[1] === 'string' && p[1] !== '')) {
    throw new WarcOptionsError('mimeOverrides', "an object of wildcard to MIME type ({ '*.php': 'text/html' }) or [wildcard, mime] pairs", shownValue(value));
  }
  for (const [, mime] of pairs) if (mediaTypeProblem(mime as string)) throw new WarcOptionsError('mimeOverrides', 'MIME types such as text/html', shownValue(mime));
  return pairs.map(([pattern, mime]) => [fnmatchToRegExp(pattern as string), mime as string]);
}

/**
 * The WARC file name: `name` with a given `.warc.gz`/`.warc`/`.gz` dropped and the right one
 * added; without a name, the first input's (a directory's own name for `.` or `..`). A name
 * that is a directory (`out/`, `.`, `..`) gets the WARC inside it, named as without a name,
 * rather than a hidden `out/.warc.gz`.
 */
export function warcFileName(name: string | undefined, firstInput: string | EntryInput, gzip: boolean): string {
  const ext = gzip ? '.warc.gz' : '.warc';
  const fromInput = typeof firstInput === 'string' ? basename(resolve(firstInput)) || 'warckit' : 'warckit';
  if (!name) return fromInput + ext;
  if (/[\\/]$/.test(name) || ['.', '..'].includes(basename(name))) return `${name.replace(/[\\/]*$/, '/')}${fromInput}${ext}`;
  return (name.replace(/\.gz$/i, '').replace(/\.warc$/i, '') || fromInput) + ext;
}

/** Check and fill in the options of {@link planWarcRecords}. */
export function normalizeRecordOptions(options: WarcRecordOptions): NormalizedRecordOptions {
  if (typeof options !== 'object' || options === null) throw new WarcOptionsError(undefined, 'options to be an object', shownValue(options));
  const inputs: unknown = options.inputs;
  if (!Array.isArray(inputs) || inputs.length === 0 || !inputs.every((i) => (typeof i === 'string' && i !== '') || isEntryInput(i))) {
    throw new WarcOptionsError('inputs', 'a non-empty array of paths (files, directories, ZIP files) or entry objects ({ url, data } or { url, size, open })', shownValue(inputs));
  }
  const hasPaths = inputs.some((i) => typeof i === 'string');
  if (options.urlPrefix !== undefined && (typeof options.urlPrefix !== 'string' || options.urlPrefix === '')) {
    throw new WarcOptionsError('urlPrefix', 'a URL prefix such as http://www.example.com/', shownValue(options.urlPrefix));
  }
  if (hasPaths && options.urlPrefix === undefined) throw new WarcOptionsError('urlPrefix', 'a URL prefix such as http://www.example.com/ (paths among the inputs need one)', 'nothing');
  if (options.date !== undefined && !(options.date instanceof Date && !Number.isNaN(options.date.getTime()))) throw new WarcOptionsError('date', 'a valid Date', shownValue(options.date));
  let charset: CharsetSetting;
  try {
    charset = parseCharsetSetting(options.charset);
  } catch {
    throw new WarcOptionsError('charset', 'a charset name, auto or none', shownValue(options.charset));
  }
  const indexFiles = stringList(options, 'indexFiles', ['index.html', 'index.htm']);
  const normalized: NormalizedRecordOptions = {
    urlPrefix: options.urlPrefix ?? '',
    inputs: [...options.inputs],
    warcVersion: oneOf(options, 'warcVersion', ['1.0', '1.1'], '1.0'),
    warcinfo: options.warcinfo ?? true,
    mimeFrom: oneOf(options, 'mimeFrom', ['name', 'content'], 'name'),
    xhtmlAsHtml: options.xhtmlAsHtml ?? false,
    mimeOverrides: overrides(options.mimeOverrides),
    include: stringList(options, 'include').map((p) => fnmatchToRegExp(p.toLowerCase())),
    exclude: stringList(options, 'exclude').map((p) => fnmatchToRegExp(p.toLowerCase())),
    charset,
    // Matched against the URL, so names that get escaped (spaces, '#') match in either form.
    indexFiles: indexFiles.flatMap((f) => [...new Set([`/${f}`, `/${pathToUrlPath(f)}`])].map((s) => s.toLowerCase())),
    transclusionFormat: oneOf(options, 'transclusionFormat', ['youtube-dl', 'transclusions', 'both'], 'youtube-dl'),
    conversionRecordType: oneOf(options, 'conversionRecordType', ['conversion', 'resource'], 'conversion'),
    characterize: options.characterize === true,
  };
  if (normalized.characterize && options.conversions === undefined) {
    throw new WarcOptionsError(undefined, '`conversions` (a results file or a convertMedia result) with `characterize`: they name the characterization of each source');
  }
  if (options.date) normalized.date = options.date;
  if (options.filename !== undefined) normalized.filename = options.filename;
  if (options.commandLine) normalized.commandLine = [...options.commandLine];
  return normalized;
}

/** Check and fill in the options of {@link writeWarc}. */
export function normalizeWarcOptions(options: WriteWarcOptions): NormalizedWarcOptions {
  const records = normalizeRecordOptions(options);
  const gzip = options.gzip ?? true;
  const gzipLevel = options.gzipLevel ?? 'auto';
  if (gzipLevel !== 'auto' && !(Number.isInteger(gzipLevel) && gzipLevel >= 0 && gzipLevel <= 9)) throw new WarcOptionsError('gzipLevel', 'auto or an integer from 0 to 9', shownValue(gzipLevel));
  if (options.path !== undefined && (typeof options.path !== 'string' || options.path === '')) throw new WarcOptionsError('path', 'a file path', shownValue(options.path));
  if (options.concurrency !== undefined && !(Number.isInteger(options.concurrency) && options.concurrency >= 1)) throw new WarcOptionsError('concurrency', 'a positive integer', shownValue(options.concurrency));
  if (options.maxSize !== undefined && !(Number.isSafeInteger(options.maxSize) && options.maxSize >= 1)) throw new WarcOptionsError('maxSize', 'a positive whole number of bytes', shownValue(options.maxSize));
  const path = options.path ?? warcFileName(options.name, options.inputs[0]!, gzip);
  const normalized: NormalizedWarcOptions = {
    ...records,
    path,
    mode: oneOf(options, 'mode', ['create', 'overwrite', 'append'], 'create'),
    gzip,
    gzipLevel,
    digestAlgorithm: oneOf(options, 'digestAlgorithm', ['sha1', 'sha256'], 'sha1'),
    filename: records.filename ?? basename(path),
    cdxj: options.cdxj === true,
  };
  if (options.log) normalized.log = options.log;
  if (options.maxSize !== undefined) normalized.maxSize = options.maxSize;
  return normalized;
}
