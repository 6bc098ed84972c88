/**
 * Outputs that a failed or interrupted run leaves as they were. A new file is written under a
 * hidden temporary name and moved into place only once complete. Appending writes in place
 * after recording the original length (see `append-marker.ts`), and truncates back on failure.
 * Either way the output is locked for the whole run (see `file-lock.ts`).
 */
import { randomBytes } from 'node:crypto';
import { constants, rmSync } from 'node:fs';
import { access, type FileHandle, link, lstat, open, readlink, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { removeAppendMarker, repairInterruptedAppend, rollbackAppend, rollbackAppendSync, writeAppendMarker } from './append-marker.js';
import { acquireLock, type FileLock, type LockOptions, OutputLockedError, OutputLockError } from './file-lock.js';
import { removeDeadPartials, removedPartialsNotice } from './dead-partials.js';
import { partialPrefix } from './beside-names.js';
import { fileKind } from './regular-file.js';
import { makeDirectory } from './make-dir.js';
import { describeWriteError } from './write-errors.js';

/** How an output that exists is treated: refused (`create`), replaced (`overwrite`), or added to (`append`). */
export type WriteMode = 'create' | 'overwrite' | 'append';

/** The output exists and neither append nor overwrite was asked for. */
export class OutputExistsError extends Error {
  override name = 'OutputExistsError';
  constructor(readonly path: string, hint: string) {
    super(`${path} already exists: ${hint}`);
  }
}

/** The output cannot be created, written or finished where asked. */
export class OutputError extends Error {
  override name = 'OutputError';
}

export function tempPathFor(finalPath: string): string {
  return join(dirname(finalPath), `${partialPrefix(basename(finalPath))}${process.pid}-${randomBytes(4).toString('hex')}`);
}

/**
 * Why a file cannot be created in `dir`. ENOENT can hide the real reason (a read-only file
 * system refuses a missing directory that way, and so does /proc): ask the nearest existing
 * ancestor whether it can be written.
 */
export async function describeCreateError(error: unknown, dir: string): Promise<string> {
  const code = (error as NodeJS.ErrnoException).code;
  // EEXIST: mkdir -p met a file where a directory of the path should be.
  if (code !== 'ENOENT' && code !== 'EACCES' && code !== 'EPERM' && code !== 'EEXIST') return describeWriteError(error);
  let existing = resolve(dir);
  for (;;) {
    try {
      if (!(await stat(existing)).isDirectory()) return 'a parent is not a directory';
      break;
    } catch {
      if (dirname(existing) === existing) return describeWriteError(error);
      existing = dirname(existing);
    }
  }
  try {
    await access(existing, constants.W_OK);
  } catch (denied) {
    return describeWriteError(denied);
  }
  if (code !== 'ENOENT') return describeWriteError(error);
  return existing === resolve(dir) ? 'the file system does not allow creating files here' : 'no such directory';
}

export interface AtomicFile {
  readonly path: string;
  /** The file being written: the temporary file, or `path` itself when appending. */
  readonly tempPath: string;
  readonly handle: FileHandle;
  readonly mode: WriteMode;
  /** Size of the existing file when appending (where the new bytes go), else 0. */
  readonly startOffset: number;
  /** Flush, close, move into place (or drop the append marker) and unlock. */
  commit(): Promise<void>;
  /** Close, delete the temporary file or truncate back, and unlock; the output is as it was. */
  abort(): Promise<void>;
  /** The same, synchronously, for a signal handler about to exit. */
  abortSync(): void;
}

const live = new Set<AtomicFile>();

/** Outputs still open, so a signal handler can put them back before exiting. */
export function openAtomicFiles(): ReadonlySet<AtomicFile> {
  return live;
}

export interface OpenAtomicOptions {
  /** What to tell the user when the file exists in `create` mode. */
  existsHint?: string;
  /** fsync before the rename (or before the append is declared done), so the file survives a power cut too. */
  durable?: boolean;
  /** Recorded in the lock file, so a second run's message can show it. */
  command?: string;
  /** Appending: check the end of the existing file before anything is added; throw to refuse. */
  checkAppendTarget?: (handle: FileHandle, size: number) => Promise<void>;
  /** Told when a stale lock is taken over or an interrupted append is repaired. */
  onNotice?: (message: string) => void;
}

/**
 * Whether the output exists, checked before anything is written to it: only a regular file is
 * written to or replaced. A link, a directory, a device, a FIFO or a socket is refused: moving a
 * finished file into place would replace it (`-o /dev/null` run as root replaced the machine's
 * /dev/null with a regular file, and `-o /dev/stdout` the link). `onlyKind`: only what is at
 * the name is judged; a problem looking (a parent that is a file) is left for the write to
 * report in its own words (for outputs checked at the start of a run and written at its end).
 */
export async function checkOutputTarget(finalPath: string, onlyKind = false): Promise<boolean> {
  let info;
  try {
    info = await lstat(finalPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || onlyKind) return false;
    throw new OutputError(`${finalPath}: ${describeWriteError(error)}`);
  }
  if (info.isSymbolicLink()) {
    const target = await readlink(finalPath).catch(() => '?');
    throw new OutputError(`${finalPath} is a symbolic link (to ${target}): refusing to write through it; give the real path instead`);
  }
  if (info.isDirectory()) throw new OutputError(`${finalPath}: is a directory`);
  if (!info.isFile()) throw new OutputError(`${finalPath} is a ${fileKind(info)}, not a regular file: refusing to replace it`);
  return true;
}

/**
 * Take the lock on an output for the run ({@link acquireLock}); a lock file that cannot be
 * created (a full disk, no such directory) is an {@link OutputError} naming the output.
 */
export async function lockOutputFile(finalPath: string, options: LockOptions = {}): Promise<FileLock> {
  try {
    return await acquireLock(finalPath, options);
  } catch (error) {
    if (error instanceof OutputLockedError || error instanceof OutputLockError) throw error;
    throw new OutputError(`cannot write ${finalPath}: ${await describeCreateError(error, dirname(finalPath))} (directory ${dirname(finalPath)})`, { cause: error });
  }
}

async function lockOutput(finalPath: string, options: OpenAtomicOptions): Promise<FileLock> {
  const lock = await lockOutputFile(finalPath, options.command !== undefined ? { command: options.command } : {});
  if (lock.tookOver) {
    const t = lock.tookOver;
    options.onNotice?.(`${finalPath}: took over the lock left by pid ${t.pid} (since ${t.since}), which is no longer running`);
  }
  return lock;
}

/**
 * Open `finalPath` for writing in `mode`, locked for the run.
 * @example
 * const out = await openAtomic('site.warc.gz', 'append', { checkAppendTarget: (fh, size) => checkWarcTail(fh, size) });
 */
export async function openAtomic(finalPath: string, mode: WriteMode, options: OpenAtomicOptions = {}): Promise<AtomicFile> {
  await checkOutputTarget(finalPath);
  const lock = await lockOutput(finalPath, options);
  try {
    const removed = await removeDeadPartials(finalPath);
    if (removed.paths.length) options.onNotice?.(removedPartialsNotice(finalPath, removed));
    const repair = await repairInterruptedAppend(finalPath);
    if (repair) {
      options.onNotice?.(
        `${finalPath}: repaired an append interrupted at ${repair.marker.since} (pid ${repair.marker.pid}): removed the ${repair.removed} bytes it had added; the file is back to its ${repair.marker.length} bytes`,
      );
    }
    const exists = await checkOutputTarget(finalPath);
    if (exists && mode === 'create') throw new OutputExistsError(finalPath, options.existsHint ?? 'refusing to overwrite it');
    const file = exists && mode === 'append' ? await openForAppend(finalPath, lock, options) : await openTemp(finalPath, mode, lock, options);
    live.add(file);
    return file;
  } catch (error) {
    await lock.release();
    throw error;
  }
}

/**
 * Create mode: never over a file another program made meanwhile (link fails if it exists).
 * File systems without hard links (FAT, exFAT, some network mounts) get a check and a rename.
 */
async function moveNoClobber(tempPath: string, finalPath: string): Promise<void> {
  try {
    await link(tempPath, finalPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw error;
    const appeared = await lstat(finalPath).then(
      () => true,
      () => false,
    );
    if (appeared) throw Object.assign(new Error('exists'), { code: 'EEXIST' });
    await rename(tempPath, finalPath);
    return;
  }
  await unlink(tempPath);
}

async function openTemp(finalPath: string, mode: WriteMode, lock: FileLock, options: OpenAtomicOptions): Promise<AtomicFile> {
  const tempPath = tempPathFor(finalPath);
  let handle: FileHandle;
  try {
    handle = await open(tempPath, 'wx');
  } catch (error) {
    throw new OutputError(`cannot write ${finalPath}: ${await describeCreateError(error, dirname(finalPath))} (directory ${dirname(finalPath)})`);
  }
  let closed = false;
  const file: AtomicFile = {
    path: finalPath,
    tempPath,
    handle,
    mode,
    startOffset: 0,
    async commit() {
      if (closed) return;
      closed = true;
      try {
        if (options.durable) await handle.sync();
        await handle.close();
        if (mode === 'overwrite') await rename(tempPath, finalPath);
        else await moveNoClobber(tempPath, finalPath);
      } catch (error) {
        await rm(tempPath, { force: true });
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new OutputExistsError(finalPath, options.existsHint ?? 'refusing to overwrite it');
        throw new OutputError(`cannot finish ${finalPath}: ${describeWriteError(error)}`);
      } finally {
        live.delete(file);
        await lock.release();
      }
    },
    async abort() {
      if (closed) return;
      closed = true;
      await handle.close().catch(() => undefined);
      await rm(tempPath, { force: true });
      live.delete(file);
      await lock.release();
    },
    // Also while an abort is under way: it may not finish before the process exits.
    abortSync() {
      if (!live.has(file)) return;
      closed = true;
      live.delete(file);
      rmSync(tempPath, { force: true });
      lock.releaseSync();
    },
  };
  return file;
}

async function openForAppend(finalPath: string, lock: FileLock, options: OpenAtomicOptions): Promise<AtomicFile> {
  let handle: FileHandle;
  try {
    handle = await open(finalPath, 'r+');
  } catch (error) {
    throw new OutputError(`cannot append to ${finalPath}: ${describeWriteError(error)}`);
  }
  let startOffset: number;
  try {
    startOffset = (await handle.stat()).size;
    await options.checkAppendTarget?.(handle, startOffset);
    await writeAppendMarker(finalPath, handle, startOffset).catch(async (error: unknown) => {
      throw new OutputError(`cannot append to ${finalPath}: cannot write its marker ${finalPath}.appending: ${await describeCreateError(error, dirname(finalPath))}`);
    });
  } catch (error) {
    await handle.close();
    throw error;
  }
  let closed = false;
  const file: AtomicFile = {
    path: finalPath,
    tempPath: finalPath,
    handle,
    mode: 'append',
    startOffset,
    async commit() {
      if (closed) return;
      closed = true;
      try {
        if (options.durable) await handle.sync();
        await handle.close();
        await removeAppendMarker(finalPath, options.durable);
      } catch (error) {
        throw new OutputError(`cannot finish appending to ${finalPath}: ${describeWriteError(error)}`);
      } finally {
        live.delete(file);
        await lock.release();
      }
    },
    async abort() {
      if (closed) return;
      closed = true;
      try {
        await rollbackAppend(finalPath, handle, startOffset);
      } finally {
        await handle.close().catch(() => undefined);
        live.delete(file);
        await lock.release();
      }
    },
    // Also while an abort is under way: it may not finish before the process exits.
    abortSync() {
      if (!live.has(file)) return;
      closed = true;
      live.delete(file);
      rollbackAppendSync(finalPath, handle.fd, startOffset);
      lock.releaseSync();
    },
  };
  return file;
}

/** Write a small text file atomically (results YAML, logs), creating its directory. */
export async function writeFileAtomic(finalPath: string, data: string | Buffer): Promise<void> {
  await checkOutputTarget(finalPath, true);
  const tempPath = tempPathFor(finalPath);
  try {
    await makeDirectory(dirname(finalPath));
    await writeFile(tempPath, data, { flag: 'wx' });
    await rename(tempPath, finalPath);
  } catch (error) {
    await rm(tempPath, { force: true }).catch(() => undefined);
    throw new OutputError(`cannot write ${finalPath}: ${await describeCreateError(error, dirname(finalPath))}`);
  }
}
