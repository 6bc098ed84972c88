/** A cluster on one machine for the queue tests and bench: warckit-worker processes and a warckit-convert --queue producer. */
import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../../bin');

export interface WorkerProcess {
  pid: number;
  child: ChildProcess;
  /** Everything it printed so far. */
  log(): string;
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Start `warckit-worker --queue url …args`, resolved once it takes jobs. */
export async function startWorkerProcess(url: string, args: readonly string[] = []): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [`${BIN}/warckit-worker.js`, '--queue', url, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout!.on('data', (c: Buffer) => (text += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (text += c.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  await new Promise<void>((ready, fail) => {
    const check = (): void => {
      if (/taking jobs|"taking jobs/.test(text)) ready();
    };
    child.stdout!.on('data', check);
    child.stderr!.on('data', check);
    void exited.then((code) => fail(new Error(`warckit-worker exited (${code}) before taking jobs:\n${text}`)));
  });
  return {
    pid: child.pid!,
    child,
    log: () => text,
    exited,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

export interface ProducerRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Start `warckit-convert …args`; `output()` is its stdout and stderr so far. */
export function startProducer(args: readonly string[]): { output(): string; done: Promise<ProducerRun>; stop(): void; signal(name: NodeJS.Signals): void } {
  const child = spawn(process.execPath, [`${BIN}/warckit-convert.js`, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const done = new Promise<ProducerRun>((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
  // At once: a test that failed must not leave it waiting on the queue.
  const stop = (): void => void (child.exitCode === null && child.signalCode === null && child.kill('SIGKILL'));
  const signal = (name: NodeJS.Signals): void => void (child.exitCode === null && child.signalCode === null && child.kill(name));
  return { output: () => stdout + stderr, done, stop, signal };
}

/** Run `warckit-convert …args` to its end. */
export async function runProducer(args: readonly string[]): Promise<ProducerRun> {
  return startProducer(args).done;
}

/** Wait until `check()` holds, polling; false after `ms`. */
export async function until(check: () => boolean | Promise<boolean>, ms = 20_000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
}

/** `--json` lines of one event kind. */
export function jsonEvents(stdout: string, event: string): Array<Record<string, unknown>> {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((e) => e.event === event);
}
