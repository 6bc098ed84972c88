/**
 * Ctrl-C / SIGTERM (and SIGHUP from a closed terminal) for a CLI run: the first signal aborts
 * the run (which cleans up after itself); a second one puts the open outputs back (temporary
 * files removed, appends truncated, locks released) and exits at once. With `forceExitMs`, the same happens by
 * itself when the run has not ended that long after the first signal.
 */
import { openAtomicFiles } from '../util/atomic.js';
import { ExitCode } from './io.js';

export interface InterruptOptions {
  /** After the first signal, exit anyway (outputs put back) if the run is still going after this long. */
  forceExitMs?: number;
}

function putBackAndExit(): never {
  for (const file of openAtomicFiles()) file.abortSync();
  process.exit(ExitCode.interrupted);
}

/**
 * SIGHUP: in a terminal, the terminal went away: `stop` as for Ctrl-C. Otherwise (nohup, output
 * to a file) the process was meant to outlive the terminal and the signal is ignored: Node.js
 * undoes nohup's ignoring of SIGHUP, so without a listener a logout would kill it outright.
 * Returns the function that removes the listener.
 */
export function onHangup(stop: () => void): () => void {
  const hangup = (): void => {
    if (process.stderr.isTTY) stop();
  };
  process.on('SIGHUP', hangup);
  return () => process.off('SIGHUP', hangup);
}

export function onInterrupt(controller: AbortController, options: InterruptOptions = {}): () => void {
  let count = 0;
  let timer: NodeJS.Timeout | undefined;
  const handler = (): void => {
    count++;
    if (count > 1) putBackAndExit();
    controller.abort(new Error('interrupted'));
    if (options.forceExitMs !== undefined) timer = setTimeout(putBackAndExit, options.forceExitMs);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  const removeHangup = onHangup(handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
    removeHangup();
    // The run has returned; if the process still does not end (a read stuck in the thread pool), the timer ends it.
    timer?.unref();
  };
}
