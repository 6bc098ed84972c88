/**
 * Fixity manifests on disk: hash files (md5 and sha256 in one read), check a manifest's lines
 * against the files, write both manifests atomically.
 */
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { writeFileAtomic } from '../util/atomic.js';
import { openRegularFile, readRegularFile, RegularFileError } from '../util/regular-file.js';
import { type FixityAlgorithm, type FixityLine, FixityManifestError, formatManifest, parseManifest } from './fixity.js';
import { utf16Kind, utf16Message } from '../util/utf16.js';

export interface FileHashes {
  md5: string;
  sha256: string;
  size: number;
  mtimeMs: number;
}

/** md5 and sha256 of a regular file, in one read. */
export async function hashFile(path: string, signal?: AbortSignal): Promise<FileHashes> {
  const { handle, stats } = await openRegularFile(path);
  try {
    const md5 = createHash('md5');
    const sha256 = createHash('sha256');
    for await (const chunk of handle.createReadStream({ highWaterMark: 1024 * 1024, autoClose: false, ...(signal ? { signal } : {}) })) {
      md5.update(chunk as Buffer);
      sha256.update(chunk as Buffer);
    }
    return { md5: md5.digest('hex'), sha256: sha256.digest('hex'), size: stats.size, mtimeMs: stats.mtimeMs };
  } finally {
    await handle.close();
  }
}

/** A file a manifest lists that is gone or no longer has the digest it lists. */
export interface FixityProblem {
  manifest: string;
  /** Absolute path. */
  path: string;
  status: 'missing' | 'changed';
  detail: string;
}

export interface ManifestCheck {
  /** Files checked (each once, whichever manifests list it). */
  checked: number;
  problems: FixityProblem[];
  /** What was read, by absolute path: reused when the file is listed again unchanged. */
  hashes: Map<string, FileHashes>;
  /** The manifests' lines, by algorithm and absolute path (to carry over files not seen again). */
  listed: Map<FixityAlgorithm, Map<string, string>>;
}

/** The manifests beside each other: `<dir>/manifest.md5` and `<dir>/manifest.sha256`. */
export function manifestPaths(dir: string): Record<FixityAlgorithm, string> {
  return { md5: resolve(dir, 'manifest.md5'), sha256: resolve(dir, 'manifest.sha256') };
}

/** Read a manifest file; undefined when there is none. */
export async function readManifest(file: string): Promise<{ algorithm: FixityAlgorithm; lines: FixityLine[] } | undefined> {
  let text: string;
  try {
    const bytes = await readRegularFile(file, { maxBytes: 256 * 1024 * 1024 });
    const utf16 = utf16Kind(bytes);
    if (utf16) throw new FixityManifestError(utf16Message(file, utf16));
    text = bytes.toString('utf8');
  } catch (error) {
    if (error instanceof RegularFileError && error.problem === 'missing') return undefined;
    throw error;
  }
  return parseManifest(text, file);
}

/** Check every line of the given manifests (missing ones are skipped) against the files. */
export async function checkManifests(files: readonly string[], signal?: AbortSignal): Promise<ManifestCheck> {
  const out: ManifestCheck = { checked: 0, problems: [], hashes: new Map(), listed: new Map() };
  const missing = new Set<string>();
  for (const manifest of files) {
    const read = await readManifest(manifest);
    if (!read) continue;
    const listed = out.listed.get(read.algorithm) ?? new Map<string, string>();
    out.listed.set(read.algorithm, listed);
    for (const line of read.lines) {
      const path = resolve(dirname(manifest), line.path);
      listed.set(path, line.hash);
      let hashes = out.hashes.get(path);
      if (!hashes && !missing.has(path)) {
        hashes = await hashFile(path, signal).catch((error: unknown) => {
          if (signal?.aborted) throw error;
          missing.add(path);
          return undefined;
        });
        if (hashes) out.hashes.set(path, hashes);
        out.checked++;
      }
      // One problem per file, whichever manifest finds it first.
      if (out.problems.some((p) => p.path === path)) continue;
      if (!hashes) out.problems.push({ manifest, path, status: 'missing', detail: `${path}: missing (listed in ${manifest})` });
      else if (hashes[read.algorithm] !== line.hash) out.problems.push({ manifest, path, status: 'changed', detail: `${path}: ${read.algorithm} is ${hashes[read.algorithm]}, ${manifest} says ${line.hash}` });
    }
  }
  return out;
}

function relativeTo(dir: string, path: string): string {
  const rel = relative(dir, path);
  return rel && !isAbsolute(rel) ? rel.split(sep).join('/') : path;
}

/**
 * Write both manifests for `files` (absolute paths → hashes), plus lines carried over from
 * `keep` for files not among them.
 */
export async function writeManifests(paths: Record<FixityAlgorithm, string>, files: ReadonlyMap<string, FileHashes>, keep?: ManifestCheck['listed']): Promise<void> {
  for (const algorithm of ['md5', 'sha256'] as const) {
    const dir = dirname(paths[algorithm]);
    const lines: FixityLine[] = [...files].map(([path, h]) => ({ hash: h[algorithm], path: relativeTo(dir, path) }));
    for (const [path, hash] of keep?.get(algorithm) ?? []) if (!files.has(path)) lines.push({ hash, path: relativeTo(dir, path) });
    await writeFileAtomic(paths[algorithm], formatManifest(lines));
  }
}

/** A file a manifest should list and cannot: why. */
export interface UnlistedFile {
  path: string;
  reason: string;
}

/**
 * Hash what is not known yet (or changed since: size or mtime differs). A file that is gone or
 * not a regular file by now is not listed, and said so (`unlisted`).
 */
export async function hashesFor(paths: Iterable<string>, known: ReadonlyMap<string, FileHashes>, signal?: AbortSignal): Promise<{ hashes: Map<string, FileHashes>; unlisted: UnlistedFile[] }> {
  const hashes = new Map<string, FileHashes>();
  const unlisted: UnlistedFile[] = [];
  for (const path of paths) {
    const before = known.get(path);
    const now = await stat(path).catch(() => undefined);
    if (!now?.isFile()) {
      unlisted.push({ path, reason: now ? 'not a regular file' : 'it is gone' });
      continue;
    }
    hashes.set(path, before && before.size === now.size && before.mtimeMs === now.mtimeMs ? before : await hashFile(path, signal));
  }
  return { hashes, unlisted };
}
