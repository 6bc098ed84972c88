/** The failures of a conversion run, one class per family, each carrying what a caller needs. */

/** An option of `convertMedia` is missing or has the wrong type; nothing was run. */
export class ConvertOptionsError extends TypeError {
  override name = 'ConvertOptionsError';
}

/** One conversion failed: the command's argv, how it ended, and the end of its stderr. */
export class ConversionError extends Error {
  override name = 'ConversionError';
  readonly source: string;
  readonly output: string;
  readonly argv: readonly string[];
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly stderrTail: string;

  constructor(
    message: string,
    details: { source: string; output: string; argv: readonly string[]; exitCode: number | null; signal: string | null; stderrTail: string; cause?: unknown },
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.source = details.source;
    this.output = details.output;
    this.argv = details.argv;
    this.exitCode = details.exitCode;
    this.signal = details.signal;
    this.stderrTail = details.stderrTail;
  }
}

/** The run was stopped (Ctrl-C, an aborted signal): running commands were killed, finished work is in the results file. */
export class ConvertInterruptedError extends Error {
  override name = 'ConvertInterruptedError';
  constructor(readonly counts: { converted: number; skipped: number; failed: number; notRun: number }) {
    super(`interrupted: ${counts.converted} converted, ${counts.skipped} skipped, ${counts.failed} failed, ${counts.notRun} not run`);
  }
}
