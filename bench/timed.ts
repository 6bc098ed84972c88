/** Time a command run to its end (page cache flushed first), keeping its stderr for the report. */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

/** GNU time, when installed: CPU time and peak RSS of any command (Python, pigz, Node alike). */
const GNU_TIME = '/usr/bin/time';

/** A whole process, start-up included, as the user runs it. */
export interface ProcessRun {
  wall_s: number;
  /** User + system CPU time of the process and its threads. */
  cpu_s?: number;
  /** Peak resident set (VmHWM) of the process, when GNU time is installed. */
  peak_rss_mb?: number;
}

/**
 * Run `command` as a whole process (the page cache flushed first, `before` run before that),
 * stdout to `stdoutFile` or nowhere; fails with its stderr if it exits non-zero.
 */
export async function timeProcess(command: string, args: string[], options: { stdoutFile?: string; cwd?: string; before?: () => Promise<unknown> } = {}): Promise<ProcessRun> {
  await options.before?.();
  await run('sync');
  const gnu = existsSync(GNU_TIME);
  const report = join(tmpdir(), `warckit-bench-time-${process.pid}.txt`);
  const out = options.stdoutFile ? await open(options.stdoutFile, 'w') : undefined;
  const [cmd, argv] = gnu ? [GNU_TIME, ['-f', '%U %S %M', '-o', report, command, ...args]] : [command, args];
  const started = performance.now();
  const child = spawn(cmd, argv, { stdio: ['ignore', out ? out.fd : 'ignore', 'pipe'], ...(options.cwd ? { cwd: options.cwd } : {}) });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
  const code = await new Promise<number | null>((done, fail) => {
    child.on('error', fail);
    child.on('exit', done);
  });
  const wall = (performance.now() - started) / 1000;
  await out?.close();
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${String(code)}: ${stderr}`);
  if (!gnu) return { wall_s: wall };
  const [user, system, rssKb] = (await readFile(report, 'utf8')).trim().split('\n').pop()!.split(' ').map(Number);
  await rm(report, { force: true });
  return { wall_s: wall, cpu_s: user! + system!, peak_rss_mb: rssKb! / 1024 };
}

/**
 * Best of `repeat` runs of each case, the cases interleaved (run 1 of each, then run 2...) so a
 * change in the machine's load falls on all of them; peak RSS and CPU are the worst and best seen.
 */
export async function bestOf<K extends string>(repeat: number, cases: Record<K, () => Promise<ProcessRun>>): Promise<Record<K, ProcessRun>> {
  const best = {} as Record<K, ProcessRun>;
  for (let i = 0; i < repeat; i++) {
    for (const key of Object.keys(cases) as K[]) {
      const m = await cases[key]();
      const prev = best[key];
      best[key] = {
        wall_s: Math.min(m.wall_s, prev?.wall_s ?? Infinity),
        ...(m.cpu_s !== undefined ? { cpu_s: Math.min(m.cpu_s, prev?.cpu_s ?? Infinity) } : {}),
        ...(m.peak_rss_mb !== undefined ? { peak_rss_mb: Math.max(m.peak_rss_mb, prev?.peak_rss_mb ?? 0) } : {}),
      };
    }
  }
  return best;
}
