/** Argument parsing shared by the CLIs: yargs without exiting, help and usage errors printed here. */
import type { Argv } from 'yargs';
import { type CliIO, ExitCode } from './io.js';

export type ParsedArgs = Record<string, unknown> & { _: Array<string | number> };

/**
 * Parse `argv` with `parser`. Returns the arguments, or the exit code to return at once:
 * 0 after printing --help/--version text, 2 after a one-line usage error.
 */
export async function parseCommandLine(parser: Argv, argv: string[], io: CliIO, name: string): Promise<ParsedArgs | number> {
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
    io.stderr.write(`${name}: ${(error as Error).message}\nRun ${name} --help for usage.\n`);
    return ExitCode.error;
  }
}
