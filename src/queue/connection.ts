/**
 * @internal Where the queue is: a `redis://[user:password@]host[:port][/db]` URL (`rediss://`
 * for TLS) as the options BullMQ passes to ioredis. Pure; no connection is made here.
 */

/** The BullMQ queue every producer and worker uses. */
export const QUEUE_NAME = 'warckit-convert';

/** The URL is not a Redis URL we can use. */
export class QueueUrlError extends Error {
  override name = 'QueueUrlError';
}

/** ioredis options, the subset a Redis URL sets. */
export interface RedisOptions {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  tls?: Record<string, never>;
}

/** Parse a Redis URL; throws {@link QueueUrlError} naming what is wrong. */
export function redisOptions(url: string): RedisOptions {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new QueueUrlError(`${JSON.stringify(url)}: not a URL (expected redis://host:6379/0)`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') throw new QueueUrlError(`${url}: expected a redis:// or rediss:// URL`);
  if (!parsed.hostname) throw new QueueUrlError(`${url}: no host (expected redis://host:6379/0)`);
  const port = parsed.port ? Number(parsed.port) : 6379;
  const path = parsed.pathname.replace(/^\//, '');
  if (path !== '' && !/^\d+$/.test(path)) throw new QueueUrlError(`${url}: the path must be a database number (redis://host:6379/0), got /${path}`);
  const options: RedisOptions = { host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'), port, db: path === '' ? 0 : Number(path) };
  if (parsed.username) options.username = decodeURIComponent(parsed.username);
  if (parsed.password) options.password = decodeURIComponent(parsed.password);
  if (parsed.protocol === 'rediss:') options.tls = {};
  return options;
}

/** The URL without its password, for messages. */
export function shownUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}
