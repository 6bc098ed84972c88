import { execFileSync } from 'node:child_process';
import { mkdir, symlink } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** A FIFO, a listening socket, a symlink to /dev/zero, a dangling symlink and a directory. */
export async function makeSpecialFiles(dir: string): Promise<{ fifo: string; socket: string; zero: string; dangling: string; directory: string; close(): Promise<void> }> {
  const fifo = join(dir, 'pipe.csv');
  execFileSync('mkfifo', [fifo]);
  const socket = join(dir, 'sock.csv');
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  const zero = join(dir, 'zero.csv');
  await symlink('/dev/zero', zero);
  const dangling = join(dir, 'dangling.csv');
  await symlink(join(dir, 'nowhere'), dangling);
  const directory = join(dir, 'dir.csv');
  await mkdir(directory);
  return { fifo, socket, zero, dangling, directory, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
