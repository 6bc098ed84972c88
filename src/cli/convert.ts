/**
 * `warckit-convert <url_prefix> <inputs...>`: warcit-converter's command line (same flags,
 * same meaning) plus -j/--jobs and --force. Parses arguments, calls `convertMedia`, prints a
 * summary; exit codes from `ExitCode`.
 */
import yargs from 'yargs';
import { convertMedia } from '../convert/convert.js';
import { ConvertInterruptedError } from '../convert/errors.js';
import { type ConvertOptions, DEFAULT_RESULTS_FILE } from '../convert/options.js';
import { shellQuote } from '../rules/template.js';
import { VERSION } from '../version.js';
import { parseCommandLine } from './args.js';
import { type CliIO, createLogger, ExitCode, processIO } from './io.js';
import { createProgress } from './progress.js';
import { onInterrupt } from './signals.js';

function buildParser() {
  return yargs()
    .scriptName('warckit-convert')
    .usage(
      '$0 <url_prefix> <inputs...>\n\nConvert legacy audio/video among the inputs (directories, files, ZIP files) to web and preservation formats by YAML rules, and record the results for the WARC writer (warcit-converter compatible).',
    )
    .parserConfiguration({ 'boolean-negation': false })
    .option('rules', { type: 'string', describe: "Conversion rules YAML, warcit's format (default: warckit's rules/default-conversion-rules.yaml)" })
    .option('output-dir', { type: 'string', describe: "Root directory for converted files (default: the rules' output_dir, else ./conversions)" })
    .option('results', { type: 'string', default: DEFAULT_RESULTS_FILE, describe: 'Results YAML, relative to the output directory; merged with an existing one' })
    .option('dry-run', { type: 'boolean', describe: 'Print each planned command; run nothing, write nothing' })
    .option('jobs', { alias: 'j', type: 'number', describe: 'Conversions to run at once (default: the number of CPU cores)' })
    .option('force', { type: 'boolean', describe: 'Redo conversions that are already done (same source, same rule, output unchanged)' })
    .option('ffmpeg', { type: 'string', describe: 'ffmpeg to run (default: FFMPEG_PATH, then PATH, then the one from @ffmpeg-installer/ffmpeg)' })
    .option('ffprobe', { type: 'string', describe: 'ffprobe to run (default: FFPROBE_PATH, then PATH, then the one from @ffprobe-installer/ffprobe)' })
    .option('quiet', { alias: 'q', type: 'boolean', describe: 'Print errors only, no progress display' })
    .option('verbose', { alias: 'v', type: 'boolean', describe: 'Print each command (argv) as it runs, and stack traces on errors' })
    .version('version', 'Show the version', `warckit-convert ${VERSION}`)
    .alias('version', 'V')
    .help('help')
    .alias('help', 'h')
    .demandCommand(2, 'expected <url_prefix> and at least one input')
    .strict()
    .epilogue(
      'Output: <output-dir>/<name of the input\'s parent directory>/<path>.<ext>, at URL <source url>.<ext>. Conversions whose source, rule and output are unchanged since the last run are skipped.\n\nExit status: 0 done, 1 done but some conversions failed (see the results file), 2 error (nothing run), 130 interrupted (finished work is recorded).',
    )
    .wrap(110)
    .exitProcess(false)
    .showHelpOnFail(false);
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  const args = await parseCommandLine(buildParser(), argv, io, 'warckit-convert');
  if (typeof args === 'number') return args;
  const verbose = Boolean(args.verbose);
  const quiet = Boolean(args.quiet);
  const logger = createLogger(io, quiet ? 'quiet' : verbose ? 'verbose' : 'normal');
  const [urlPrefix, ...inputs] = args._.map(String);
  const controller = new AbortController();
  const dryRun = Boolean(args['dry-run']);
  const progress = createProgress(io, !quiet && !verbose && !dryRun, 'warckit-convert');
  const options: ConvertOptions = {
    urlPrefix,
    inputs,
    results: String(args.results),
    dryRun,
    force: Boolean(args.force),
    // On a TTY the progress bar shows what runs; the INFO lines would fight with it.
    logger: io.isTTY && !quiet && !verbose && !dryRun ? { ...logger, info: () => undefined } : logger,
    signal: controller.signal,
    onProgress: (p) =>
      progress.show(p.conversionsTotal ? p.conversionsDone / p.conversionsTotal : 0, `${p.filesDone}/${p.filesTotal} files | ${p.conversionsDone}/${p.conversionsTotal} conversions | ${p.running.map((u) => decodeURIComponentSafe(u.slice(u.lastIndexOf('/') + 1))).join(', ')}`),
  };
  if (args.jobs !== undefined) options.jobs = args.jobs as number;
  if (args.rules !== undefined) options.rules = String(args.rules);
  if (args['output-dir'] !== undefined) options.outputDir = String(args['output-dir']);
  if (args.ffmpeg !== undefined) options.ffmpegPath = String(args.ffmpeg);
  if (args.ffprobe !== undefined) options.ffprobePath = String(args.ffprobe);

  const removeHandlers = onInterrupt(controller);
  try {
    const result = await convertMedia(options);
    progress.stop();
    if (result.dryRun) {
      io.stdout.on('error', () => undefined); // `| head` closing the pipe early is not an error
      for (const c of result.conversions) io.stdout.write(`${shellQuote(c.argv)}\n`);
      logger.info(`Dry run: ${result.conversions.length} conversion(s) of ${result.files} file(s) planned; nothing run or written`);
      return ExitCode.ok;
    }
    const summary = `${result.converted} converted, ${result.skipped} skipped (up to date), ${result.failed} failed, ${result.files} file(s); results in ${result.resultsFile}`;
    if (result.failed) {
      logger.error(summary);
      return ExitCode.partialFailure;
    }
    logger.info(summary);
    return ExitCode.ok;
  } catch (error) {
    progress.stop();
    if (error instanceof ConvertInterruptedError || controller.signal.aborted) {
      io.stderr.write(`warckit-convert: ${error instanceof ConvertInterruptedError ? error.message : 'interrupted'}; finished work is recorded\n`);
      return ExitCode.interrupted;
    }
    io.stderr.write(`warckit-convert: ${(error as Error).message}\n`);
    if (verbose && (error as Error).stack) io.stderr.write(`${(error as Error).stack}\n`);
    return ExitCode.error;
  } finally {
    removeHandlers();
  }
}
