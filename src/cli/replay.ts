/**
 * `warckit-replay lookup|inject <warc...> --url <page> --timestamp <ts>`: the transclusions
 * a page gets at a time, as JSON, or the page's HTML with them applied.
 */
import { readFile } from 'node:fs/promises';
import yargs from 'yargs';
import { injectTransclusions } from '../replay/inject.js';
import { lookupTransclusions } from '../replay/lookup.js';
import { indexWarcFiles } from '../replay/warc-index.js';
import { VERSION } from '../version.js';
import { type ParsedArgs, parseCommandLine } from './args.js';
import { type CliIO, createLogger, ExitCode, processIO } from './io.js';

function buildParser() {
  const common = (y: ReturnType<typeof yargs>) =>
    y
      .positional('warc', { type: 'string', array: true, describe: 'WARC files (.warc or .warc.gz) holding the transclusion metadata records' })
      .option('url', { type: 'string', demandOption: true, describe: 'The page URL, as archived (http and https captures of a page are treated as one)' })
      .option('timestamp', { type: 'string', demandOption: true, describe: 'The requested capture time, 14 digits (or fewer: 2009 = 20090101000000)' });
  return yargs()
    .scriptName('warckit-replay')
    .usage('$0 <command> <warc...> --url <page> --timestamp <ts>\n\nResolve transclusion metadata at replay: the closest capture\'s records (several at that exact time merged; nothing farther away).')
    .command('lookup <warc..>', 'Print, as JSON, the transclusions to apply to the page at that time (exit 1 and {} when none)', (y) => common(y))
    .command('inject <warc..>', 'Print the page\'s HTML with each transclusion applied as <video>/<audio>', (y) =>
      common(y)
        .option('html', { type: 'string', demandOption: true, describe: 'The archived HTML of the page' })
        .option('prefix', { type: 'string', describe: 'Serve media through a replay collection: sources become <prefix><timestamp>id_/<url> (pywb\'s pattern), e.g. http://localhost:8080/my-coll/' }),
    )
    .option('quiet', { alias: 'q', type: 'boolean', describe: 'Print errors only' })
    .option('verbose', { alias: 'v', type: 'boolean', describe: 'Say which records were used, and stack traces on errors' })
    .version('version', 'Show the version', `warckit-replay ${VERSION}`)
    .alias('version', 'V')
    .help('help')
    .alias('help', 'h')
    .demandCommand(1, 'expected a command: lookup or inject')
    .strict()
    .epilogue('Exit status: 0 found, 1 no transclusions for the page (or none applied), 2 error.')
    .wrap(110)
    .exitProcess(false)
    .showHelpOnFail(false);
}

export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  const parsed = await parseCommandLine(buildParser(), argv, io, 'warckit-replay');
  if (typeof parsed === 'number') return parsed;
  const args = parsed as ParsedArgs & { warc?: string[] };
  const logger = createLogger(io, args.quiet ? 'quiet' : args.verbose ? 'verbose' : 'normal');
  const command = String(args._[0]);
  const timestamp = String(args.timestamp);
  if (!/^\d{4,14}$/.test(timestamp)) {
    io.stderr.write(`warckit-replay: --timestamp: expected 4 to 14 digits, got "${timestamp}"\n`);
    return ExitCode.error;
  }
  try {
    const html = command === 'inject' ? await readFile(String(args.html), 'utf8').catch((error: NodeJS.ErrnoException) => {
      throw new Error(`${String(args.html)}: cannot read (${error.code ?? error.message})`);
    }) : '';
    const index = await indexWarcFiles(args.warc ?? []);
    const found = lookupTransclusions(index, String(args.url), timestamp);
    if (found) logger.debug(`${found.records} record(s) from ${found.timestamp} for ${found.pageUrl}`);
    if (command === 'lookup') {
      io.stdout.write(`${JSON.stringify(found ?? {}, null, 2)}\n`);
      return found ? ExitCode.ok : ExitCode.partialFailure;
    }
    if (!found) {
      logger.warn(`no transclusions for ${String(args.url)}: page printed unchanged`);
      io.stdout.write(html);
      return ExitCode.partialFailure;
    }
    const prefix = args.prefix === undefined ? undefined : String(args.prefix);
    const result = injectTransclusions(html, found.transclusions, prefix === undefined ? {} : { rewriteUrl: (url) => `${prefix}${found.timestamp}id_/${url}` });
    for (const media of result.unmatched) logger.warn(`no element matches the selector for ${media}`);
    io.stdout.write(result.html);
    return result.applied.length ? ExitCode.ok : ExitCode.partialFailure;
  } catch (error) {
    io.stderr.write(`warckit-replay: ${(error as Error).message}\n`);
    if (args.verbose && (error as Error).stack) io.stderr.write(`${(error as Error).stack}\n`);
    return ExitCode.error;
  }
}
