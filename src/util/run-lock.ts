/**
 * One run at a time on a file that two runs could write at once (the conversion results file):
 * `<file>.lock` holds the owner's pid, host, start time and command. It is created with
 * link(2), which fails when the lock exists, so exactly one run wins; a lock left by a run that
 * died (same host, pid gone or reused) is taken over, and the caller is told whose it was.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, unlinkSync } from 'node:fs';
import { link, mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';

/** Who holds a lock. */
export interface LockOwner {
  pid: number;
  host: string;
  /** ISO date the run took the lock. */
  since: string;
  /** The command line, for the message. */
  command?: string;
  /** Start time of the process (Linux /proc, clock ticks since boot): tells a reused pid apart. */
  start?: number;
}

/** Another run holds the lock: `owner` says which. */
export class RunLockedError extends Error {
  override name = 'RunLockedError';
  constructor(readonly target: string, readonly lockPath: string, readonly owner: LockOwner | undefined, hint: string) {
    super(
      owner
        ? `${target} is in use by another run (pid ${owner.pid} on ${owner.host}, since ${owner.since}${owner.command ? `: ${owner.command}` : ''}): ${hint}`
        : `${target} is locked by ${lockPath}, which cannot be read: ${hint}`,
    );
  }
}

export interface RunLock {
  readonly path: string;
  /** The dead run whose lock was taken over, if any. */
  readonly tookOverFrom?: LockOwner;
  release(): Promise<void>;
}

/** Field 22 of /proc/<pid>/stat; undefined where there is no /proc. */
export function processStartTime(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const start = Number(fields[19]);
    return Number.isFinite(start) ? start : undefined;
  } catch {
    return undefined;
  }
}

/** Is this pid a live process on this host (and, when known, the same process that started then)? */
export function isProcessAlive(pid: number, start?: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (start === undefined) return true;
  const now = processStartTime(pid);
  return now === undefined || now === start;
}

function parseOwner(text: string): LockOwner | undefined {
  try {
    const o = JSON.parse(text) as Partial<LockOwner>;
    return typeof o.pid === 'number' && typeof o.host === 'string' && typeof o.since === 'string' ? (o as LockOwner) : undefined;
  } catch {
    return undefined;
  }
}

async function readOwner(path: string): Promise<{ text: string; owner?: LockOwner } | undefined> {
  try {
    const text = await readFile(path, 'utf8');
    return { text, owner: parseOwner(text) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** link(2) the complete lock into place; where hard links are not supported, create it with O_EXCL. */
async function createExclusive(temp: string, path: string, content: string): Promise<void> {
  try {
    await link(temp, path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw error;
    await writeFile(path, content, { flag: 'wx' });
  }
}

const held = new Set<string>();
process.once('exit', () => {
  for (const path of held) {
    try {
      unlinkSync(path);
    } catch {
      // already gone
    }
  }
});

/**
 * Take the lock on `target` for this process.
 * @param hint what the user can do when it is held (e.g. "wait for it, or use another --output-dir").
 */
export async function acquireRunLock(target: string, options: { command?: string; hint: string }): Promise<RunLock> {
  const path = `${target}.lock`;
  const me: LockOwner = { pid: process.pid, host: hostname(), since: new Date().toISOString(), ...(options.command ? { command: options.command } : {}) };
  const start = processStartTime(process.pid);
  if (start !== undefined) me.start = start;
  const mine = `${JSON.stringify(me)}\n`;
  const temp = `${path}.${process.pid}-${randomBytes(4).toString('hex')}`;
  await mkdir(dirname(path), { recursive: true });
  await writeFile(temp, mine, { flag: 'wx' });
  let tookOverFrom: LockOwner | undefined;
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await createExclusive(temp, path, mine);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const current = await readOwner(path);
      if (!current) continue; // released meanwhile
      const owner = current.owner;
      const stale = owner && owner.host === me.host && owner.pid !== process.pid && !isProcessAlive(owner.pid, owner.start);
      if (!stale || attempt > 5) throw new RunLockedError(target, path, owner, options.hint);
      // Move the dead run's lock aside; if someone replaced it meanwhile, put theirs back.
      const aside = `${path}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
      try {
        await rename(path, aside);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw error;
      }
      const moved = await readOwner(aside);
      if (moved?.text !== current.text) {
        await link(aside, path).catch(() => undefined);
        await unlink(aside).catch(() => undefined);
        continue;
      }
      await unlink(aside);
      tookOverFrom = owner;
    }
  } finally {
    await unlink(temp).catch(() => undefined);
  }
  held.add(path);
  return {
    path,
    ...(tookOverFrom ? { tookOverFrom } : {}),
    async release() {
      if (!held.delete(path)) return;
      const current = await readOwner(path).catch(() => undefined);
      if (current?.text === mine) await unlink(path).catch(() => undefined);
    },
  };
}
