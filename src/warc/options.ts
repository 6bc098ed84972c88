/**
 * Options of `writeWarc`, checked and normalized before anything is read or written.
 * Messages say what was expected and what was given; the caller's object is not mutated.
 */
import { basename } from 'node:path';
import { type CharsetSetting, parseCharsetSetting } from '../media/charset.js';
import { fnmatchToRegExp, pathToUrlPath } from '../inputs/url.js';
import type { TransclusionFormat } from '../transclusions/formats.js';
import type { WriteMode } from '../util/atomic.js';
import type { Logger } from '../util/logger.js';
import { parseFixedDate } from '../util/timestamps.js';
import type { DigestAlgorithm } from './digest.js';
import type { GzipLevelSetting } from './gzip.js';
import type { WarcVersion } from './records.js';

export interface WarcProgress {
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
  current?: string;
}

/**
 * Options of {@link writeWarc}.
 * @example
 * await writeWarc({ urlPrefix: 'http://www.example.com/', inputs: ['site/'], name: 'site', fixedDate: '2011-02' });
 */
export interface WriteWarcOptions {
  /** Prepended to each file's relative path to make its URL, e.g. `http://www.example.com/`. */
  urlPrefix: string;
  /** Directories, files, ZIP files, or paths inside ZIP files (`site.zip/www.example.com/`). */
  inputs: readonly string[];
  /** WARC name; `.warc.gz`/`.warc` is added. Default: the first input's base name. */
  name?: string;
  /** `create` (default: refuse if it exists), `overwrite`, or `append`. */
  mode?: WriteMode;
  /** Fixed WARC-Date for every file: full or partial (`2011-02`, `20110201`, `2010-12-26T10:11:12`). */
  fixedDate?: string;
  gzip?: boolean;
  /** `auto` (default): level 0 for payloads that do not compress, 6 for those that do. */
  gzipLevel?: GzipLevelSetting;
  warcVersion?: WarcVersion;
  digestAlgorithm?: DigestAlgorithm;
  warcinfo?: boolean;
  /** MIME by `filename` (default) or by content (`magic`). */
  useMagic?: 'filename' | 'magic';
  /** Write text/html instead of application/xhtml+xml. */
  noXhtml?: boolean;
  /** `pattern=mime,pattern=mime` or pairs; wildcards match the URL. */
  mimeOverrides?: string | ReadonlyArray<[string, string]>;
  /** Wildcards on the file path (case-insensitive); include overrides exclude. */
  include?: string | readonly string[];
  exclude?: string | readonly string[];
  /** A charset name, `auto` to detect, or `none` (default). */
  charset?: string;
  /** File names that also get a revisit record at their directory URL. Default `index.html,index.htm`. */
  indexFiles?: string | readonly string[];
  /** CSV/TSV with columns file, URL, timestamp, Content-Type. */
  mapfile?: string;
  /** Write a CSV log of every record here. */
  log?: string;
  /** A conversion results YAML (warckit's or warcit's): adds conversion records. */
  conversions?: string;
  /**
   * Conversion outputs must resolve (links followed) inside this directory; others are refused
   * unread. Default: the results file's own directory (where warckit-convert and warcit put it).
   */
  conversionsDir?: string;
  /** A transclusion manifest YAML: adds transclusion metadata records. */
  transclusions?: string;
  transclusionFormat?: TransclusionFormat;
  /**
   * WARC-Type of the converted files' records: `conversion` (default, as warcit writes them;
   * pywb serves them) or `resource` (same headers; wabac.js / ReplayWeb.page serves only
   * resource, response and revisit records).
   */
  conversionRecordType?: 'conversion' | 'resource';
  /**
   * Write each source's and output's ffprobe JSON (the characterization sidecars named in the
   * `conversions` results file) as `metadata` records concurrent to the records they describe.
   */
  characterize?: boolean;
  /** The command line to record in warcinfo. */
  commandLine?: readonly string[];
  logger?: Logger;
  onProgress?: (progress: WarcProgress) => void;
  signal?: AbortSignal;
  /** Records prepared ahead of the one being written (default 8). */
  concurrency?: number;
  /** fsync the WARC before moving it into place, so it also survives a power cut (costs a disk flush). */
  fsync?: boolean;
  /** For reproducible tests: the clock and record-ID source. */
  now?: () => Date;
  makeRecordId?: () => string;
}

export interface NormalizedWarcOptions {
  urlPrefix: string;
  inputs: string[];
  path: string;
  mode: WriteMode;
  fixedDate?: Date;
  gzip: boolean;
  gzipLevel: GzipLevelSetting;
  warcVersion: WarcVersion;
  digestAlgorithm: DigestAlgorithm;
  warcinfo: boolean;
  useMagic: 'filename' | 'magic';
  noXhtml: boolean;
  mimeOverrides: Array<[RegExp, string]>;
  include: RegExp[];
  exclude: RegExp[];
  charset: CharsetSetting;
  indexFiles: string[];
  mapfile?: string;
  log?: string;
  conversions?: string;
  transclusions?: string;
  transclusionFormat: TransclusionFormat;
  conversionRecordType: 'conversion' | 'resource';
  characterize: boolean;
  commandLine?: string[];
}

export class WarcOptionsError extends Error {
  override name = 'WarcOptionsError';
}

function list(value: string | readonly string[] | undefined): string[] {
  if (value === undefined) return [];
  const items = typeof value === 'string' ? value.split(',') : [...value];
  return items.map((s) => s.trim()).filter(Boolean);
}

/** The WARC file name: strip a given `.warc.gz`/`.warc`/`.gz`, then add the right one. */
export function warcFileName(name: string | undefined, firstInput: string, gzip: boolean): string {
  let base = name ?? basename(firstInput.replace(/[\\/]+$/, ''));
  if (name !== undefined) base = base.replace(/\.gz$/i, '').replace(/\.warc$/i, '');
  if (!base) base = 'warckit';
  return base + (gzip ? '.warc.gz' : '.warc');
}

export function normalizeWarcOptions(options: WriteWarcOptions): NormalizedWarcOptions {
  if (typeof options.urlPrefix !== 'string' || options.urlPrefix === '') {
    throw new WarcOptionsError('Expected `urlPrefix` to be a URL prefix such as http://www.example.com/');
  }
  if (!Array.isArray(options.inputs) || options.inputs.length === 0) {
    throw new WarcOptionsError('Expected `inputs` to list at least one file, directory or ZIP file');
  }
  const gzip = options.gzip ?? true;
  const gzipLevel = options.gzipLevel ?? 'auto';
  if (gzipLevel !== 'auto' && !(Number.isInteger(gzipLevel) && gzipLevel >= 0 && gzipLevel <= 9)) {
    throw new WarcOptionsError(`Expected \`gzipLevel\` to be auto or an integer from 0 to 9, got ${String(gzipLevel)}`);
  }
  const warcVersion = options.warcVersion ?? '1.0';
  if (warcVersion !== '1.0' && warcVersion !== '1.1') throw new WarcOptionsError(`Expected \`warcVersion\` to be 1.0 or 1.1, got ${String(warcVersion)}`);
  const digestAlgorithm = options.digestAlgorithm ?? 'sha1';
  if (digestAlgorithm !== 'sha1' && digestAlgorithm !== 'sha256') {
    throw new WarcOptionsError(`Expected \`digestAlgorithm\` to be sha1 or sha256, got ${String(digestAlgorithm)}`);
  }
  const mode = options.mode ?? 'create';
  if (!['create', 'overwrite', 'append'].includes(mode)) throw new WarcOptionsError(`Expected \`mode\` to be create, overwrite or append, got ${String(mode)}`);
  const useMagic = options.useMagic ?? 'filename';
  if (useMagic !== 'filename' && useMagic !== 'magic') {
    throw new WarcOptionsError(`Expected \`useMagic\` to be filename or magic, got ${String(useMagic)}${String(useMagic) === 'tika' ? ' (Apache Tika is not supported)' : ''}`);
  }
  const transclusionFormat = options.transclusionFormat ?? 'youtube-dl';
  if (!['youtube-dl', 'transclusions', 'both'].includes(transclusionFormat)) {
    throw new WarcOptionsError(`Expected \`transclusionFormat\` to be youtube-dl, transclusions or both, got ${String(transclusionFormat)}`);
  }
  const conversionRecordType = options.conversionRecordType ?? 'conversion';
  if (conversionRecordType !== 'conversion' && conversionRecordType !== 'resource') {
    throw new WarcOptionsError(`Expected \`conversionRecordType\` to be conversion or resource, got ${String(conversionRecordType)}`);
  }
  if (options.characterize && !options.conversions) throw new WarcOptionsError('Expected `conversions` (a results file) with `characterize`: the results file names the characterization of each source');
  let mimeOverrides: Array<[RegExp, string]>;
  if (typeof options.mimeOverrides === 'string') {
    mimeOverrides = list(options.mimeOverrides).map((item) => {
      const eq = item.indexOf('=');
      if (eq <= 0 || eq === item.length - 1) throw new WarcOptionsError(`Expected mime override as <pattern>=<mime>, got "${item}"`);
      return [fnmatchToRegExp(item.slice(0, eq)), item.slice(eq + 1)];
    });
  } else mimeOverrides = (options.mimeOverrides ?? []).map(([p, m]) => [fnmatchToRegExp(p), m]);
  let fixedDate: Date | undefined;
  if (options.fixedDate !== undefined) {
    try {
      fixedDate = parseFixedDate(options.fixedDate, '--fixed-dt');
    } catch (error) {
      throw new WarcOptionsError((error as Error).message);
    }
  }
  let charset: CharsetSetting;
  try {
    charset = parseCharsetSetting(options.charset);
  } catch (error) {
    throw new WarcOptionsError((error as Error).message);
  }
  const normalized: NormalizedWarcOptions = {
    urlPrefix: options.urlPrefix,
    inputs: [...options.inputs],
    path: warcFileName(options.name, options.inputs[0]!, gzip),
    mode,
    gzip,
    gzipLevel,
    warcVersion,
    digestAlgorithm,
    warcinfo: options.warcinfo ?? true,
    useMagic,
    noXhtml: options.noXhtml ?? false,
    mimeOverrides,
    include: list(options.include).map((p) => fnmatchToRegExp(p.toLowerCase())),
    exclude: list(options.exclude).map((p) => fnmatchToRegExp(p.toLowerCase())),
    charset,
    // Matched against the URL, so names that get escaped (spaces, '#') match in either form.
    indexFiles: list(options.indexFiles ?? 'index.html,index.htm').flatMap((f) => [...new Set([`/${f}`, `/${pathToUrlPath(f)}`])].map((s) => s.toLowerCase())),
    transclusionFormat,
    conversionRecordType,
    characterize: options.characterize === true,
  };
  if (fixedDate) normalized.fixedDate = fixedDate;
  if (options.mapfile) normalized.mapfile = options.mapfile;
  if (options.log) normalized.log = options.log;
  if (options.conversions) normalized.conversions = options.conversions;
  if (options.transclusions) normalized.transclusions = options.transclusions;
  if (options.commandLine) normalized.commandLine = [...options.commandLine];
  return normalized;
}
