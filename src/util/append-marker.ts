/**
 * Appending in place with a way back: before the first byte is appended, `<path>.appending`
 * records the file's length (written to a temporary name, flushed, then renamed, so it is
 * either absent or complete). A run that ends normally removes it; a run that failed or was
 * stopped truncates the file back first. A marker found at the start of a run means a run was
 * killed mid-append: the file is truncated back to the recorded length.
 */
import { ftruncateSync, statSync, truncateSync, unlinkSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { type FileHandle, open, readFile, rename, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { markerName } from './beside-names.js';

export interface AppendMarker {
  /** Length of the file before the append began. */
  length: number;
  /** The file's inode and the sha256 of its last 64 KiB before the append: a repair only cuts the same file. */
  ino: number;
  tail: string;
  pid: number;
  host: string;
  since: string;
}

/** The marker cannot be read or does not fit the file: repairing by hand is needed. */
export class AppendMarkerError extends Error {
  override name = 'AppendMarkerError';
}

export function markerPathFor(path: string): string {
  return join(dirname(path), markerName(basename(path)));
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch {
    // some file systems cannot flush a directory; the rename is still atomic
  } finally {
    await handle.close();
  }
}

const TAIL = 64 * 1024;

/** sha256 of the `TAIL` bytes before `length`. */
async function tailDigest(handle: FileHandle, length: number): Promise<string> {
  const start = Math.max(0, length - TAIL);
  const buffer = Buffer.alloc(length - start);
  const { bytesRead } = await handle.read(buffer, 0, buffer.length, start);
  return createHash('sha256').update(buffer.subarray(0, bytesRead)).digest('hex');
}

/** Record `length` as the way back for the file `path` (open as `handle`), durably, before anything is appended. */
export async function writeAppendMarker(path: string, handle: FileHandle, length: number): Promise<void> {
  const marker = markerPathFor(path);
  const temp = `${marker}.${process.pid}`;
  const record: AppendMarker = { length, ino: (await handle.stat()).ino, tail: await tailDigest(handle, length), pid: process.pid, host: hostname(), since: new Date().toISOString() };
  const out = await open(temp, 'w');
  try {
    await out.writeFile(`${JSON.stringify(record)}\n`);
    await out.sync();
  } finally {
    await out.close();
  }
  await rename(temp, marker);
  await syncDir(dirname(marker));
}

export async function removeAppendMarker(path: string, durable = false): Promise<void> {
  await unlink(markerPathFor(path)).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
  if (durable) await syncDir(dirname(path));
}

/** What a repair did, for the run to report. */
export interface AppendRepair {
  marker: AppendMarker;
  /** Bytes of the interrupted append that were removed. */
  removed: number;
}

/**
 * If a marker is left for `path` (a run killed while appending), truncate the file back to the
 * recorded length and remove the marker. Call only while holding the file's lock.
 */
export async function repairInterruptedAppend(path: string): Promise<AppendRepair | undefined> {
  const markerPath = markerPathFor(path);
  let text: string;
  try {
    text = await readFile(markerPath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new AppendMarkerError(`${markerPath}: cannot read the marker of an interrupted append (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  let marker: AppendMarker;
  try {
    marker = JSON.parse(text) as AppendMarker;
    if (!Number.isSafeInteger(marker.length) || marker.length < 0) throw new Error('no length');
  } catch {
    throw new AppendMarkerError(`${markerPath}: not a valid append marker; ${path} may end with part of an interrupted append: check it, then delete the marker`);
  }
  let handle: FileHandle;
  try {
    handle = await open(path, 'r+');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    await removeAppendMarker(path);
    return { marker, removed: 0 };
  }
  try {
    const info = await handle.stat();
    const changed = (why: string): AppendMarkerError =>
      new AppendMarkerError(`${markerPath}: an append to ${path} was interrupted at ${marker.since}, but ${why}; check the file, then delete the marker`);
    if (info.size < marker.length) throw changed(`the file is now ${info.size} bytes, shorter than the ${marker.length} it had then`);
    if (marker.ino !== undefined && info.ino !== marker.ino) throw changed('it has been replaced by another file since');
    if (marker.tail !== undefined && (await tailDigest(handle, marker.length)) !== marker.tail) throw changed('its content before the append point has changed since');
    if (info.size > marker.length) await handle.truncate(marker.length);
    await handle.sync();
    await removeAppendMarker(path, true);
    return { marker, removed: info.size - marker.length };
  } finally {
    await handle.close();
  }
}

/** Undo an append on an open file: truncate to `length`, then drop the marker. */
export async function rollbackAppend(path: string, handle: FileHandle, length: number): Promise<void> {
  await handle.truncate(length);
  await handle.sync().catch(() => undefined);
  await removeAppendMarker(path, true);
}

/** The same, synchronously, for a signal handler; keeps the marker if the file did not come back to `length`. */
export function rollbackAppendSync(path: string, fd: number, length: number): void {
  try {
    if (fd >= 0) ftruncateSync(fd, length);
    else truncateSync(path, length);
    if (statSync(path).size !== length) return;
    unlinkSync(markerPathFor(path));
  } catch {
    // the marker stays: the next run repairs the file
  }
}
