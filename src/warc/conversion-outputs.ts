/**
 * Checks on a conversion output before the WARC carries it: it must resolve (links followed)
 * inside the directory the results file speaks for, exist, and still have the size and sha256
 * recorded. A results file naming `/etc/passwd` or `../../etc/shadow` is refused unread.
 */
import { createHash } from 'node:crypto';
import type { Stats } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { sha256File } from '../convert/digest.js';
import type { ConversionResult, ConversionResults } from '../convert/results.js';
import type { FileEntry } from '../inputs/entry.js';
import { pathToUrlPath } from '../inputs/url.js';
import { isInside } from '../util/path-inside.js';
import { openRegularFile } from '../util/regular-file.js';
import { type DigestAlgorithm, formatDigest } from './digest.js';

/** The directory conversion outputs must be in: `dir` if given, else the results file's own directory; links resolved. */
export async function conversionsRoot(resultsFile: string, dir: string | undefined): Promise<string> {
  const chosen = resolve(dir ?? dirname(resolve(resultsFile)));
  try {
    return await realpath(chosen);
  } catch {
    return chosen;
  }
}

export { isInside };

export type OutputCheck = { ok: true; stats: Stats } | { ok: false; refused: boolean; reason: string };

/**
 * Check one output (relative paths are taken from the working directory, as warcit reads them).
 * `refused`: outside `root`, never read; otherwise missing or changed since conversion. Without
 * a root (results given as objects by the caller) any place is accepted.
 */
export async function checkConversionOutput(conversion: ConversionResult, root: string | undefined): Promise<OutputCheck> {
  let real: string;
  try {
    real = await realpath(resolve(conversion.output));
  } catch {
    return { ok: false, refused: false, reason: 'file missing' };
  }
  if (root !== undefined && !isInside(root, real)) {
    const via = real === resolve(conversion.output) ? '' : ` (through a link: ${real})`;
    return { ok: false, refused: true, reason: `outside ${root}, the directory the results file speaks for${via}; pass --conversions-dir to allow another directory` };
  }
  let info: Stats;
  try {
    info = await stat(real);
  } catch {
    return { ok: false, refused: false, reason: 'file missing' };
  }
  if (!info.isFile()) return { ok: false, refused: false, reason: 'not a file' };
  if (typeof conversion.output_size === 'number' && conversion.output_size !== info.size) {
    return { ok: false, refused: false, reason: `size is ${info.size} bytes, results file says ${conversion.output_size}` };
  }
  if (conversion.output_sha256 !== undefined) {
    const recorded = String(conversion.output_sha256).toLowerCase();
    if (!/^[0-9a-f]{64}$/.test(recorded)) return { ok: false, refused: false, reason: `output_sha256 in the results file is not a sha256 hex digest (${recorded})` };
    const actual = await sha256File(real);
    if (actual !== recorded) return { ok: false, refused: false, reason: 'sha256 differs from the results file (changed since conversion)' };
  }
  return { ok: true, stats: info };
}

/**
 * Whether the conversions listed for a source were made from the bytes it has now: they record
 * the sha256 of the source they were made from, and the file (or ZIP member) at its URL has other
 * bytes (replaced since, or another file of the same name): `changed` says how. Read only when a
 * sha256 is recorded; then `digests` are the source's payload digests as its record will carry
 * them (SHA-1 and SHA-256), from the same read, for the writer to check that the bytes it
 * archives are still those (see `WarcRecordInput.requires`).
 */
export async function sourceCheck(entry: FileEntry, conversions: readonly ConversionResult[]): Promise<{ changed?: string; digests?: Record<DigestAlgorithm, string> }> {
  const recorded = conversions.find((c) => c.success && typeof c.source_sha256 === 'string')?.source_sha256?.toLowerCase();
  if (recorded === undefined || !/^[0-9a-f]{64}$/.test(recorded)) return {};
  let hashes: { sha1: Buffer; sha256: Buffer };
  try {
    hashes = await sourceHashes(entry);
  } catch (error) {
    return { changed: `its source ${entry.path} could not be read to compare it with the one converted (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` };
  }
  const actual = hashes.sha256.toString('hex');
  if (actual === recorded) return { digests: { sha1: formatDigest('sha1', hashes.sha1), sha256: formatDigest('sha256', hashes.sha256) } };
  // Another file at that URL (a ZIP name stored twice): converting again cannot help.
  if (entry.sameUrlAs) return { changed: `they were made from the other file at this URL (${entry.sameUrlAs.other}), not from this one (${entry.sameUrlAs.name}: sha256 ${actual}, recorded ${recorded})` };
  return { changed: `its source ${entry.path} changed since it was converted (sha256 ${actual}, recorded ${recorded}): convert it again` };
}

/** SHA-1 and SHA-256 of a source, in one read (only a regular file on disk, or the entry's stream). */
async function sourceHashes(entry: FileEntry): Promise<{ sha1: Buffer; sha256: Buffer }> {
  const sha1 = createHash('sha1');
  const sha256 = createHash('sha256');
  const onDisk = entry.filePath !== undefined && !entry.zip ? await openRegularFile(entry.filePath) : undefined;
  try {
    const stream = onDisk ? onDisk.handle.createReadStream({ highWaterMark: 1024 * 1024, autoClose: false }) : await entry.open();
    for await (const chunk of stream) {
      sha1.update(chunk as Buffer);
      sha256.update(chunk as Buffer);
    }
  } finally {
    await onDisk?.handle.close();
  }
  return { sha1: sha1.digest(), sha256: sha256.digest() };
}

/** The last segment of a URL's path, as written. */
function urlFileName(url: string): string {
  const path = url.replace(/[?#].*$/, '');
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Whether a file is named as the last segment of a URL, as warckit spells file names in URLs (`100% real.dat` is `100%%20real.dat`, no escape to undo). */
function namedAs(file: string, url: string): boolean {
  return pathToUrlPath(basename(file)) === urlFileName(url);
}

/**
 * The files conversions are made of, as absolute paths: the outputs the results name (those
 * whose file name is their URL's, as warckit-convert and warcit name them), their
 * characterization sidecars (`….ffprobe.json`), and the results file itself (and its journal). Found among the
 * inputs (conversions kept inside the site: `warckit-convert --output-dir site/conv`), they are
 * written as conversion records, never again as files of the site at URLs it never had. A
 * results file naming some other file as an output (edited by hand) leaves that file where it is.
 */
export function conversionFiles(results: ConversionResults, resultsFile?: string): Set<string> {
  // The journal a killed warckit-convert leaves beside the results (read with them) is theirs too.
  const files = new Set<string>(resultsFile !== undefined ? [resolve(resultsFile), `${resolve(resultsFile)}.journal`] : []);
  for (const list of Object.values(results.conversions)) {
    for (const r of list) {
      if (typeof r.output === 'string' && typeof r.url === 'string' && namedAs(r.output, r.url)) files.add(resolve(r.output));
      if (typeof r.characterization === 'string' && r.characterization.endsWith('.ffprobe.json')) files.add(resolve(r.characterization));
    }
  }
  return files;
}
