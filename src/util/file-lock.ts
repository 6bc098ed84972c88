/**
 * An exclusive lock on an output for a whole run (a WARC, a conversion results file): `<path>.lock`, created with O_EXCL and
 * holding who owns it (pid, host, process start, since when, command line). A lock left by a
 * process that is gone (same host, same boot) is taken over; a live one, or one from another
 * host, is reported with its owner and how to clear it.
 *
 * Why not proper-lockfile: it judges a lock stale by its age (an mtime refreshed on a timer),
 * so it cannot say who holds a lock, and a run that is merely slow or suspended for longer than
 * the stale period loses its lock to a second run, which is the data loss this prevents.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, unlinkSync } from 'node:fs';
import { open, readFile, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { lockName } from './beside-names.js';

/** Who holds a lock, as written in the lock file. */
export interface LockOwner {
  pid: number;
  host: string;
  /** ISO date the lock was taken. */
  since: string;
  /** Linux: the process's start time (clock ticks since boot) and the boot id, so a reused pid is not taken for the owner. */
  started?: string;
  boot?: string;
  command?: string;
  /** Unique per lock, so only one run can break a given stale lock. */
  token: string;
}

/** The output is locked by another run: names it and says what to do. */
export class OutputLockedError extends Error {
  override name = 'OutputLockedError';
  constructor(
    readonly path: string,
    readonly lockPath: string,
    readonly owner: LockOwner,
    hint = 'wait for it to finish (or stop it)',
  ) {
    const who = `pid ${owner.pid} on host ${owner.host} since ${owner.since}${owner.command ? ` (${owner.command})` : ''}`;
    const local = owner.host === hostname();
    super(
      local
        ? `${path} is in use by another warckit run: ${who}; ${hint}`
        : `${path} is in use by a warckit run on another host: ${who}; if no such run is active on ${owner.host}, delete ${lockPath}`,
    );
  }
}

/** The lock file cannot be taken (it stays incomplete, or cannot be created). */
export class OutputLockError extends Error {
  override name = 'OutputLockError';
}

export interface FileLock {
  readonly path: string;
  readonly lockPath: string;
  /** The owner of a stale lock this run took over (its process was gone). */
  readonly tookOver?: LockOwner;
  release(): Promise<void>;
  /** For signal handlers that must finish synchronously. */
  releaseSync(): void;
}

export function lockPathFor(path: string): string {
  return join(dirname(path), lockName(basename(path)));
}

/** A process's fields after its command name (which may hold spaces and parentheses): state first (field 3). */
function procFields(pid: number | 'self'): string[] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** A process's start time (field 22), which tells a reused pid from the owner. */
function procStat(pid: number | 'self'): string | undefined {
  return procFields(pid)?.[19];
}

/** Dead but not reaped yet (Z: its parent killed too, PID 1 slow to reap): it holds nothing. */
function zombie(pid: number): boolean {
  const state = procFields(pid)?.[0];
  return state === 'Z' || state === 'X';
}

function bootId(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'latin1').trim();
  } catch {
    return undefined;
  }
}

function ownerRecord(command: string | undefined): LockOwner {
  const owner: LockOwner = { pid: process.pid, host: hostname(), since: new Date().toISOString(), token: randomBytes(8).toString('hex') };
  const started = procStat('self');
  const boot = bootId();
  if (started) owner.started = started;
  if (boot) owner.boot = boot;
  if (command) owner.command = command;
  return owner;
}

/** Whether a process of this host with this pid runs (files named after a run's pid: is the run gone?). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !zombie(pid);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** Whether a run that named a file after its pid is gone: no process of this host has that pid (and it is not this run). */
export function runGone(pid: number): boolean {
  return Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid && !pidAlive(pid);
}

/** Whether the owner's process still runs. Only meaningful for owners on this host. */
export function ownerAlive(owner: LockOwner): boolean {
  if (owner.boot && bootId() && owner.boot !== bootId()) return false;
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  if (zombie(owner.pid)) return false;
  const started = owner.started ? procStat(owner.pid) : undefined;
  return !(started && started !== owner.started);
}

function parseOwner(text: string): LockOwner | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockOwner>;
    if (typeof value.pid === 'number' && typeof value.host === 'string' && typeof value.since === 'string' && typeof value.token === 'string') return value as LockOwner;
  } catch {
    // fall through: not (yet) a complete lock
  }
  return undefined;
}

type Read = { owner: LockOwner } | { incomplete: string } | 'gone';

/** The lock's owner; a lock being created is empty for a moment, so that is 'incomplete' with the file's identity. */
async function readOwner(lockPath: string): Promise<Read> {
  try {
    const [text, info] = await Promise.all([readFile(lockPath, 'utf8'), stat(lockPath)]);
    const owner = parseOwner(text);
    if (owner) return { owner };
    return { incomplete: `${info.ino}-${Math.round(info.mtimeMs)}` };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw error;
  }
}

/**
 * Create `path` holding `content`, unless it exists (false). A file that cannot be filled in
 * (a full disk) is removed again: an empty lock left behind would hold up the next run. Errors
 * are the file system's, for the caller to describe with the output they are about.
 */
async function create(path: string, content: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.writeFile(content);
    await handle.close();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await unlink(path).catch(() => undefined);
    throw error;
  }
  return true;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Remove the stale lock instance `token`. Breakers compete for `<lock>.break-<token>` with
 * O_EXCL, so exactly one of them removes that instance, never a newer lock that replaced it.
 * Returns false when another run is doing it.
 */
async function breakStale(lockPath: string, token: string): Promise<boolean> {
  const breaker = `${lockPath}.break-${token.replace(/[^\w-]/g, '')}`;
  if (!(await create(breaker, JSON.stringify(ownerRecord(undefined))))) {
    // A breaker left by a run killed while breaking is removed, so the next attempt can go on.
    const other = parseOwner(await readFile(breaker, 'utf8').catch(() => ''));
    if (other && other.host === hostname() && !ownerAlive(other)) await unlink(breaker).catch(() => undefined);
    return false;
  }
  try {
    const current = await readOwner(lockPath);
    const currentToken = current === 'gone' ? undefined : 'owner' in current ? current.owner.token : current.incomplete;
    if (currentToken === token) await unlink(lockPath).catch(() => undefined);
  } finally {
    await unlink(breaker).catch(() => undefined);
  }
  return true;
}

export interface LockOptions {
  /** Recorded in the lock file so the other run's message can show it. */
  command?: string;
  /** What the other run can do, at the end of its message (default: wait for this one to finish). */
  hint?: string;
  /** How long to wait for a lock being created (empty) to be filled in. Default 2 s. */
  incompleteGraceMs?: number;
}

/** Take the lock on `path` for this process, or throw {@link OutputLockedError} naming its holder. */
export async function acquireLock(path: string, options: LockOptions = {}): Promise<FileLock> {
  const lockPath = lockPathFor(path);
  const me = ownerRecord(options.command);
  const grace = options.incompleteGraceMs ?? 2000;
  let tookOver: LockOwner | undefined;
  let incompleteSince: number | undefined;
  const deadline = Date.now() + 10_000;
  while (!(await create(lockPath, JSON.stringify(me)))) {
    const current = await readOwner(lockPath);
    if (current === 'gone') continue;
    let token: string;
    let waiting = false;
    if ('incomplete' in current) {
      incompleteSince ??= Date.now();
      waiting = Date.now() - incompleteSince < grace;
      token = current.incomplete;
    } else {
      const { owner } = current;
      if (owner.host !== hostname() || ownerAlive(owner) || Date.now() > deadline) throw new OutputLockedError(path, lockPath, owner, options.hint);
      tookOver = owner;
      token = owner.token;
    }
    if (waiting || !(await breakStale(lockPath, token))) {
      if (Date.now() > deadline) throw new OutputLockError(`${path}: cannot take the lock ${lockPath}; if no warckit run is active, delete it`);
      await sleep(20);
    }
  }
  let held = true;
  const ours = (): boolean => {
    try {
      return parseOwner(readFileSync(lockPath, 'utf8'))?.token === me.token;
    } catch {
      return false;
    }
  };
  const lock: FileLock = {
    path,
    lockPath,
    ...(tookOver ? { tookOver } : {}),
    async release() {
      if (!held) return;
      held = false;
      if (ours()) await unlink(lockPath).catch(() => undefined);
    },
    releaseSync() {
      if (!held) return;
      held = false;
      if (ours()) {
        try {
          unlinkSync(lockPath);
        } catch {
          // already gone
        }
      }
    },
  };
  return lock;
}
