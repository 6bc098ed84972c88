/** Time a command run to its end (page cache flushed first), keeping its stderr for the report. */
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export async function timed(command: string, args: string[]): Promise<{ wall_s: number; code: number | null; stderr: string }> {
  await run('sync');
  const started = performance.now();
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const code = await new Promise<number | null>((done) => child.on('exit', done));
  return { wall_s: (performance.now() - started) / 1000, code, stderr };
}

export const round = (x: number, digits = 3): number => Number(x.toFixed(digits));
