/**
 * `warckit-verify <warc...> [--conversions results.yaml] [--manifest m]`: read WARCs back,
 * check every record's digests, and report for each source and conversion (or manifest file)
 * whether it is archived, missing, changed or failed; exit status non-zero on anything else.
 */
import yargs from 'yargs';
import { reportJson, reportTable } from '../verify/report.js';
import { verifyArchive, type VerifyArchiveOptions } from '../verify/verify.js';
import { VERSION } from '../version.js';
import { parseCommandLine } from './args.js';
import { type CliIO, ExitCode, processIO } from './io.js';
import { onInterrupt } from './signals.js';

function buildParser() {
  return yargs()
    .scriptName('warckit-verify')
    .usage(
      '$0 <warc...> [--conversions results.yaml] [--manifest m]\n\nRead WARCs back: check every record\'s digests and that each file reads to its end, and say for each source and conversion in the results file (or each file in a fixity manifest) whether it is archived, missing, changed or failed.',
    )
    .parserConfiguration({ 'boolean-negation': false, 'greedy-arrays': false })
    .option('conversions', { type: 'string', describe: "A conversion results file (warckit-convert's or warcit-converter's)" })
    .option('manifest', { type: 'string', array: true, describe: 'A fixity manifest (md5sum or sha256sum format; paths relative to its directory); may be given more than once' })
    .option('json', { type: 'boolean', describe: 'Print the report as JSON instead of a table' })
    .option('quiet', { alias: 'q', type: 'boolean', describe: 'Print only what is not archived, and damage' })
    .version('version', 'Show the version', `warckit-verify ${VERSION}`)
    .alias('version', 'V')
    .help('help')
    .alias('help', 'h')
    .demandCommand(1, 'expected at least one WARC file')
    .strict()
    .epilogue(
      'archived: a record is there, its digests hold, and its payload has the sha256 recorded at conversion (or the manifest\'s digest); changed: a record is there but damaged or with other bytes; missing: no record; failed: the conversion failed (or the source is not media), with its reason.\n\nExit status: 0 everything archived and the WARCs undamaged; 1 something missing, changed or failed; 2 error (a file cannot be read); 3 a WARC is damaged (a record cut off, data that cannot be read, a digest that does not match); 130 interrupted.',
    )
    .wrap(110)
    .exitProcess(false)
    .showHelpOnFail(false);
}

export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  const args = await parseCommandLine(buildParser(), argv, io, 'warckit-verify');
  if (typeof args === 'number') return args;
  const controller = new AbortController();
  const options: VerifyArchiveOptions = { warcs: args._.map(String), signal: controller.signal };
  if (args.conversions !== undefined) options.conversions = String(args.conversions);
  if (Array.isArray(args.manifest)) options.manifests = args.manifest.map(String);
  const removeHandlers = onInterrupt(controller);
  try {
    const report = await verifyArchive(options);
    if (args.json) io.stdout.write(reportJson(report));
    else if (args.quiet) io.stdout.write(reportTable({ ...report, items: report.items.filter((i) => i.status !== 'archived') }));
    else io.stdout.write(reportTable(report));
    if (report.problems.length) return ExitCode.damagedInput;
    return report.items.every((i) => i.status === 'archived') ? ExitCode.ok : ExitCode.partialFailure;
  } catch (error) {
    if (controller.signal.aborted) {
      io.stderr.write('warckit-verify: interrupted\n');
      return ExitCode.interrupted;
    }
    io.stderr.write(`warckit-verify: ${(error as Error).message}\n`);
    return ExitCode.error;
  } finally {
    removeHandlers();
  }
}
