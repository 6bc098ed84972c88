/**
 * @internal A producer's heartbeat in Redis: a key per run that lives while the producer does.
 * Workers run a job only while its producer's key is there, so the jobs of a producer that was
 * killed are not converted for nobody (its results would never be recorded).
 */

/** The key of a run. */
export const runKey = (run: string): string => `warckit-convert:run:${run}`;

/** How long the key outlives the producer's last beat; it beats four times as often. */
export const RUN_TTL_MS = 60_000;
