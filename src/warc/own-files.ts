/**
 * The files a run keeps beside its WARC (the WARC itself, its temporary file, lock and append
 * marker) are never inputs of that run: `warckit . -o` must not archive the previous WARC, or
 * the one being written, into the new one.
 */
import { realpath } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { partNameWithin } from './part-names.js';
import { lockName, markerName, partialPrefix } from '../util/beside-names.js';

/** Whether a file name is the WARC named `warcName` or one of the files kept beside it while it is written (its CDXJ index too). */
function isOwnFileOf(name: string, warcName: string): boolean {
  return ownNames(warcName)(name);
}

/** {@link isOwnFileOf} for one WARC name, its names made once (the walk asks for every file). */
function ownNames(warcName: string): (name: string) => boolean {
  const names = [warcName, `${warcName}.cdxj`];
  const prefixes = [partialPrefix(warcName), lockName(warcName), markerName(warcName), partialPrefix(`${warcName}.cdxj`)];
  return (name) => {
    if (names.includes(name)) return true;
    for (const prefix of prefixes) if (name.startsWith(prefix)) return true;
    return false;
  };
}

/** The same for a run rolling over to parts (`rollover`): any part of `warcName` (site-00003.warc.gz) and its files. */
export function isOwnFileName(name: string, warcName: string, rollover = false): boolean {
  if (!rollover) return isOwnFileOf(name, warcName);
  const part = partNameWithin(name, warcName);
  return part !== undefined && isOwnFileOf(name, part);
}

/** Whether a file name is the WARC itself (or, rolling over, one of its parts), not a file kept beside it. */
export function isOwnWarcName(name: string, warcName: string, rollover = false): boolean {
  return rollover ? partNameWithin(name, warcName) === name : name === warcName;
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

/**
 * A check, entry by entry, that an entry is one of the output's own files (see {@link withoutOwnFiles}).
 * False at once when its name says no (nearly every file): a promise only when its directory must be compared.
 */
export function ownFileCheck(warcPath: string, rollover = false): (entry: { filePath?: string }) => false | Promise<boolean> {
  const warcName = basename(warcPath);
  const own = rollover ? (name: string) => isOwnFileName(name, warcName, true) : ownNames(warcName);
  const real = async (dir: string): Promise<string> => realpath(dir).catch(() => resolve(dir));
  let warcDir: Promise<string> | undefined;
  return (entry) => {
    if (entry.filePath === undefined || !own(basename(entry.filePath))) return false;
    warcDir ??= real(dirname(resolve(warcPath)));
    const dir = real(dirname(resolve(entry.filePath)));
    return Promise.all([dir, warcDir]).then(([a, b]) => a === b);
  };
}
