/**
 * Argument parsing shared by the CLIs: yargs without exiting, help and usage errors printed
 * here, and manners yargs lacks: a did-you-mean for misspelt flags and commands, a message
 * when the URL prefix and the inputs are swapped, warnings for a URL prefix warcit would join
 * badly.
 */
import type { Argv, Options } from 'yargs';
import { closestKey } from '../util/did-you-mean.js';
import { type CliIO, ExitCode } from './io.js';

export type ParsedArgs = Record<string, unknown> & { _: Array<string | number> };

/** `--ffmpeg` and `--ffprobe`, as warckit-convert and warckit-worker take them (`.options(FFMPEG_TOOL_OPTIONS)`). */
export const FFMPEG_TOOL_OPTIONS = {
  ffmpeg: { type: 'string', describe: 'ffmpeg to run (default: FFMPEG_PATH, then PATH, then the one from @ffmpeg-installer/ffmpeg)' },
  ffprobe: { type: 'string', describe: 'ffprobe to run (default: FFPROBE_PATH, then PATH, then the one from @ffprobe-installer/ffprobe)' },
} satisfies Record<string, Options>;

export interface CommandLineSpec {
  /** The program's name, in messages. */
  name: string;
  /** Flags known besides those defined on the parser itself (e.g. those of subcommands), without dashes. */
  flags?: readonly string[];
  /** Subcommands: the first argument must be one of them. */
  commands?: readonly string[];
  /** What yargs' "not enough arguments" means for this program. */
  missing?: string;
}

/** Long and short flags the parser knows (with their aliases), without dashes. */
function knownFlags(parser: Argv, extra: readonly string[]): Set<string> {
  const options = (parser as unknown as { getOptions(): { key: Record<string, unknown>; alias: Record<string, string[]> } }).getOptions();
  const known = new Set([...Object.keys(options.key), ...Object.values(options.alias).flat(), ...extra]);
  return known;
}

/** An unknown flag or command in `argv`, said with a did-you-mean; undefined when all are known. */
export function unknownArgument(argv: readonly string[], known: ReadonlySet<string>, commands?: readonly string[]): string | undefined {
  const longs = [...known].filter((k) => k.length > 1);
  for (const token of argv) {
    if (token === '--') break;
    if (token.startsWith('--')) {
      const name = token.slice(2).split('=')[0]!;
      if (known.has(name)) continue;
      const near = closestKey(name, longs);
      return `unknown option --${name}${near ? ` (did you mean --${near}?)` : ''}`;
    }
    if (/^-[A-Za-z]/.test(token)) {
      for (const letter of token.slice(1).split('=')[0]!) {
        if (!known.has(letter)) return `unknown option -${letter}${token.length > 2 ? ` (in ${token}; long options take two dashes)` : ''}`;
      }
    }
  }
  // The command is checked when it is the first argument (options before it may take values).
  if (commands && argv[0] !== undefined && !argv[0].startsWith('-')) {
    const first = argv[0];
    if (!commands.includes(first)) {
      const near = closestKey(first, commands);
      const later = argv.find((a) => commands.includes(a));
      if (later) return `the command comes first: ${later} ${argv.filter((a) => a !== later).join(' ')} (got "${first}" before the command ${later})`;
      return `unknown command "${first}"${near ? ` (did you mean ${near}?)` : ` (expected ${commands.join(', ')})`}`;
    }
  }
  return undefined;
}

/** A URL that starts with its scheme (`http://`). */
export const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

/** `<url_prefix> <inputs...>` given the other way round: the message to print, or undefined. */
export function swappedPrefix(positionals: readonly string[], name: string): string | undefined {
  const [first, ...rest] = positionals;
  if (first === undefined || SCHEME.test(first)) return undefined;
  const url = rest.find((p) => SCHEME.test(p));
  if (!url) return undefined;
  return `the URL prefix comes first: ${name} <url_prefix> <inputs...> (got the input ${first} first and the URL ${url} after it)`;
}

/** What is odd about a URL prefix, as warnings: warcit (and warckit) join prefix and path without adding anything. */
export function urlPrefixWarnings(prefix: string): string[] {
  const warnings: string[] = [];
  if (!/^[a-z][a-z0-9+.-]*:/i.test(prefix)) {
    const guess = `http://${prefix.replace(/^\/+/, '')}`;
    warnings.push(`the URL prefix ${prefix} has no scheme: files get URLs such as ${prefix}index.html (did you mean ${guess}?)`);
  }
  if (!/[/=]$/.test(prefix)) {
    warnings.push(`the URL prefix ${prefix} does not end with "/": files get URLs such as ${prefix}index.html, as warcit joins them (add the slash: ${prefix}/)`);
  }
  return warnings;
}

/**
 * `--` ends the options, as in every Unix tool, so `-- -y.flv` names a file. yargs leaves what
 * follows out of the positional arguments (`<inputs..>` then counts none): they are passed on
 * as positionals, a name that starts with `-` spelt `./-y.flv`, the same file.
 */
export function afterEndOfOptions(argv: readonly string[]): string[] {
  const end = argv.indexOf('--');
  if (end < 0) return [...argv];
  return [...argv.slice(0, end), ...argv.slice(end + 1).map((arg) => (arg.startsWith('-') ? `./${arg}` : arg))];
}

/**
 * Parse `argv` with `parser`. Returns the arguments, or the exit code to return at once:
 * 0 after printing --help/--version text, 2 after a one-line usage error.
 */
export async function parseCommandLine(parser: Argv, given: string[], io: CliIO, spec: CommandLineSpec | string): Promise<ParsedArgs | number> {
  const { name, flags = [], commands, missing } = typeof spec === 'string' ? { name: spec } : spec;
  const argv = afterEndOfOptions(given);
  const usageError = (message: string): number => {
    io.stderr.write(`${name}: ${message}\nRun ${name} --help for usage.\n`);
    return ExitCode.error;
  };
  const wantsHelp = argv.some((a) => a === '--help' || a === '-h' || a === '--version' || a === '-V');
  const unknown = wantsHelp ? undefined : unknownArgument(argv, knownFlags(parser, flags), commands);
  if (unknown) return usageError(unknown);
  try {
    const parsed = await new Promise<{ args?: ParsedArgs; output?: string }>((resolve, reject) => {
      parser.parse(argv, {}, (error, args, output) => {
        if (error) reject(error);
        else if (output) resolve({ output });
        else resolve({ args: args as ParsedArgs });
      });
    });
    if (parsed.output !== undefined) {
      io.stdout.write(`${parsed.output}\n`);
      return ExitCode.ok;
    }
    return parsed.args!;
  } catch (error) {
    const message = (error as Error).message;
    return usageError(missing && /^Not enough non-option arguments/.test(message) ? missing : message);
  }
}

/** The message for a count flag's value (`--jobs two`), or undefined when it is a whole number above 0 (or not given). */
export function wholeNumberProblem(flag: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  return /^[1-9]\d*$/.test(String(value)) ? undefined : `${flag}: expected a positive whole number, got ${JSON.stringify(String(value))}`;
}

/** The message for a seconds flag's value (`--stall-seconds 0`), or undefined when it is a number above 0 (or not given). */
export function secondsProblem(flag: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  return /^\d+(\.\d+)?$/.test(String(value)) && Number(value) > 0 ? undefined : `${flag}: expected a number of seconds above 0, got ${JSON.stringify(String(value))}`;
}
