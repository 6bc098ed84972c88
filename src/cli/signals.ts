/**
 * Ctrl-C / SIGTERM for a CLI run: the first signal aborts the run (which cleans up after
 * itself); a second one removes the temporary files still open and exits at once.
 */
import { rmSync } from 'node:fs';
import { openAtomicFiles } from '../util/atomic.js';
import { ExitCode } from './io.js';

export function onInterrupt(controller: AbortController): () => void {
  let count = 0;
  const handler = (): void => {
    count++;
    if (count === 1) {
      controller.abort(new Error('interrupted'));
      return;
    }
    for (const file of openAtomicFiles()) rmSync(file.tempPath, { force: true });
    process.exit(ExitCode.interrupted);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
