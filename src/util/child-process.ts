/**
 * Running an external program (ffmpeg, ffprobe, a rule's command): argv only, never a shell;
 * stdin closed; output streamed to callbacks; an abort sends SIGTERM, then SIGKILL. Children
 * die with us even when we are killed with SIGKILL: where util-linux's `setpriv` is installed
 * (Debian: always), the command runs as `setpriv --pdeathsig KILL -- <argv>`, so the kernel
 * kills it when our process goes; children still running at a normal exit are killed too.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export interface ChildOptions {
  signal?: AbortSignal;
  /** SIGKILL this long after SIGTERM (abort or timeout). Default 3000 ms. */
  forceKillAfterMs?: number;
  /** SIGTERM after this long. */
  timeoutMs?: number;
  /**
   * SIGTERM once the command shows no sign of life for `ms`: nothing on stdout or stderr, and
   * `file` (when given: its output) not growing, looked at once a second.
   */
  stall?: { ms: number; file?: string };
  onStdout?: (chunk: Buffer) => void;
  onStderr?: (chunk: Buffer) => void;
  /** Environment (default: ours). */
  env?: NodeJS.ProcessEnv;
}

export interface ChildExit {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** The program does not exist (nothing ran). */
  notFound: boolean;
  /** Stopped by the abort signal. */
  canceled: boolean;
  timedOut: boolean;
  /** Stopped for showing no sign of life (`stall`). */
  stalled?: boolean;
  /** Why it could not be started, when it could not. */
  error?: Error;
}

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

const programs = new Map<string, string | null>();

/** A program name as execvp would find it (cached), or undefined. */
export function findProgram(name: string, pathVar = process.env.PATH ?? ''): string | undefined {
  if (name.includes('/')) return isExecutableFile(name) ? name : undefined;
  const key = `${pathVar}\0${name}`;
  let found = programs.get(key);
  if (found === undefined) {
    found = pathVar.split(delimiter).filter(Boolean).map((dir) => join(dir, name)).find(isExecutableFile) ?? null;
    programs.set(key, found);
  }
  return found ?? undefined;
}

let pdeathsigPrefix: readonly string[] | undefined;

/** `setpriv --pdeathsig KILL --` when setpriv is on PATH (util-linux), else nothing. */
export function parentDeathPrefix(): readonly string[] {
  if (pdeathsigPrefix === undefined) {
    const setpriv = process.platform === 'linux' && process.env.WARCKIT_NO_PDEATHSIG === undefined ? findProgram('setpriv', process.env.PATH ?? '/usr/bin:/bin') : undefined;
    pdeathsigPrefix = setpriv ? [setpriv, '--pdeathsig', 'KILL', '--'] : [];
  }
  return pdeathsigPrefix;
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** Run `argv` to the end; never rejects (a failure to start is in `error`). */
export function runChild(argv: readonly string[], options: ChildOptions = {}): Promise<ChildExit> {
  const [program, ...args] = argv;
  const base = { exitCode: null, signal: null, canceled: false, timedOut: false };
  const path = program === undefined ? undefined : findProgram(program, (options.env ?? process.env).PATH);
  if (!path) return Promise.resolve({ ...base, notFound: true });
  if (options.signal?.aborted) return Promise.resolve({ ...base, notFound: false, canceled: true });
  const prefix = parentDeathPrefix();
  const [command, ...rest] = prefix.length ? [...prefix, path, ...args] : [path, ...args];
  return new Promise((done) => {
    let canceled = false;
    let timedOut = false;
    let stalled = false;
    let error: Error | undefined;
    let killer: NodeJS.Timeout | undefined;
    const child = spawn(command!, rest, { stdio: ['ignore', 'pipe', 'pipe'], env: options.env, windowsHide: true });
    live.add(child);
    const stop = (): void => {
      child.kill('SIGTERM');
      killer ??= setTimeout(() => child.kill('SIGKILL'), options.forceKillAfterMs ?? 3000);
      killer.unref();
    };
    const onAbort = (): void => {
      canceled = true;
      stop();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const timer = options.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          stop();
        }, options.timeoutMs)
      : undefined;
    if (options.onStdout) child.stdout.on('data', options.onStdout);
    else child.stdout.resume();
    if (options.onStderr) child.stderr.on('data', options.onStderr);
    else child.stderr.resume();
    let lastOutput = Date.now();
    if (options.stall) {
      const alive = (): void => void (lastOutput = Date.now());
      child.stdout.on('data', alive);
      child.stderr.on('data', alive);
    }
    const watch = options.stall ? stallWatch(options.stall, () => lastOutput, () => {
      stalled = true;
      stop();
    }) : undefined;
    child.on('error', (e) => (error = e));
    child.on('close', (exitCode, signal) => {
      live.delete(child);
      options.signal?.removeEventListener('abort', onAbort);
      if (timer) clearTimeout(timer);
      if (watch) clearInterval(watch);
      if (killer) clearTimeout(killer);
      const notFound = (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
      done({ exitCode, signal, notFound, canceled, timedOut, ...(stalled ? { stalled } : {}), ...(error ? { error } : {}) });
    });
  });
}

/** Looks once a second (or sooner for short limits) whether the command has shown a sign of life within `ms`; calls `stalled` once if not. */
function stallWatch(stall: NonNullable<ChildOptions['stall']>, lastOutput: () => number, stalled: () => void): NodeJS.Timeout {
  const sizeOf = (file: string): number | undefined => statSync(file, { throwIfNoEntry: false })?.size;
  let size = stall.file === undefined ? undefined : sizeOf(stall.file);
  let lastChange = Date.now();
  const timer = setInterval(() => {
    const now = Date.now();
    if (stall.file !== undefined) {
      const current = sizeOf(stall.file);
      if (current !== size) {
        size = current;
        lastChange = now;
      }
    }
    if (now - Math.max(lastOutput(), lastChange) >= stall.ms) {
      clearInterval(timer);
      stalled();
    }
  }, Math.min(1000, Math.max(50, stall.ms / 4)));
  timer.unref();
  return timer;
}
