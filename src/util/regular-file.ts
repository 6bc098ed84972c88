/**
 * Opening and reading named files only when they are regular files. A FIFO blocks a reader
 * forever, a socket cannot be opened, and a device (or a symlink to `/dev/zero`) never ends:
 * each is refused with the file's name and what it is. Files are opened with O_NONBLOCK and
 * checked with fstat, so a FIFO put in place between a check and the open cannot block either.
 */
import { closeSync, constants, fstatSync, openSync, readlinkSync, readSync, statSync, type Stats } from 'node:fs';
import { type FileHandle, lstat, open, readlink, stat } from 'node:fs/promises';

export type RegularFileProblem = 'missing' | 'not-regular' | 'too-large' | 'unreadable';

/** A named file that cannot be read as a regular file: says which and why. */
export class RegularFileError extends Error {
  override name = 'RegularFileError';
  constructor(
    readonly path: string,
    readonly problem: RegularFileProblem,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface RegularFileOptions {
  /** What the file is for, in messages: `mapfile` gives "m.csv: the mapfile is not a regular file…". */
  what?: string;
  /** How to name the file in messages (default: the path; for a Buffer path, its bytes read as UTF-8). */
  shownAs?: string;
}

export interface ReadRegularFileOptions extends RegularFileOptions {
  /** Refuse files larger than this (they are read whole into memory). */
  maxBytes: number;
}

const OPEN_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK;

/** What kind of file `stats` (or a directory entry) describes, in words. */
export function fileKind(stats: Pick<Stats, 'isFile' | 'isDirectory' | 'isFIFO' | 'isSocket' | 'isCharacterDevice' | 'isBlockDevice' | 'isSymbolicLink'>): string {
  if (stats.isFile()) return 'regular file';
  if (stats.isDirectory()) return 'directory';
  if (stats.isFIFO()) return 'FIFO (named pipe)';
  if (stats.isSocket()) return 'socket';
  if (stats.isCharacterDevice()) return 'character device';
  if (stats.isBlockDevice()) return 'block device';
  if (stats.isSymbolicLink()) return 'symbolic link';
  return 'special file';
}

/** How a path is shown in messages: Buffer paths (names that are not UTF-8) decoded loosely. */
function shown(path: string | Buffer, options: RegularFileOptions): string {
  return options.shownAs ?? (typeof path === 'string' ? path : path.toString('utf8'));
}

function prefix(path: string, options: RegularFileOptions): string {
  return options.what ? `${path}: the ${options.what}` : `${path}:`;
}

/** ` (symbolic link to …)` when there is a target to name. */
export function linkNote(target: string | undefined): string {
  return target === undefined ? '' : ` (symbolic link to ${target})`;
}

function notRegular(path: string, stats: Stats, target: string | undefined, options: RegularFileOptions): RegularFileError {
  return new RegularFileError(path, 'not-regular', `${prefix(path, options)} is not a regular file but a ${fileKind(stats)}${linkNote(target)}`);
}

function tooLarge(path: string, size: number, maxBytes: number, options: RegularFileOptions): RegularFileError {
  return new RegularFileError(path, 'too-large', `${prefix(path, options)} is too large to read: ${size} bytes or more (the limit is ${maxBytes})`);
}

function failed(path: string, error: NodeJS.ErrnoException, brokenLink: string | undefined, options: RegularFileOptions): RegularFileError {
  const p = prefix(path, options);
  if (brokenLink !== undefined) return new RegularFileError(path, 'missing', `${p} is a broken symbolic link (to ${brokenLink})`, { cause: error });
  if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return new RegularFileError(path, 'missing', `${p} does not exist`, { cause: error });
  if (error.code === 'EACCES' || error.code === 'EPERM') return new RegularFileError(path, 'unreadable', `${p} cannot be read (permission denied)`, { cause: error });
  return new RegularFileError(path, 'unreadable', `${p} cannot be read (${error.code ?? error.message})`, { cause: error });
}

/** A buffer with room after `length` bytes (grown up to maxBytes + 1), or undefined past the limit. */
function room(buffer: Buffer, length: number, maxBytes: number): Buffer | undefined {
  if (length < buffer.length) return buffer;
  if (length > maxBytes) return undefined;
  const grown = Buffer.allocUnsafe(Math.min(Math.max(buffer.length * 2, 64 * 1024), maxBytes + 1));
  buffer.copy(grown, 0, 0, length);
  return grown;
}

function tooLargeAt(path: string, length: number, options: ReadRegularFileOptions): never {
  throw tooLarge(path, length, options.maxBytes, options);
}

/** The symlink target when `path` is a symlink, for messages. */
export async function linkTarget(path: string | Buffer): Promise<string | undefined> {
  try {
    return (await lstat(path)).isSymbolicLink() ? await readlink(path, 'utf8') : undefined;
  } catch {
    return undefined;
  }
}

/** {@link linkTarget} on this thread (a walk meets broken links between thousands of stats). */
export function linkTargetSync(path: string | Buffer): string | undefined {
  try {
    return readlinkSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Open a file for reading only if it is a regular file (symlinks followed). The caller
 * closes the handle. Throws {@link RegularFileError} naming the file and what it is.
 */
export async function openRegularFile(path: string | Buffer, options: RegularFileOptions = {}): Promise<{ handle: FileHandle; stats: Stats }> {
  const name = shown(path, options);
  let handle: FileHandle;
  try {
    handle = await open(path, OPEN_FLAGS);
  } catch (error) {
    // A socket cannot be opened (ENXIO): say what it is rather than the errno.
    const info = await stat(path).catch(() => undefined);
    if (info && !info.isFile()) throw notRegular(name, info, await linkTarget(path), options);
    const broken = info === undefined && (error as NodeJS.ErrnoException).code === 'ENOENT' ? await linkTarget(path) : undefined;
    throw failed(name, error as NodeJS.ErrnoException, broken, options);
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw notRegular(name, stats, await linkTarget(path), options);
    return { handle, stats };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** Read a whole regular file of at most `maxBytes` bytes. */
export async function readRegularFile(path: string | Buffer, options: ReadRegularFileOptions): Promise<Buffer> {
  const name = shown(path, options);
  const { handle, stats } = await openRegularFile(path, options);
  try {
    if (stats.size > options.maxBytes) throw tooLarge(name, stats.size, options.maxBytes, options);
    let buffer: Buffer = Buffer.allocUnsafe(stats.size + 1); // one byte more tells a file that grew
    let length = 0;
    for (;;) {
      buffer = room(buffer, length, options.maxBytes) ?? tooLargeAt(name, length, options);
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    return buffer.subarray(0, length);
  } catch (error) {
    if (error instanceof RegularFileError) throw error;
    throw failed(name, error as NodeJS.ErrnoException, undefined, options);
  } finally {
    await handle.close();
  }
}

/** {@link readRegularFile}, synchronously (for small tables read once, such as /etc/mime.types). */
export function readRegularFileSync(path: string | Buffer, options: ReadRegularFileOptions): Buffer {
  const name = shown(path, options);
  let fd: number;
  try {
    fd = openSync(path, OPEN_FLAGS);
  } catch (error) {
    let info: Stats | undefined;
    try {
      info = statSync(path);
    } catch {
      info = undefined;
    }
    if (info && !info.isFile()) throw notRegular(name, info, linkTargetSync(path), options);
    const broken = info === undefined && (error as NodeJS.ErrnoException).code === 'ENOENT' ? linkTargetSync(path) : undefined;
    throw failed(name, error as NodeJS.ErrnoException, broken, options);
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw notRegular(name, stats, linkTargetSync(path), options);
    if (stats.size > options.maxBytes) throw tooLarge(name, stats.size, options.maxBytes, options);
    let buffer: Buffer = Buffer.allocUnsafe(stats.size + 1);
    let length = 0;
    for (;;) {
      buffer = room(buffer, length, options.maxBytes) ?? tooLargeAt(name, length, options);
      const bytesRead = readSync(fd, buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    return buffer.subarray(0, length);
  } catch (error) {
    if (error instanceof RegularFileError) throw error;
    throw failed(name, error as NodeJS.ErrnoException, undefined, options);
  } finally {
    closeSync(fd);
  }
}
