/** @internal Waiting for Redis: a clear error instead of ioredis' endless reconnecting. */
import { setTimeout as sleep } from 'node:timers/promises';
import { shownUrl } from './connection.js';

/** Redis did not answer at the queue's URL. */
export class QueueConnectionError extends Error {
  override name = 'QueueConnectionError';
}

const CONNECT_TIMEOUT_MS = 10_000;

/** Resolve when every connection is ready; throw {@link QueueConnectionError} after 10 s, or the abort's reason. */
export async function readyWithin(ready: readonly Promise<unknown>[], url: string, signal?: AbortSignal, ms: number = CONNECT_TIMEOUT_MS): Promise<void> {
  const timer = new AbortController();
  const stop = (): void => timer.abort();
  signal?.addEventListener('abort', stop, { once: true });
  try {
    const late = sleep(ms, undefined, { signal: timer.signal }).then(
      () => {
        throw new QueueConnectionError(`cannot reach Redis at ${shownUrl(url)} (no answer within ${ms / 1000} s): is redis-server running and reachable from here?`);
      },
      () => {
        if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('aborted');
      },
    );
    await Promise.race([Promise.all(ready), late]);
  } finally {
    timer.abort();
    signal?.removeEventListener('abort', stop);
  }
}
