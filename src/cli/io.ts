/**
 * What every CLI shares: where output goes (passed in, so tests call `main` directly),
 * named exit codes, and a logger that honours -q/-v.
 */
import type { Writable } from 'node:stream';
import type { Logger } from '../util/logger.js';

export type { Logger } from '../util/logger.js';

export interface CliIO {
  stdout: Writable;
  stderr: Writable;
  /** Show progress displays (a TTY on stderr, and not -q). */
  isTTY: boolean;
}

export function processIO(): CliIO {
  // A reader that goes away early (`2>&1 | head -c1`, a dead tee) costs the messages, not the
  // run: unheard, an EPIPE would end the process mid-write, its temporary file and lock left.
  for (const stream of [process.stdout, process.stderr]) if (stream.listenerCount('error') === 0) stream.on('error', () => undefined);
  return { stdout: process.stdout, stderr: process.stderr, isTTY: Boolean(process.stderr.isTTY) };
}

/** Named exit codes, shared by all CLIs. */
export const ExitCode = {
  ok: 0,
  /** The run finished but something in it failed (a conversion, a lookup with no match). */
  partialFailure: 1,
  /** Bad arguments, bad input files, or an error that stopped the run. */
  error: 2,
  /** Answered from what could be read, but some input records are damaged (each reported). */
  damagedInput: 3,
  /** Stopped by Ctrl-C / SIGTERM. */
  interrupted: 130,
} as const;

export type Verbosity = 'quiet' | 'normal' | 'verbose';

/** `--json`: one JSON object per line on stdout, each with an `event` field. */
export interface JsonLines {
  write(event: string, data?: object): void;
}

export function jsonLines(io: CliIO): JsonLines {
  io.stdout.on('error', () => undefined); // a reader that goes away early is not our error
  return { write: (event, data = {}) => void io.stdout.write(`${JSON.stringify({ event, ...data })}\n`) };
}

/**
 * Messages go to stderr as `[LEVEL] message` (as warcit prints them); -q keeps errors only, -v
 * adds debug. With `json`, they are JSON lines instead (`{"event":"warning","message":…}`).
 */
export function createLogger(io: CliIO, verbosity: Verbosity, json?: JsonLines): Logger {
  const write = (level: string, message: string): void => {
    if (json) json.write(level === 'WARNING' ? 'warning' : 'log', level === 'WARNING' ? { message } : { level: level.toLowerCase(), message });
    else io.stderr.write(`[${level}] ${message}\n`);
  };
  return {
    error: (m) => write('ERROR', m),
    warn: (m) => verbosity !== 'quiet' && write('WARNING', m),
    info: (m) => verbosity !== 'quiet' && write('INFO', m),
    debug: (m) => verbosity === 'verbose' && write('DEBUG', m),
  };
}
