/**
 * `warckit-replay index|lookup|inject|client`: transclusions at replay time — index the metadata
 * records of WARCs, say what a page gets at a time, put it into the archived HTML, or hand out
 * the browser client for pywb and ReplayWeb.page.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import yargs from 'yargs';
import { ReplayInputError } from '../replay/file-kind.js';
import type { ScanProblem } from '../replay/warc-scan.js';
import { writeFileAtomic } from '../util/atomic.js';
import { readRegularFile } from '../util/regular-file.js';
import { sameFileAmong } from '../util/same-file.js';
import { VERSION } from '../version.js';
import { hasZoneOffset, parseFixedDate, timestamp14 } from '../util/timestamps.js';
import { type ParsedArgs, parseCommandLine, SCHEME } from './args.js';
import { type CliIO, createLogger, ExitCode, type JsonLines, jsonLines, type Logger, processIO } from './io.js';

/** An archived page is read whole; anything bigger is not a page. */
const MAX_PAGE_BYTES = 256 * 1024 * 1024;

const INPUTS = 'WARC files (.warc, .warc.gz) and/or transclusion indexes (.cdxj from "warckit-replay index"), recognized by their content';

function buildParser() {
  const page = (y: ReturnType<typeof yargs>) =>
    y
      .positional('inputs', { type: 'string', array: true, describe: INPUTS })
      .option('url', { type: 'string', demandOption: true, describe: 'The page URL, as archived (http and https captures of a page are one page; a directory URL also takes its index file\'s; without a scheme, http:// is assumed)' })
      .option('timestamp', { type: 'string', demandOption: true, describe: 'The requested capture time, full or partial, as -d takes it: 2009, 20090415, 2009-04-15T12:00:00 (missing fields are the earliest: 2009 = 20090101000000)' })
      .option('index-files', { type: 'string', default: 'index.html,index.htm', describe: 'File names whose metadata a directory URL takes' });
  return yargs()
    .scriptName('warckit-replay')
    .usage('$0 <command> ...\n\nTransclusions at replay: the closest capture\'s metadata records (several at that exact time merged; nothing farther away).')
    .command('index <inputs..>', 'Write a CDXJ index of the transclusion metadata records of WARC files (lookups then read a few blocks)', (y) =>
      y.positional('inputs', { type: 'string', array: true, describe: 'WARC files (.warc, .warc.gz)' }).option('output', { alias: 'o', type: 'string', default: 'transclusions.cdxj', describe: 'The index file to write (WARC paths are stored relative to it)' }),
    )
    .command('lookup <inputs..>', 'Print, as JSON, the transclusions the page gets at that time', (y) => page(y))
    .command('inject <inputs..>', 'Print the archived page with each transclusion applied as <video>/<audio>; every other byte unchanged', (y) =>
      page(y)
        .option('html', { type: 'string', demandOption: true, describe: 'The archived HTML of the page (any ASCII-compatible charset)' })
        .option('charset', { type: 'string', describe: 'The page\'s charset when known (default: byte order mark, <meta>, valid UTF-8, else windows-1252)' })
        .option('output', { alias: 'o', type: 'string', describe: 'Write the page here (atomically) instead of to standard output' })
        .option('prefix', { type: 'string', describe: 'Serve media through a replay collection: sources become <prefix><timestamp>id_/<url> (pywb\'s pattern), e.g. http://localhost:8080/my-coll/' }),
    )
    .command('client', 'Print the path of the browser client (warckit-transclusions.js) for pywb and ReplayWeb.page, or copy it', (y) =>
      y.option('output', { alias: 'o', type: 'string', describe: 'Copy the client here, e.g. static/transclusions.js in a pywb directory' }),
    )
    .option('json', { type: 'boolean', describe: 'Print JSON lines on stdout (the answer, warnings, damaged records, then a summary); inject needs -o with it' })
    .option('quiet', { alias: 'q', type: 'boolean', describe: 'Print errors only' })
    .option('verbose', { alias: 'v', type: 'boolean', describe: 'Say which records were used, and stack traces on errors' })
    .version('version', 'Show the version', `warckit-replay ${VERSION}`)
    .alias('version', 'V')
    .help('help')
    .alias('help', 'h')
    .demandCommand(1, 'expected a command: index, lookup, inject or client')
    .strict()
    .example('$0 index site.warc.gz -o site.cdxj', 'index once')
    .example('$0 lookup site.cdxj --url http://www.example.com/ --timestamp 20090415', 'what the page gets (JSON)')
    .example('$0 inject site.cdxj --url http://www.example.com/index.html --timestamp 2009 --html index.html -o out.html', 'the page with <video>/<audio> in place')
    .example('$0 client -o pywb/static/transclusions.js', 'install the client into a pywb deployment')
    .epilogue(
      'Exit status: 0 done; 1 the page has no transclusions (lookup prints {}), or some media had no element on the page (inject: the page is written with those that had one); 2 error (bad arguments, a file that is not a WARC or index); 3 answered from what could be read, but records are damaged (listed on stderr).',
    )
    .wrap(110)
    .exitProcess(false)
    .showHelpOnFail(false);
}

const COMMANDS = ['index', 'lookup', 'inject', 'client'];
/** The options of the commands (yargs knows them only once a command is parsed). */
const COMMAND_FLAGS = ['url', 'timestamp', 'index-files', 'html', 'charset', 'output', 'o', 'prefix'];

function reportProblems(problems: readonly ScanProblem[], logger: Logger, json?: JsonLines): void {
  for (const p of problems) {
    if (json) json.write('damaged', { file: p.file, offset: p.offset, problem: p.problem });
    else logger.error(`${p.file} at offset ${p.offset}: ${p.problem}`);
  }
}

/** `--timestamp` as `-d` takes it (`2009-04-15T12:00`, `20090415`): its digits, checked as a date. */
export function requestedTimestamp(value: string): string {
  // A time given with a zone offset (2009-04-15T12:00:00+02:00) is that time in UTC.
  if (hasZoneOffset(value)) return timestamp14(parseFixedDate(value, '--timestamp'));
  const digits = value.replace(/[^\d]/g, '');
  if (!/^\d{4,14}$/.test(digits)) throw new Error(`--timestamp: expected a time such as 2009, 20090415120000 or 2009-04-15T12:00:00, got "${value}"`);
  // Checked as a date (20091301 is refused); the digits given are kept: 2009 means the closest to its start.
  parseFixedDate(value, '--timestamp');
  return digits;
}

/** The page URL asked for: one without its scheme (`www.example.com/page.html`) is taken as http://, as wayback machines take it. */
export function requestedUrl(value: string): string {
  if (value.trim() === '') throw new Error(`--url: expected the page's URL (http://www.example.com/page.html), got "${value}"`);
  return SCHEME.test(value) ? value : `http://${value.replace(/^\/+/, '')}`;
}

function list(value: unknown): string[] {
  return String(value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

interface Run {
  args: ParsedArgs & { inputs?: string[] };
  io: CliIO;
  logger: Logger;
  json: JsonLines | undefined;
}

interface Outcome {
  code: number;
  /** What --json puts in the summary line. */
  summary: Record<string, unknown>;
}

// Each command loads only what it uses (the parser and WARC reader are the slow part of start-up).
async function runIndex({ args, logger, json }: Run): Promise<Outcome> {
  const { writeTransclusionIndex } = await import('../replay/index-write.js');
  const result = await writeTransclusionIndex(args.inputs ?? [], String(args.output));
  reportProblems(result.problems, logger, json);
  logger.info(`Indexed ${result.records} metadata record(s) into ${result.path}`);
  return { code: result.problems.length ? ExitCode.damagedInput : ExitCode.ok, summary: { path: result.path, records: result.records, damaged: result.problems.length } };
}

/** A replay collection's prefix ends with "/" (…/my-coll/): one without it would make URLs of nothing. */
function collectionPrefix(prefix: string, logger: Logger): string {
  if (prefix.endsWith('/')) return prefix;
  logger.warn(`--prefix ${prefix} does not end with "/": taken as ${prefix}/`);
  return `${prefix}/`;
}

/** inject -o naming a WARC or index it reads (those an index names too), or the page itself, would lose that file. */
async function refuseOwnInput(output: string, inputs: readonly string[], page: string): Promise<void> {
  if (await sameFileAmong(output, inputs)) throw new ReplayInputError(`${output} is one of the inputs: refusing to replace it with the page; write the page elsewhere`);
  if (await sameFileAmong(output, [page])) throw new ReplayInputError(`${output} is the page given with --html: refusing to replace it with the page; write it elsewhere`);
}

async function runPage(command: string, { args, io, logger, json }: Run): Promise<Outcome> {
  const timestamp = requestedTimestamp(String(args.timestamp));
  const url = requestedUrl(String(args.url));
  if (command === 'inject' && json && !args.output) throw new Error('--json: inject prints the page on stdout; give -o/--output for the page with --json');
  const html =
    command === 'inject'
      ? await readRegularFile(String(args.html), { what: 'page', maxBytes: MAX_PAGE_BYTES })
      : undefined;
  const { TransclusionLookup } = await import('../replay/transclusion-lookup.js');
  const { injectTransclusionsIntoBytes } = html ? await import('../replay/inject.js') : { injectTransclusionsIntoBytes: undefined };
  const lookup = await TransclusionLookup.open(args.inputs ?? [], { indexFiles: list(args['index-files']) });
  try {
    if (html && args.output) await refuseOwnInput(String(args.output), lookup.files, String(args.html));
    for (const warning of lookup.warnings) logger.warn(warning);
    const found = await lookup.lookup(url, timestamp);
    reportProblems(lookup.problems, logger, json);
    const damaged = lookup.problems.length > 0;
    if (found) logger.debug(`${found.records} record(s) from ${found.timestamp} for ${found.pageUrl}`);
    const base = { url, timestamp, found: found !== undefined, damaged: lookup.problems.length };
    if (!html) {
      if (json) json.write('lookup', { result: found ?? {} });
      else io.stdout.write(`${JSON.stringify(found ?? {}, null, 2)}\n`);
      return { code: damaged ? ExitCode.damagedInput : found ? ExitCode.ok : ExitCode.partialFailure, summary: base };
    }
    const prefix = args.prefix === undefined ? undefined : collectionPrefix(String(args.prefix), logger);
    const result = found && injectTransclusionsIntoBytes
      ? injectTransclusionsIntoBytes(html, found.transclusions, {
          pageUrl: url,
          ...(args.charset ? { charset: String(args.charset) } : {}),
          ...(prefix === undefined ? {} : { rewriteUrl: (url: string) => `${prefix}${found.timestamp}id_/${url}` }),
        })
      : undefined;
    if (!found) logger.warn(`no transclusions for ${url}: page unchanged`);
    for (const p of result?.problems ?? []) logger.warn(`${p.mediaUrl}: selector "${p.selector}": ${p.problem}`);
    for (const media of result?.unmatched ?? []) logger.warn(`no element on the page for ${media}`);
    const out = result?.bytes ?? html;
    if (args.output) await writeFileAtomic(String(args.output), out);
    else io.stdout.write(out);
    if (result) logger.debug(`${result.replaced} element(s) replaced (${result.charset})`);
    const summary = { ...base, ...(args.output ? { output: String(args.output) } : {}), applied: result?.applied ?? [], replaced: result?.replaced ?? 0, unmatched: result?.unmatched ?? [] };
    // Exit 0 only when every media of the page went in; the page is written with those that did.
    const everyMedia = result !== undefined && result.applied.length > 0 && result.unmatched.length === 0;
    return { code: damaged ? ExitCode.damagedInput : everyMedia ? ExitCode.ok : ExitCode.partialFailure, summary };
  } finally {
    await lookup.close();
  }
}

async function runClient({ args, io, logger, json }: Run): Promise<Outcome> {
  const { clientScriptPath } = await import('../replay/client-path.js');
  const path = clientScriptPath();
  if (!args.output) {
    if (!json) io.stdout.write(`${path}\n`);
    return { code: ExitCode.ok, summary: { client: path } };
  }
  const output = String(args.output);
  if (await stat(output).then((info) => info.isDirectory(), () => false)) {
    throw new ReplayInputError(`${output}: is a directory; give the client's file name in it (${join(output, 'transclusions.js')} for pywb's static/ directory, ${join(output, 'warckit-transclusions.js')} beside ReplayWeb.page's sw.js)`);
  }
  await writeFileAtomic(output, await readFile(path));
  logger.info(`Copied ${path} to ${output}`);
  return { code: ExitCode.ok, summary: { client: path, output: String(args.output) } };
}

export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  const parsed = await parseCommandLine(buildParser(), argv, io, { name: 'warckit-replay', flags: COMMAND_FLAGS, commands: COMMANDS });
  if (typeof parsed === 'number') return parsed;
  const args = parsed as ParsedArgs & { inputs?: string[] };
  const json = args.json ? jsonLines(io) : undefined;
  const logger = createLogger(io, args.quiet ? 'quiet' : args.verbose ? 'verbose' : 'normal', json);
  const command = String(args._[0]);
  const run: Run = { args, io, logger, json };
  try {
    const outcome = command === 'index' ? await runIndex(run) : command === 'client' ? await runClient(run) : await runPage(command, run);
    json?.write('summary', { command, ...outcome.summary, exitCode: outcome.code });
    return outcome.code;
  } catch (error) {
    io.stderr.write(`warckit-replay: ${(error as Error).message}\n`);
    json?.write('error', { message: (error as Error).message, exitCode: ExitCode.error });
    if (args.verbose && (error as Error).stack) io.stderr.write(`${(error as Error).stack}\n`);
    return ExitCode.error;
  }
}
