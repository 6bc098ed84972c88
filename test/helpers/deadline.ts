import { closeSync, constants, openSync } from 'node:fs';

/**
 * Wait for a promise at most `ms`: fails the test (with `what`) instead of hanging on it.
 * `fifos` are opened for writing and closed after a timeout, so a reader blocked on one is
 * released and the test process can still end.
 */
export async function within<T>(promise: Promise<T>, ms: number, what: string, fifos: readonly string[] = []): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      for (const fifo of fifos) {
        try {
          closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
        } catch {
          // no reader blocked on it
        }
      }
      reject(new Error(`${what}: still running after ${ms} ms`));
    }, ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
