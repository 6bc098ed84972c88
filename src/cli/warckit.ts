/**
 * `warckit <url_prefix> <inputs...>`: warcit's command line, same flags, same meaning.
 * Translates the flags into `writeWarc`'s options (messages name the flags), shows progress on
 * a TTY or JSON lines with --json, prints a summary; exit codes from `ExitCode`.
 */
import yargs from 'yargs';
import { parseFixedDate } from '../util/timestamps.js';
import { VERSION } from '../version.js';
import type { WarcEvent, WarcProgress } from '../warc/events.js';
import { WarcOptionsError, type WriteWarcOptions } from '../warc/options.js';
import { WarcAbortedError, writeWarc, type WriteWarcResult } from '../warc/build.js';
import { type ParsedArgs, parseCommandLine, swappedPrefix, urlPrefixWarnings } from './args.js';
import { type CliIO, createLogger, ExitCode, jsonLines, processIO } from './io.js';
import { createProgress, etaSeconds, humanBytes, humanDuration, shortName } from './progress.js';
import { onInterrupt } from './signals.js';

function buildParser() {
  return yargs()
    .scriptName('warckit')
    .command('$0 <url_prefix> <inputs..>', 'Create a WARC file from files, directories and ZIP files (warcit compatible).', (y) =>
      y
        .positional('url_prefix', { type: 'string', describe: 'Prepended to each file\'s path below its input to make its URL; end it with "/" (http://www.example.com/)' })
        .positional('inputs', { type: 'string', array: true, describe: 'Files, directories (recursively), ZIP files, and paths inside ZIP files (site.zip/www.example.com/)' }),
    )
    .parserConfiguration({ 'boolean-negation': false })
    .option('fixed-dt', { alias: 'd', type: 'string', describe: "WARC-Date for every file, full or partial: 2011-02, 20110201, 2010-12-26T10:11:12 (default: each file's modification time)" })
    .option('name', { alias: 'n', type: 'string', describe: "WARC file name; .warc.gz or .warc is added (default: the first input's name). A directory (out/) gets the WARC inside it" })
    .option('append', { alias: 'a', type: 'boolean', describe: 'Append to an existing WARC file (in place; its end is checked first; with -o too, -a wins, as in warcit)' })
    .option('overwrite', { alias: 'o', type: 'boolean', describe: 'Replace an existing WARC file' })
    .option('use-magic', { alias: 'magic', type: 'string', describe: 'MIME type by "filename" extension (default) or by content ("magic")' })
    .option('no-xhtml', { type: 'boolean', describe: 'Write text/html where application/xhtml+xml is detected' })
    .option('mime-overrides', { alias: 'm', type: 'string', describe: 'Comma-separated <wildcard>=<mime> on the URL, e.g. *.php=text/html,image.img=image/png' })
    .option('include', { type: 'string', describe: 'Comma-separated wildcards on file paths to include; with --exclude, a match here overrides it' })
    .option('exclude', { type: 'string', describe: "Comma-separated wildcards on file paths to leave out, e.g. '*.asp,*.jpeg'" })
    .option('no-warcinfo', { type: 'boolean', describe: 'Do not write the warcinfo record' })
    .option('no-gzip', { type: 'boolean', describe: 'Write an uncompressed .warc' })
    .option('gzip-level', { type: 'string', default: 'auto', describe: 'auto (store what does not compress, level 6 for the rest) or 0-9' })
    .option('charset', { alias: 'c', type: 'string', describe: 'Charset for text/* types: a name (utf-8), "auto" to detect (alias "cchardet"; nothing added for ASCII), or "none" (default)' })
    .option('index-files', { type: 'string', default: 'index.html,index.htm', describe: 'Comma-separated file names that also get a revisit record at their directory URL' })
    .option('mapfile', { type: 'string', describe: 'CSV or TSV (by extension) with columns file (end of the path), URL, timestamp, Content-Type' })
    .option('log', { type: 'string', describe: 'Write a CSV log of every record to this file' })
    .option('conversions', { type: 'string', describe: "Conversion results YAML (warckit-convert's or warcit-converter's): adds conversion records" })
    .option('conversions-dir', { type: 'string', describe: "Conversion outputs must be inside this directory (links resolved); others are refused (default: the results file's directory)" })
    .option('ignore-unmatched-conversions', { type: 'boolean', describe: 'Exit 0 even when results entries match no input (they are still reported)' })
    .option('ignore-unmatched-transclusions', { type: 'boolean', describe: 'Exit 0 even when transclusion manifest media match no input (they are still reported)' })
    .option('transclusions', { type: 'string', describe: 'Transclusion manifest YAML: adds metadata records for the pages that embed the media' })
    .option('transclusion-format', { type: 'string', choices: ['youtube-dl', 'transclusions', 'both'], default: 'youtube-dl', describe: 'youtube-dl (urn:embeds:, what pywb reads today), transclusions (urn:transclusions:, every media of a page in one record) or both' })
    .option('characterize', { type: 'boolean', describe: "With --conversions: write each source's and output's ffprobe JSON (kept by warckit-convert) as metadata records concurrent to their records" })
    .option('conversions-as', { type: 'string', choices: ['conversion', 'resource'], default: 'conversion', describe: 'WARC-Type of converted files: conversion (as warcit; pywb serves them) or resource (needed for ReplayWeb.page / wabac.js, which serve no conversion records)' })
    .option('warc-version', { type: 'string', choices: ['1.0', '1.1'], default: '1.0', describe: 'WARC format version' })
    .option('digest', { type: 'string', choices: ['sha1', 'sha256'], default: 'sha1', describe: 'Algorithm of WARC-Payload-Digest and WARC-Block-Digest (base32, as warcio writes)' })
    .option('max-size', { type: 'string', describe: 'Roll over to numbered WARCs (name-00000.warc.gz, name-00001.warc.gz…) of at most this size: 1GB (10^9 bytes), 500MB, 1GiB (2^30) or bytes. An input file\'s records (resource, conversions, characterization) stay in one WARC, which goes past the size only if they alone do' })
    .option('cdxj', { type: 'boolean', describe: 'Also write a CDXJ index beside each WARC (<warc>.cdxj, as warcio.js indexes), for pywb and ReplayWeb.page' })
    .option('fsync', { type: 'boolean', describe: 'Flush the WARC to disk before moving it into place (survives a power cut; slower)' })
    .option('json', { type: 'boolean', describe: 'Print JSON lines on stdout (each record, progress, warnings, then a summary) instead of messages' })
    .option('quiet', { alias: 'q', type: 'boolean', describe: 'Print errors only' })
    .option('verbose', { alias: 'v', type: 'boolean', describe: 'Print every record as it is written, and stack traces on errors' })
    .version('version', 'Show the version', `warckit ${VERSION}`)
    .alias('version', 'V')
    .help('help')
    .alias('help', 'h')
    .strict()
    .example('$0 http://www.example.com/ site/ -n site -d 20090415120000', 'site/ into site.warc.gz, every record dated 2009-04-15 12:00:00')
    .example('$0 http://www.example.com/ site.zip/www.example.com/ --no-gzip', 'part of a ZIP file into www.example.com.warc')
    .example('$0 http://www.example.com/ site/ -n site --conversions conversions/warcit-conversion-results.yaml --transclusions transclusions.yaml --transclusion-format both --conversions-as resource', 'with converted media and transclusion metadata, for pywb and ReplayWeb.page')
    .example('$0 http://www.example.com/ media/ -n media --max-size 1GB --cdxj', 'media-00000.warc.gz, media-00001.warc.gz… of at most 1 GB, each with media-0000N.warc.gz.cdxj')
    .example('$0 http://www.example.com/ more/ -n site -a --json', 'append to site.warc.gz, JSON lines for a pipeline')
    .epilogue(
      'Exit status: 0 done; 1 WARC written, but some inputs (not regular files, gone or changed by their turn, or damaged ZIP members) or conversions were not (missing, changed, refused, or matching no input), or transclusion manifest media matched no input, or --characterize sidecars were missing, or the --log file or a --cdxj index could not be written; 2 error (nothing written); 130 interrupted (nothing written).',
    )
    .wrap(110)
    .exitProcess(false)
    .showHelpOnFail(false);
}

/** Library option → the flag that sets it, for messages. */
const FLAG_OF: Record<string, string> = {
  date: '--fixed-dt',
  name: '--name',
  mimeFrom: '--use-magic',
  mimeOverrides: '--mime-overrides',
  include: '--include',
  exclude: '--exclude',
  gzipLevel: '--gzip-level',
  charset: '--charset',
  indexFiles: '--index-files',
  mapfile: '--mapfile',
  log: '--log',
  conversions: '--conversions',
  conversionsDir: '--conversions-dir',
  transclusions: '--transclusions',
  transclusionFormat: '--transclusion-format',
  conversionRecordType: '--conversions-as',
  warcVersion: '--warc-version',
  digestAlgorithm: '--digest',
  maxSize: '--max-size',
  inputs: '<inputs>',
  urlPrefix: '<url_prefix>',
};

/** A flag's value is not what it should be: the message names the flag. */
class FlagError extends Error {}

function list(value: unknown): string[] {
  return String(value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function mimeOverrides(value: string): Array<[string, string]> {
  return list(value).map((item) => {
    const eq = item.indexOf('=');
    if (eq <= 0 || eq === item.length - 1) throw new FlagError(`--mime-overrides: expected <wildcard>=<mime>, got "${item}"`);
    return [item.slice(0, eq), item.slice(eq + 1)];
  });
}

function gzipLevel(text: string): 'auto' | number {
  if (text === 'auto') return 'auto';
  if (/^\d$/.test(text)) return Number(text);
  throw new FlagError(`--gzip-level: expected auto or a level from 0 to 9, got ${text}`);
}

const UNITS: Record<string, number> = { '': 1, b: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12, kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40 };

/** `--max-size`: 1GB (10^9 bytes, as browsertrix-crawler's rolloverSize counts), 500MB, 1GiB (2^30), 1.5GB, or bytes. */
export function parseMaxSize(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = match ? UNITS[match[2]!.toLowerCase()] : undefined;
  const bytes = match && unit !== undefined ? Math.floor(Number(match[1]) * unit) : NaN;
  if (!Number.isSafeInteger(bytes) || bytes < 1) throw new FlagError(`--max-size: expected a size such as 1GB, 500MB, 1GiB or a number of bytes, got "${text}"`);
  return bytes;
}

function mimeFrom(value: unknown): 'name' | 'content' {
  const text = String(value ?? '') || 'filename';
  if (text === 'filename') return 'name';
  if (text === 'magic') return 'content';
  throw new FlagError(`--use-magic: expected filename or magic, got ${text}${text === 'tika' ? ' (Apache Tika is not supported)' : ''}`);
}

/** The library's options for these flags. */
function optionsFrom(args: ParsedArgs, argv: readonly string[]): WriteWarcOptions {
  const charset = args.charset === undefined ? undefined : String(args.charset);
  if (args.characterize && args.conversions === undefined) throw new FlagError('--characterize needs --conversions: the results file names the characterization of each source');
  if (charset?.toLowerCase() === 'tika') throw new FlagError('--charset tika: Apache Tika is not supported; use --charset auto');
  const options: WriteWarcOptions = {
    urlPrefix: String(args.url_prefix),
    inputs: (args.inputs as unknown[]).map(String),
    mode: args.append ? 'append' : args.overwrite ? 'overwrite' : 'create',
    gzip: !args['no-gzip'],
    gzipLevel: gzipLevel(String(args['gzip-level'])),
    warcVersion: args['warc-version'] as '1.0' | '1.1',
    digestAlgorithm: args.digest as 'sha1' | 'sha256',
    warcinfo: !args['no-warcinfo'],
    fsync: Boolean(args.fsync),
    mimeFrom: mimeFrom(args['use-magic']),
    xhtmlAsHtml: Boolean(args['no-xhtml']),
    indexFiles: list(args['index-files']),
    transclusionFormat: args['transclusion-format'] as 'youtube-dl',
    conversionRecordType: args['conversions-as'] as 'conversion' | 'resource',
    characterize: Boolean(args.characterize),
    commandLine: ['warckit', ...argv],
  };
  if (args['fixed-dt'] !== undefined) {
    try {
      options.date = parseFixedDate(String(args['fixed-dt']), '--fixed-dt');
    } catch (error) {
      throw new FlagError((error as Error).message);
    }
  }
  if (charset !== undefined) options.charset = charset;
  if (args['mime-overrides'] !== undefined) options.mimeOverrides = mimeOverrides(String(args['mime-overrides']));
  if (args['max-size'] !== undefined) options.maxSize = parseMaxSize(String(args['max-size']));
  if (args.cdxj) options.cdxj = true;
  if (args.include !== undefined) options.include = list(args.include);
  if (args.exclude !== undefined) options.exclude = list(args.exclude);
  for (const [flag, key] of [
    ['name', 'name'],
    ['mapfile', 'mapfile'],
    ['log', 'log'],
    ['conversions', 'conversions'],
    ['conversions-dir', 'conversionsDir'],
    ['transclusions', 'transclusions'],
  ] as const) {
    if (args[flag] !== undefined) options[key] = String(args[flag]);
  }
  return options;
}

/** The error as the user should see it: library option names become the flags that set them. */
function describeError(error: unknown): string {
  if (error instanceof WarcOptionsError && error.option && FLAG_OF[error.option]) return `${FLAG_OF[error.option]}: expected ${error.expected}${error.got === undefined ? '' : `, got ${error.got}`}`;
  return (error as Error).message;
}

/** `12/20,000+ files | 1.2 GB/3.4 GB | big.bin 412.0 MB/1.0 GB (40%) | 85.3 MB/s | ETA 0:15` */
function progressText(p: WarcProgress, elapsed: number): string {
  const more = p.walking ? '+' : '';
  const parts = [`${p.filesDone}/${p.filesFound}${more} files`, `${humanBytes(p.bytesDone)}/${humanBytes(p.bytesFound)}${more}`];
  if (p.current) parts.push(`${shortName(p.current.path)} ${humanBytes(p.current.bytesDone)}/${humanBytes(p.current.size)} (${Math.floor((100 * p.current.bytesDone) / p.current.size)}%)`);
  if (elapsed >= 0.5) parts.push(`${humanBytes(p.bytesDone / elapsed)}/s`);
  const eta = p.walking ? undefined : etaSeconds(p.bytesDone, p.bytesFound, elapsed);
  if (eta !== undefined) parts.push(`ETA ${humanDuration(eta)}`);
  return parts.join(' | ');
}

/** The exit status a finished run gets, with what makes it 1 said. */
function finalStatus(result: WriteWarcResult, args: ParsedArgs, io: CliIO, logger: ReturnType<typeof createLogger>): number {
  let code: number = ExitCode.ok;
  const gone = result.skippedInputs.filter((s) => s.gone).length;
  if (result.skippedInputs.length > gone) {
    logger.error(`${result.skippedInputs.length - gone} input(s) not archived because they are not regular files (listed above)`);
    code = ExitCode.partialFailure;
  }
  if (gone) {
    logger.error(`${gone} input(s) not archived because they were removed after their directory was listed (listed above)`);
    code = ExitCode.partialFailure;
  }
  if (result.unreadableInputs.length) {
    logger.error(`${result.unreadableInputs.length} input(s) not archived because they could not be read when their turn came (listed above)`);
    code = ExitCode.partialFailure;
  }
  const refused = result.skippedConversions.filter((s) => s.refused).length;
  const skipped = result.skippedConversions.length - refused;
  if (skipped) {
    logger.error(`${skipped} conversion(s) not written because their files are missing or changed`);
    code = ExitCode.partialFailure;
  }
  if (refused) {
    logger.error(`${refused} conversion(s) refused: their files are outside the directory the results file speaks for (see --conversions-dir)`);
    code = ExitCode.partialFailure;
  }
  const unmatched = result.unmatchedConversions.length;
  if (unmatched) {
    const ignored = Boolean(args['ignore-unmatched-conversions']);
    const message = `${unmatched} results entr${unmatched === 1 ? 'y' : 'ies'} matched no input: their conversions were not written${ignored ? ' (ignored: --ignore-unmatched-conversions)' : ' (pass --ignore-unmatched-conversions if that is intended)'}`;
    if (ignored) logger.warn(message);
    else {
      logger.error(message);
      code = ExitCode.partialFailure;
    }
  }
  if (result.sharedUrls.length) {
    logger.error(`${result.sharedUrls.length} input(s) share a URL with another (listed above): both archived, replay shows one of each pair`);
    code = ExitCode.partialFailure;
  }
  if (result.uncharacterized.length) {
    logger.error(`${result.uncharacterized.length} source(s) archived without their characterization records: their sidecars are missing, damaged or refused (listed above); run warckit-convert again to write them`);
    code = ExitCode.partialFailure;
  }
  const unmatchedMedia = result.unmatchedTransclusions.length;
  if (unmatchedMedia) {
    const ignored = Boolean(args['ignore-unmatched-transclusions']);
    const message = `${unmatchedMedia} transclusion manifest entr${unmatchedMedia === 1 ? 'y' : 'ies'} matched no input: no metadata was written for ${unmatchedMedia === 1 ? 'it' : 'them'}${ignored ? ' (ignored: --ignore-unmatched-transclusions)' : ' (pass --ignore-unmatched-transclusions if that is intended)'}`;
    if (ignored) logger.warn(message);
    else {
      logger.error(message);
      code = ExitCode.partialFailure;
    }
  }
  if (result.indexError) {
    logger.error(`the WARC(s) were written, but an index was not: ${result.indexError}`);
    code = ExitCode.partialFailure;
  }
  if (result.logError) {
    if (args.json) logger.error(`the WARC ${result.path} was written, but the log was not: ${result.logError}`);
    else io.stderr.write(`warckit: the WARC ${result.path} was written, but the log was not: ${result.logError}\n`);
    code = ExitCode.partialFailure;
  }
  return code;
}

export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  const parsed = await parseCommandLine(buildParser(), argv, io, { name: 'warckit', missing: 'expected <url_prefix> and at least one input' });
  if (typeof parsed === 'number') return parsed;
  const args = parsed as ParsedArgs;
  const verbose = Boolean(args.verbose);
  const json = args.json ? jsonLines(io) : undefined;
  const logger = createLogger(io, args.quiet ? 'quiet' : verbose ? 'verbose' : 'normal', json);
  const fail = (message: string, code: number = ExitCode.error): number => {
    io.stderr.write(`warckit: ${message}\n`);
    json?.write('error', { message, exitCode: code });
    return code;
  };
  const swapped = swappedPrefix([String(args.url_prefix), ...(args.inputs as unknown[]).map(String)], 'warckit');
  if (swapped) return fail(`${swapped}\nRun warckit --help for usage.`);
  let options: WriteWarcOptions;
  try {
    options = optionsFrom(args, argv);
  } catch (error) {
    if (error instanceof FlagError) return fail(error.message);
    throw error;
  }
  for (const warning of urlPrefixWarnings(options.urlPrefix!)) logger.warn(warning);
  if (args.append && args.overwrite) logger.warn('both -a/--append and -o/--overwrite given: appending, as warcit does');
  const controller = new AbortController();
  const progress = createProgress(io, !args.quiet && !verbose && !json, 'warckit');
  const started = performance.now();
  let lastJsonProgress = 0;
  const onEvent = (event: WarcEvent): void => {
    if (event.type === 'progress') {
      progress.show(event.progress.bytesFound ? event.progress.bytesDone / event.progress.bytesFound : 0, progressText(event.progress, (performance.now() - started) / 1000));
      // Progress as JSON once a second: enough for a pipeline's display.
      if (json && performance.now() - lastJsonProgress >= 1000) {
        lastJsonProgress = performance.now();
        json.write('progress', event.progress);
      }
    } else if (event.type === 'record') {
      if (json) json.write('record', { ...event.record, ...(event.source !== undefined ? { source: event.source } : {}) });
      else if (verbose) logger.debug(`${event.record.type} ${event.record.targetUri ?? ''} ${event.record.contentType ?? ''} @ ${event.record.offset}`);
    } else if (json && event.type !== 'warning') json.write(event.type, event.type === 'conversion-skipped' ? event.conversion : event.input);
  };
  // A stopped run ends within a second even if something is stuck; the output is put back first.
  const removeHandlers = onInterrupt(controller, { forceExitMs: 700 });
  try {
    // Events only when something shows them: a quiet or piped run keeps no progress per record.
    const listening = progress.shown || json !== undefined || verbose;
    const result = await writeWarc({ ...options, logger, signal: controller.signal, ...(listening ? { onEvent } : {}) });
    progress.stop();
    const byType = Object.entries(result.counts)
      .map(([type, n]) => `${n} ${type}`)
      .join(', ');
    if (!json) logger.info(`Wrote ${result.records} records to ${result.parts.length > 1 ? `${result.parts.length} WARCs, ${result.parts[0]!.path} to ${result.parts.at(-1)!.path}` : result.path} (${byType})`);
    const indexed = result.parts.filter((part) => part.index);
    if (!json && indexed.length) logger.info(indexed.length === 1 ? `Indexed in ${indexed[0]!.index}` : `Indexed each WARC in <warc>.cdxj (${indexed.length} indexes)`);
    const code = finalStatus(result, args, io, logger);
    json?.write('summary', { ...result, exitCode: code, seconds: (performance.now() - started) / 1000 });
    return code;
  } catch (error) {
    progress.stop();
    if (error instanceof WarcAbortedError || controller.signal.aborted) {
      return fail(options.mode === 'append' ? 'interrupted; nothing appended, the WARC is as it was' : `interrupted; no WARC written${options.maxSize !== undefined ? ' (no part of the set: parts are moved into place together at the end)' : ''}`, ExitCode.interrupted);
    }
    const code = fail(describeError(error));
    if (verbose && (error as Error).stack) io.stderr.write(`${(error as Error).stack}\n`);
    return code;
  } finally {
    removeHandlers();
  }
}
