/**
 * Opening the WARC a run writes: locked for the run, a new file under a temporary name, an
 * existing one appended to in place only if its end is a complete record of the same compression.
 */
import { type AtomicFile, openAtomic } from '../util/atomic.js';
import type { NormalizedWarcOptions, WriteWarcOptions } from './options.js';
import { checkWarcTail } from './tail-check.js';

export const EXISTS_HINT = 'use -a/--append to add to it or -o/--overwrite to replace it';

export function openWarcOutput(opts: NormalizedWarcOptions, options: Pick<WriteWarcOptions, 'fsync'>, notice: (message: string) => void): Promise<AtomicFile> {
  return openAtomic(opts.path, opts.mode, {
    existsHint: EXISTS_HINT,
    durable: options.fsync ?? false,
    ...(opts.commandLine ? { command: opts.commandLine.join(' ') } : {}),
    checkAppendTarget: (handle, size) => checkWarcTail(handle, size, opts.path, opts.gzip),
    onNotice: notice,
  });
}
