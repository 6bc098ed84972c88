/**
 * Whether an output would land on one of a command's own inputs (`-o site.warc.gz` for the
 * index of site.warc.gz): by identity (device and inode), so another spelling of the path, or
 * a link, is caught as well.
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';

async function identity(path: string): Promise<string | undefined> {
  const info = await stat(path).catch(() => undefined);
  return info ? `${info.dev}:${info.ino}` : undefined;
}

/** The first of `candidates` that is the file `path` names, if any. */
export async function sameFileAmong(path: string, candidates: readonly string[]): Promise<string | undefined> {
  const target = await identity(path);
  for (const candidate of candidates) {
    if (resolve(candidate) === resolve(path)) return candidate;
    if (target !== undefined && (await identity(candidate)) === target) return candidate;
  }
  return undefined;
}
