/**
 * Atomic outputs: everything is written to a hidden temporary file beside the final one and
 * renamed over it only once complete, so an interrupted or failed run never leaves a file
 * under the final name that a later run would trust.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { copyFile, type FileHandle, mkdir, open, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export type WriteMode = 'create' | 'overwrite' | 'append';

/** The output exists and neither append nor overwrite was asked for. */
export class OutputExistsError extends Error {
  override name = 'OutputExistsError';
  constructor(readonly path: string, hint: string) {
    super(`${path} already exists: ${hint}`);
  }
}

/** The output cannot be created where asked. */
export class OutputError extends Error {
  override name = 'OutputError';
}

export function tempPathFor(finalPath: string): string {
  return join(dirname(finalPath), `.${basename(finalPath)}.partial-${process.pid}-${randomBytes(4).toString('hex')}`);
}

function describe(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  if (e.code === 'EACCES' || e.code === 'EPERM') return 'permission denied';
  if (e.code === 'ENOENT') return 'no such directory';
  if (e.code === 'ENOTDIR') return 'a parent is not a directory';
  if (e.code === 'EROFS') return 'read-only file system';
  if (e.code === 'ENOSPC') return 'no space left on device';
  return e.message;
}

export interface AtomicFile {
  readonly path: string;
  readonly tempPath: string;
  readonly handle: FileHandle;
  /** Size of the existing file carried over when appending, else 0. */
  readonly startOffset: number;
  /** Flush, close and move into place. */
  commit(): Promise<void>;
  /** Close and delete the temporary file; the final path is untouched. */
  abort(): Promise<void>;
}

const live = new Set<AtomicFile>();

/** Temporary files still open, so a signal handler can remove them before exiting. */
export function openAtomicFiles(): ReadonlySet<AtomicFile> {
  return live;
}

/**
 * Open `finalPath` for atomic writing.
 * @param existsHint what to tell the user when the file exists in `create` mode.
 * @param durable fsync before the rename, so the file survives a power cut too (costs a full disk flush).
 */
export async function openAtomic(finalPath: string, mode: WriteMode, existsHint = 'refusing to overwrite it', durable = false): Promise<AtomicFile> {
  let exists = false;
  try {
    const info = await stat(finalPath);
    if (info.isDirectory()) throw new OutputError(`${finalPath}: is a directory`);
    exists = true;
  } catch (error) {
    if (error instanceof OutputError) throw error;
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new OutputError(`${finalPath}: ${describe(error)}`);
  }
  if (exists && mode === 'create') throw new OutputExistsError(finalPath, existsHint);
  const tempPath = tempPathFor(finalPath);
  try {
    if (exists && mode === 'append') await copyFile(finalPath, tempPath, constants.COPYFILE_FICLONE);
  } catch (error) {
    await rm(tempPath, { force: true });
    throw new OutputError(`cannot append to ${finalPath}: ${describe(error)}`);
  }
  let handle: FileHandle;
  try {
    handle = await open(tempPath, exists && mode === 'append' ? 'r+' : 'wx');
  } catch (error) {
    throw new OutputError(`cannot write ${finalPath}: ${describe(error)} (directory ${dirname(finalPath)})`);
  }
  const startOffset = exists && mode === 'append' ? (await handle.stat()).size : 0;
  let closed = false;
  const file: AtomicFile = {
    path: finalPath,
    tempPath,
    handle,
    startOffset,
    async commit() {
      if (closed) return;
      closed = true;
      live.delete(file);
      try {
        if (durable) await handle.sync();
        await handle.close();
        await rename(tempPath, finalPath);
      } catch (error) {
        await rm(tempPath, { force: true });
        throw new OutputError(`cannot finish ${finalPath}: ${describe(error)}`);
      }
    },
    async abort() {
      if (closed) return;
      closed = true;
      live.delete(file);
      await handle.close().catch(() => undefined);
      await rm(tempPath, { force: true });
    },
  };
  live.add(file);
  return file;
}

/** Write a small text file atomically (results YAML, logs), creating its directory. */
export async function writeFileAtomic(finalPath: string, data: string | Buffer): Promise<void> {
  await mkdir(dirname(finalPath), { recursive: true });
  const tempPath = tempPathFor(finalPath);
  try {
    await writeFile(tempPath, data, { flag: 'wx' });
    await rename(tempPath, finalPath);
  } catch (error) {
    await rm(tempPath, { force: true });
    throw new OutputError(`cannot write ${finalPath}: ${describe(error)}`);
  }
}
