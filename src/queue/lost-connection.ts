/**
 * @internal Redis going away under a running producer: noticed at once (ioredis' `close`),
 * waited for a while (it may be restarting), then given up on, so that the run ends with the
 * sources not back recorded as failed instead of waiting forever. And nothing that needs Redis
 * may hold up the end of a run: a command sent while it is gone waits in ioredis' offline
 * queue for minutes.
 */
import { setTimeout as sleep } from 'node:timers/promises';

/** How long a producer waits for Redis to answer again, unless told otherwise. */
export const QUEUE_WAIT_SECONDS = 60;

interface Emitter {
  on(event: string, listener: () => void): unknown;
}

/** Tells when a connection to Redis drops and when it is back (`close` and `ready`), and how long it has been gone. */
export class ConnectionWatch {
  private since: number | undefined;
  private stopped = false;

  constructor(client: Emitter, handlers: { lost(): void; back(): void }) {
    client.on('close', () => {
      if (this.stopped || this.since !== undefined) return;
      this.since = Date.now();
      handlers.lost();
    });
    client.on('ready', () => {
      if (this.stopped || this.since === undefined) return;
      this.since = undefined;
      handlers.back();
    });
  }

  /** The run is closing its connections: that is no loss. */
  stop(): void {
    this.stopped = true;
  }

  get lost(): boolean {
    return this.since !== undefined;
  }

  /** Milliseconds since the connection dropped (0 while it is up). */
  goneFor(now = Date.now()): number {
    return this.since === undefined ? 0 : now - this.since;
  }
}

/** Whether `work` settled within `ms` (it is left to go on otherwise; a rejection counts as settled). */
export async function settledWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  const timer = new AbortController();
  try {
    return await Promise.race([work.then(() => true, () => true), sleep(ms, false, { signal: timer.signal }).catch(() => false)]);
  } finally {
    timer.abort();
  }
}
