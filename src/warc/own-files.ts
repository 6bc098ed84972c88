/**
 * The files a run keeps beside its WARC (the WARC itself, its temporary file, lock and append
 * marker) are never inputs of that run: `warckit . -o` must not archive the previous WARC, or
 * the one being written, into the new one.
 */
import { realpath } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';

/** Whether a file name is the WARC named `warcName` or one of the files kept beside it while it is written. */
export function isOwnFileName(name: string, warcName: string): boolean {
  return name === warcName || name.startsWith(`.${warcName}.partial-`) || name.startsWith(`${warcName}.lock`) || name.startsWith(`${warcName}.appending`);
}

/** Split entries into those to archive and the output's own files (compared by real directory and name). */
export async function withoutOwnFiles<T extends { filePath?: string }>(entries: readonly T[], warcPath: string): Promise<{ kept: T[]; excluded: T[] }> {
  const warcName = basename(warcPath);
  const real = async (dir: string): Promise<string> => realpath(dir).catch(() => resolve(dir));
  const warcDir = await real(dirname(resolve(warcPath)));
  const kept: T[] = [];
  const excluded: T[] = [];
  for (const entry of entries) {
    const own = entry.filePath !== undefined && isOwnFileName(basename(entry.filePath), warcName) && (await real(dirname(resolve(entry.filePath)))) === warcDir;
    (own ? excluded : kept).push(entry);
  }
  return { kept, excluded };
}

/** A check, entry by entry, that an entry is one of the output's own files (see {@link withoutOwnFiles}). */
export function ownFileCheck(warcPath: string): (entry: { filePath?: string }) => Promise<boolean> {
  const warcName = basename(warcPath);
  const real = async (dir: string): Promise<string> => realpath(dir).catch(() => resolve(dir));
  let warcDir: Promise<string> | undefined;
  return async (entry) => {
    if (entry.filePath === undefined || !isOwnFileName(basename(entry.filePath), warcName)) return false;
    warcDir ??= real(dirname(resolve(warcPath)));
    return (await real(dirname(resolve(entry.filePath)))) === (await warcDir);
  };
}
