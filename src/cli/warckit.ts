/**
 * `warckit <url_prefix> <inputs...>`: warcit's command line, same flags, same meaning.
 * Parses arguments, calls `writeWarc`, prints a summary; exit codes from `ExitCode`.
 */
import yargs from 'yargs';
import { writeWarc, WarcAbortedError } from '../warc/build.js';
import type { WriteWarcOptions } from '../warc/options.js';
import { VERSION } from '../version.js';
import { type ParsedArgs, parseCommandLine } from './args.js';
import { type CliIO, createLogger, ExitCode, processIO } from './io.js';
import { createProgress, humanBytes } from './progress.js';
import { onInterrupt } from './signals.js';

function buildParser() {
  return yargs()
    .scriptName('warckit')
    .usage('$0 <url_prefix> <inputs...>\n\nCreate a WARC file from files, directories and ZIP files (warcit compatible).')
    .parserConfiguration({ 'boolean-negation': false })
    .option('fixed-dt', { alias: 'd', type: 'string', describe: "WARC-Date for every file, full or partial: 2011-02, 20110201, 2010-12-26T10:11:12 (default: each file's modification time)" })
    .option('name', { alias: 'n', type: 'string', describe: "WARC file name; .warc.gz or .warc is added (default: the first input's name)" })
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
    .option('transclusions', { type: 'string', describe: 'Transclusion manifest YAML: adds metadata records for the pages that embed the media' })
    .option('transclusion-format', { type: 'string', choices: ['youtube-dl', 'transclusions', 'both'], default: 'youtube-dl', describe: 'youtube-dl (urn:embeds:, what pywb reads today), transclusions (urn:transclusions:, every media of a page in one record) or both' })
    .option('characterize', { type: 'boolean', describe: "With --conversions: write each source's and output's ffprobe JSON (kept by warckit-convert) as metadata records concurrent to their records" })
    .option('conversions-as', { type: 'string', choices: ['conversion', 'resource'], default: 'conversion', describe: 'WARC-Type of converted files: conversion (as warcit; pywb serves them) or resource (needed for ReplayWeb.page / wabac.js, which serve no conversion records)' })
    .option('warc-version', { type: 'string', choices: ['1.0', '1.1'], default: '1.0', describe: 'WARC format version' })
    .option('digest', { type: 'string', choices: ['sha1', 'sha256'], default: 'sha1', describe: 'Algorithm of WARC-Payload-Digest and WARC-Block-Digest (base32, as warcio writes)' })
    .option('fsync', { type: 'boolean', describe: 'Flush the WARC to disk before moving it into place (survives a power cut; slower)' })
    .option('quiet', { alias: 'q', type: 'boolean', describe: 'Print errors only' })
    .option('verbose', { alias: 'v', type: 'boolean', describe: 'Print every record written, and stack traces on errors' })
    .version('version', 'Show the version', `warckit ${VERSION}`)
    .alias('version', 'V')
    .help('help')
    .alias('help', 'h')
    .demandCommand(2, 'expected <url_prefix> and at least one input')
    .strict()
    .epilogue(
      'Exit status: 0 done; 1 WARC written, but some inputs (not regular files) or conversions were not (missing, changed, refused, or matching no input), or the --log file could not be written; 2 error (nothing written); 130 interrupted (nothing written).',
    )
    .wrap(110)
    .exitProcess(false)
    .showHelpOnFail(false);
}

export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  const parsed = await parseCommandLine(buildParser(), argv, io, 'warckit');
  if (typeof parsed === 'number') return parsed;
  const args = parsed as ParsedArgs;
  const verbose = Boolean(args.verbose);
  const logger = createLogger(io, args.quiet ? 'quiet' : verbose ? 'verbose' : 'normal');
  const [urlPrefix, ...inputs] = args._.map(String);
  if (args.append && args.overwrite) logger.warn('both -a/--append and -o/--overwrite given: appending, as warcit does');
  const gzipLevelText = String(args['gzip-level']);
  const controller = new AbortController();
  const progress = createProgress(io, !args.quiet && !verbose, 'warckit');
  const options: WriteWarcOptions = {
    urlPrefix: urlPrefix!,
    inputs,
    mode: args.append ? 'append' : args.overwrite ? 'overwrite' : 'create',
    gzip: !args['no-gzip'],
    gzipLevel: gzipLevelText === 'auto' ? 'auto' : /^\d$/.test(gzipLevelText) ? Number(gzipLevelText) : (gzipLevelText as unknown as number),
    warcVersion: args['warc-version'] as '1.0' | '1.1',
    digestAlgorithm: args.digest as 'sha1' | 'sha256',
    warcinfo: !args['no-warcinfo'],
    fsync: Boolean(args.fsync),
    useMagic: ((args['use-magic'] as string | undefined) || 'filename') as 'filename' | 'magic',
    noXhtml: Boolean(args['no-xhtml']),
    indexFiles: String(args['index-files']),
    transclusionFormat: args['transclusion-format'] as 'youtube-dl',
    conversionRecordType: args['conversions-as'] as 'conversion' | 'resource',
    characterize: Boolean(args.characterize),
    commandLine: ['warckit', ...argv],
    logger,
    signal: controller.signal,
    onProgress: (p) => progress.update(p.filesDone, p.filesTotal, { bytes: `${humanBytes(p.bytesDone)}/${humanBytes(p.bytesTotal)}`, current: p.current ?? '' }),
  };
  for (const [flag, key] of [
    ['fixed-dt', 'fixedDate'],
    ['name', 'name'],
    ['mime-overrides', 'mimeOverrides'],
    ['include', 'include'],
    ['exclude', 'exclude'],
    ['charset', 'charset'],
    ['mapfile', 'mapfile'],
    ['log', 'log'],
    ['conversions', 'conversions'],
    ['conversions-dir', 'conversionsDir'],
    ['transclusions', 'transclusions'],
  ] as const) {
    if (args[flag] !== undefined) (options as unknown as Record<string, unknown>)[key] = String(args[flag]);
  }
  // A stopped run ends within a second even if something is stuck; the output is put back first.
  const removeHandlers = onInterrupt(controller, { forceExitMs: 700 });
  try {
    const result = await writeWarc(options);
    progress.stop();
    if (verbose) {
      for (const r of result.records) logger.debug(`${r.type} ${r.targetUri ?? ''} ${r.contentType ?? ''} @ ${r.offset}`);
    }
    const byType = Object.entries(result.counts)
      .map(([type, n]) => `${n} ${type}`)
      .join(', ');
    logger.info(`Wrote ${result.records.length} records to ${result.path} (${byType})`);
    let code: number = ExitCode.ok;
    if (result.skippedInputs.length) {
      logger.error(`${result.skippedInputs.length} input(s) not archived because they are not regular files (listed above)`);
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
    if (result.logError) {
      io.stderr.write(`warckit: the WARC ${result.path} was written, but the log was not: ${result.logError}\n`);
      code = ExitCode.partialFailure;
    }
    return code;
  } catch (error) {
    progress.stop();
    if (error instanceof WarcAbortedError || controller.signal.aborted) {
      io.stderr.write(options.mode === 'append' ? 'warckit: interrupted; nothing appended, the WARC is as it was\n' : 'warckit: interrupted; no WARC written\n');
      return ExitCode.interrupted;
    }
    io.stderr.write(`warckit: ${(error as Error).message}\n`);
    if (verbose && (error as Error).stack) io.stderr.write(`${(error as Error).stack}\n`);
    return ExitCode.error;
  } finally {
    removeHandlers();
  }
}
