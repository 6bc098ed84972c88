/**
 * `warckit-convert <url_prefix> <inputs...>`: warcit-converter's command line (same flags,
 * same meaning) plus -j/--jobs, --force and --json. Translates the flags into `convertMedia`'s
 * options (messages name the flags), shows progress on a TTY (each conversion's percentage and
 * ETA from ffmpeg), prints a summary; exit codes from `ExitCode`.
 */
import yargs from 'yargs';
import { convertMedia } from '../convert/convert.js';
import { ConvertInterruptedError, ConvertOptionsError } from '../convert/errors.js';
import { type ConvertOptions, DEFAULT_RESULTS_FILE } from '../convert/options.js';
import type { ConvertEvent, ConvertProgress } from '../convert/progress.js';
import { shellQuote } from '../rules/template.js';
import { safeDecode } from '../util/safe-decode.js';
import { VERSION } from '../version.js';
import { FFMPEG_TOOL_OPTIONS, type ParsedArgs, parseCommandLine, secondsProblem, swappedPrefix, urlPrefixWarnings, wholeNumberProblem } from './args.js';
import { type CliIO, createLogger, ExitCode, jsonLines, processIO } from './io.js';
import { createProgress, humanDuration } from './progress.js';
import { onInterrupt } from './signals.js';

function buildParser() {
  return yargs()
    .scriptName('warckit-convert')
    .command(
      '$0 <url_prefix> <inputs..>',
      'Convert legacy audio/video among the inputs to web and preservation formats by YAML rules, and record the results for the WARC writer (warcit-converter compatible).',
      (y) =>
        y
          .positional('url_prefix', { type: 'string', describe: 'The URL prefix the inputs are archived under (as given to warckit): sources are <url_prefix><path>, outputs <source url>.<ext>' })
          .positional('inputs', { type: 'string', array: true, describe: 'Files, directories (recursively), ZIP files and paths inside ZIP files to look for media in' }),
    )
    .parserConfiguration({ 'boolean-negation': false })
    .option('rules', { type: 'string', describe: "Conversion rules YAML, warcit's format (default: warckit's rules/default-conversion-rules.yaml)" })
    .option('output-dir', { type: 'string', describe: "Root directory for converted files (default: the rules' output_dir, else ./conversions)" })
    .option('results', { type: 'string', default: DEFAULT_RESULTS_FILE, describe: 'Results YAML, relative to the output directory; merged with an existing one' })
    .option('dry-run', { type: 'boolean', describe: 'Print each planned command; run nothing, write nothing' })
    .option('jobs', { alias: 'j', type: 'string', describe: 'Conversions to run at once (default: the number of CPU cores)' })
    .option('force', { type: 'boolean', describe: 'Redo conversions that are already done (same source, same rule, output unchanged)' })
    .option('manifest', { type: 'boolean', describe: "Check the last run's fixity manifests (<output-dir>/manifest.md5, manifest.sha256: md5sum/sha256sum format), then write them for this run's sources and outputs" })
    .options(FFMPEG_TOOL_OPTIONS)
    .option('queue', { type: 'string', describe: 'Convert on warckit-worker machines instead of here: a Redis URL (redis://host:6379/0); one job per source, inputs and --output-dir on storage the workers share at the same paths; results collected here' })
    .option('stall-seconds', { type: 'string', describe: 'Stop a command that prints nothing and writes nothing for this long (an encoder hung on a damaged file) and fail that conversion (default: 600; with --queue it goes with the jobs, and a worker\'s own --stall-seconds applies to jobs without one)' })
    .option('queue-wait-seconds', { type: 'string', describe: "With --queue: how long Redis may stop answering mid-run (restarting, network down) before the sources not back are given up on as failed (default: 60)" })
    .option('json', { type: 'boolean', describe: 'Print JSON lines on stdout (each conversion as it starts and ends, progress, warnings, then a summary) instead of messages' })
    .option('quiet', { alias: 'q', type: 'boolean', describe: 'Print errors only, no progress display' })
    .option('verbose', { alias: 'v', type: 'boolean', describe: 'Print each command (argv) as it runs, and stack traces on errors' })
    .version('version', 'Show the version', `warckit-convert ${VERSION}`)
    .alias('version', 'V')
    .help('help')
    .alias('help', 'h')
    .strict()
    .example('$0 http://www.example.com/ site/', 'convert the media under site/ into ./conversions, results in ./conversions/warcit-conversion-results.yaml')
    .example('$0 http://www.example.com/ site/ --dry-run', 'print the ffmpeg commands only')
    .example('$0 http://www.example.com/ site.zip/www.example.com/ --rules my-rules.yaml --output-dir conv -j 2', 'media inside a ZIP, own rules, two at a time')
    .example('$0 http://www.example.com/ /mnt/shared/site/ --output-dir /mnt/shared/conv --queue redis://queue-host:6379/0', 'convert on the warckit-workers of a cluster (see warckit-worker --help)')
    .example('$0 http://www.example.com/ site/ --json | jq -c "select(.event == \\"conversion\\")"', 'JSON lines for a pipeline')
    .epilogue(
      'Output: <output-dir>/<name of the input\'s parent directory>/<path>.<ext>, at URL <source url>.<ext>. Conversions whose source, rule and output are unchanged since the last run are skipped.\n\nExit status: 0 done, 1 done but some conversions failed (see the results file), 2 error (nothing run), 130 interrupted (finished work is recorded).',
    )
    .wrap(110)
    .exitProcess(false)
    .showHelpOnFail(false);
}

/** Library option → the flag that sets it, for messages. */
const FLAG_OF: Record<string, string> = { queue: '--queue', queueWaitSeconds: '--queue-wait-seconds', stallSeconds: '--stall-seconds', jobs: '--jobs', rules: '--rules', outputDir: '--output-dir', results: '--results', ffmpegPath: '--ffmpeg', ffprobePath: '--ffprobe', inputs: '<inputs>', urlPrefix: '<url_prefix>' };

const lastSegment = (url: string): string => safeDecode(url.slice(url.lastIndexOf('/') + 1));

/** `2/3 files | 5/12 conversions | intro.flv.webm 45% ETA 0:33, interview.wav.mp3 80%` */
function progressText(p: ConvertProgress): string {
  const running = p.running.map((r) => `${lastSegment(r.url)}${r.fraction !== undefined ? ` ${Math.floor(r.fraction * 100)}%` : ''}${r.etaSeconds !== undefined ? ` ETA ${humanDuration(r.etaSeconds)}` : ''}`);
  return [`${p.filesDone}/${p.filesTotal} files`, `${p.conversionsDone}/${p.conversionsTotal} conversions`, ...(running.length ? [running.join(', ')] : [])].join(' | ');
}

/** Done conversions, plus the running ones' parts. */
function fractionDone(p: ConvertProgress): number {
  if (!p.conversionsTotal) return 0;
  return (p.conversionsDone + p.running.reduce((n, r) => n + (r.fraction ?? 0), 0)) / p.conversionsTotal;
}

export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  const args = await parseCommandLine(buildParser(), argv, io, { name: 'warckit-convert', missing: 'expected <url_prefix> and at least one input' });
  if (typeof args === 'number') return args;
  const verbose = Boolean(args.verbose);
  const quiet = Boolean(args.quiet);
  const json = args.json ? jsonLines(io) : undefined;
  const logger = createLogger(io, quiet ? 'quiet' : verbose ? 'verbose' : 'normal', json);
  const fail = (message: string, code: number = ExitCode.error): number => {
    io.stderr.write(`warckit-convert: ${message}\n`);
    json?.write('error', { message, exitCode: code });
    return code;
  };
  const urlPrefix = String(args.url_prefix);
  const inputs = (args.inputs as unknown[]).map(String);
  const usage = swappedPrefix([urlPrefix, ...inputs], 'warckit-convert') ?? wholeNumberProblem('--jobs', args.jobs) ?? secondsProblem('--queue-wait-seconds', args['queue-wait-seconds']) ?? secondsProblem('--stall-seconds', args['stall-seconds']);
  if (usage) return fail(`${usage}\nRun warckit-convert --help for usage.`);
  for (const warning of urlPrefixWarnings(urlPrefix)) logger.warn(warning);
  const controller = new AbortController();
  const dryRun = Boolean(args['dry-run']);
  const progress = createProgress(io, !quiet && !verbose && !dryRun && !json, 'warckit-convert');
  let lastJsonProgress = 0;
  const onEvent = (event: ConvertEvent): void => {
    if (event.type === 'progress') {
      progress.show(fractionDone(event.progress), progressText(event.progress));
      if (json && performance.now() - lastJsonProgress >= 1000) {
        lastJsonProgress = performance.now();
        json.write('progress', event.progress);
      }
    } else if (json) json.write(event.type, event.type === 'conversion' ? { ...event.outcome, error: event.outcome.error?.message } : event.conversion);
  };
  const options: ConvertOptions = {
    urlPrefix,
    inputs,
    results: String(args.results),
    dryRun,
    force: Boolean(args.force),
    manifest: Boolean(args.manifest),
    // On a TTY the progress bar shows what runs; the INFO lines would fight with it.
    logger: io.isTTY && !quiet && !verbose && !dryRun && !json ? { ...logger, info: () => undefined } : logger,
    signal: controller.signal,
    onEvent,
  };
  if (args.jobs !== undefined) options.jobs = Number(args.jobs);
  if (args.rules !== undefined) options.rules = String(args.rules);
  if (args['output-dir'] !== undefined) options.outputDir = String(args['output-dir']);
  if (args.ffmpeg !== undefined) options.ffmpegPath = String(args.ffmpeg);
  if (args.ffprobe !== undefined) options.ffprobePath = String(args.ffprobe);
  if (args.queue !== undefined) options.queue = String(args.queue);
  if (args['queue-wait-seconds'] !== undefined) options.queueWaitSeconds = Number(args['queue-wait-seconds']);
  if (args['stall-seconds'] !== undefined) options.stallSeconds = Number(args['stall-seconds']);

  const removeHandlers = onInterrupt(controller);
  try {
    const result = await convertMedia(options);
    progress.stop();
    if (result.dryRun) {
      io.stdout.on('error', () => undefined); // `| head` closing the pipe early is not an error
      for (const c of result.conversions) {
        if (c.status === 'not-media') {
          if (json) json.write('not-media', { source: c.source, sourcePath: c.sourcePath });
          else logger.warn(`${c.sourcePath}: not media (ffprobe finds no audio or video in it): nothing would be converted`);
        } else if (json) json.write('planned', { source: c.source, rule: c.rule, url: c.url, output: c.output, argv: c.argv });
        else io.stdout.write(`${shellQuote(c.argv)}\n`);
      }
      if (!json) logger.info(`Dry run: ${result.conversions.length} conversion(s) of ${result.files} file(s) planned; nothing run or written`);
      json?.write('summary', { dryRun: true, planned: result.conversions.length, files: result.files, exitCode: ExitCode.ok });
      return ExitCode.ok;
    }
    const notMedia = result.notMedia ? `, ${result.notMedia} not media` : '';
    const fixity = result.fixity;
    if (fixity) {
      const missing = fixity.problems.filter((p) => p.status === 'missing').length;
      const changed = fixity.problems.filter((p) => p.status === 'changed').length;
      const unlisted = fixity.unlisted.length ? `; ${fixity.unlisted.length} file(s) of this run not listed` : '';
      const line = `fixity: ${fixity.checked} file(s) of the last run's manifests checked, ${missing} missing, ${changed} changed; manifests written: ${fixity.manifests.md5}, ${fixity.manifests.sha256}${unlisted}`;
      if (json) json.write('fixity', { checked: fixity.checked, missing, changed, problems: fixity.problems, manifests: fixity.manifests, unlisted: fixity.unlisted });
      else if (fixity.problems.length || fixity.unlisted.length) logger.error(line);
      else logger.info(line);
    }
    const code = result.failed || result.notMedia || fixity?.problems.length || fixity?.unlisted.length || result.unwrittenSidecars.length ? ExitCode.partialFailure : ExitCode.ok;
    const summary = `${result.converted} converted, ${result.skipped} skipped (up to date), ${result.failed} failed${notMedia}, ${result.files} file(s); results in ${result.resultsFile}`;
    if (json) json.write('summary', { outputDir: result.outputDir, resultsFile: result.resultsFile, files: result.files, converted: result.converted, skipped: result.skipped, failed: result.failed, notMedia: result.notMedia ?? 0, unwrittenSidecars: result.unwrittenSidecars, toolVersion: result.toolVersion, exitCode: code });
    else if (code !== ExitCode.ok) logger.error(summary);
    else logger.info(summary);
    return code;
  } catch (error) {
    progress.stop();
    if (error instanceof ConvertInterruptedError || controller.signal.aborted) {
      return fail(`${error instanceof ConvertInterruptedError ? error.message : 'interrupted'}; finished work is recorded`, ExitCode.interrupted);
    }
    const message = (error as Error).message;
    const option = error instanceof ConvertOptionsError ? /^Expected `(\w+)`/.exec(message)?.[1] : undefined;
    const code = fail(option && FLAG_OF[option] ? message.replace(/^Expected `\w+` to be /, `${FLAG_OF[option]}: expected `) : message);
    if (verbose && (error as Error).stack) io.stderr.write(`${(error as Error).stack}\n`);
    return code;
  } finally {
    removeHandlers();
  }
}
