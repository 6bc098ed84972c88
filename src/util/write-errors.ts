/** Errors met writing files, said in words for the person who ran the command. */
import { NAME_MAX } from './beside-names.js';

/** What an errno means to someone writing a file. */
export function describeWriteError(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  if (e.code === 'EACCES' || e.code === 'EPERM') return 'permission denied';
  if (e.code === 'ENOENT') return 'no such directory';
  if (e.code === 'ENOTDIR') return 'a parent is not a directory';
  if (e.code === 'EROFS') return 'read-only file system';
  if (e.code === 'ENOSPC') return 'no space left on device';
  if (e.code === 'EDQUOT') return 'disk quota exceeded';
  if (e.code === 'EFBIG') return 'file too large for this file system or limit';
  if (e.code === 'EIO') return 'input/output error';
  if (e.code === 'ENAMETOOLONG') return `its name is too long for the file system (at most ${NAME_MAX} bytes a name)`;
  return e.message;
}
