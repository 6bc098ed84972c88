/** A throwaway redis-server on a free loopback port (no persistence), for the queue tests and bench. */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer, connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface RedisServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** Why the queue tests cannot run here, or undefined when redis-server is installed. */
export function redisMissing(): string | undefined {
  const probe = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  return probe.error || probe.status !== 0 ? 'redis-server is not installed (Debian: apt-get install redis-server; .ci/run installs it)' : undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

async function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.write('PING\r\n');
      socket.once('data', (d) => {
        socket.destroy();
        resolve(d.toString().startsWith('+PONG'));
      });
    });
    socket.once('error', () => resolve(false));
  });
}

/** A redis-server that keeps its data on disk (appendonly) and can be restarted on its port. */
export interface PersistentRedisServer extends RedisServer {
  /** Shut it down cleanly (its data flushed), wait `downMs`, and start it again with that data. */
  restart(downMs: number): Promise<void>;
}

function spawnRedis(port: number, dir?: string): { child: ChildProcess; exited: Promise<void> } {
  const persistence = dir ? ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', dir] : ['--appendonly', 'no'];
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...persistence], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { child, exited };
}

async function upWithin(port: number, child: ChildProcess): Promise<boolean> {
  for (let i = 0; i < 100 && child.exitCode === null; i++) {
    if (await answers(port)) return true;
    await sleep(50);
  }
  return false;
}

/** Start redis-server on a free port and wait until it answers PING (`dir`: keep its data there, see {@link startPersistentRedis}). */
export async function startRedis(dir?: string): Promise<RedisServer> {
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    let server = spawnRedis(port, dir);
    if (await upWithin(port, server.child)) {
      const stop = async (): Promise<void> => {
        if (server.child.exitCode === null) server.child.kill('SIGKILL');
        await server.exited;
      };
      const restart = async (downMs: number): Promise<void> => {
        server.child.kill('SIGTERM'); // redis-server flushes its append-only file on SIGTERM
        await server.exited;
        await sleep(downMs);
        server = spawnRedis(port, dir);
        if (!(await upWithin(port, server.child))) throw new Error(`redis-server did not start again on port ${port}`);
      };
      return { url: `redis://127.0.0.1:${port}/0`, port, stop, ...(dir ? { restart } : {}) };
    }
    server.child.kill('SIGKILL');
    await server.exited;
    if (attempt >= 2) throw new Error(`redis-server did not start on port ${port}`);
  }
}

/** A redis-server keeping its data in `dir`, to be restarted mid-test. */
export async function startPersistentRedis(dir: string): Promise<PersistentRedisServer> {
  return (await startRedis(dir)) as PersistentRedisServer;
}
