/**
 * Inputs → FileEntry lists, as warcit walks them: directories recursively (files of a
 * directory before its subdirectories, names sorted so runs are reproducible), single files,
 * ZIP files and paths inside ZIP files (`site.zip/www.example.com/`).
 */
import type { Dirent, Stats } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { fileKind, linkNote, linkTarget, openRegularFile, RegularFileError } from '../util/regular-file.js';
import { type FileEntry, InputError } from './entry.js';
import { nameFromBytes } from './file-name.js';
import { urlFor } from './url.js';
import { readZip } from './zip.js';

/** An input that is not a regular file (or a broken symlink): reported, never read. */
export interface SkippedInput {
  /** The path as shown (names that are not UTF-8 with their bytes percent-encoded). */
  path: string;
  /** What it is: `FIFO (named pipe)`, `socket`, `character device (symbolic link to /dev/zero)`, `broken symbolic link (to x)`. */
  kind: string;
}

export interface WalkOptions {
  /** Stops the walk (it rejects with the signal's reason) between two files. */
  signal?: AbortSignal;
}

export interface WalkResult {
  entries: FileEntry[];
  /** Inputs that are not regular files, in walk order: not archived. */
  skipped: SkippedInput[];
  /** Release open ZIP files. */
  close(): void;
}

/** os.path.join: no separator added after one already there. */
function joinPath(root: string, name: string): string {
  return root.endsWith('/') ? root + name : `${root}/${name}`;
}

function joinBytes(root: string | Buffer, name: Buffer): Buffer {
  const bytes = typeof root === 'string' ? Buffer.from(root) : root;
  return bytes[bytes.length - 1] === 0x2f ? Buffer.concat([bytes, name]) : Buffer.concat([bytes, Buffer.from('/'), name]);
}

/**
 * A file on disk. `diskPath` is a Buffer when the name is not UTF-8: no string can name such a
 * file, so it has no `filePath` and is read through `open()` only.
 */
function fileEntry(url: string, path: string, relativePath: string, rootDir: string, info: Stats, diskPath: string | Buffer): FileEntry {
  return {
    url,
    path,
    relativePath,
    rootDir,
    size: info.size,
    mtime: info.mtime,
    ...(typeof diskPath === 'string' ? { filePath: diskPath } : {}),
    open: async () => {
      try {
        const { handle } = await openRegularFile(diskPath, { shownAs: path });
        return handle.createReadStream({ highWaterMark: 1024 * 1024 });
      } catch (error) {
        throw new InputError(error instanceof RegularFileError ? error.message : `${path}: cannot read (${(error as Error).message})`, { cause: error });
      }
    },
  };
}

async function statInput(path: string): Promise<Stats> {
  try {
    return await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EACCES') throw new InputError(`${path}: permission denied`);
    throw new InputError(`${path}: cannot read (${(error as Error).message})`);
  }
}

interface WalkSink {
  entries: FileEntry[];
  skipped: SkippedInput[];
  signal: AbortSignal | undefined;
}

/** A regular file (symlinks followed), or why not: a kind to report, or null to pass over silently. */
async function inspect(path: string | Buffer, item: Dirent<Buffer>, shown: string): Promise<Stats | string | null> {
  if (!item.isFile() && !item.isSymbolicLink()) return fileKind(item);
  let info: Stats;
  try {
    info = await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (item.isSymbolicLink() && (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ELOOP')) {
      const target = await linkTarget(path);
      return `broken symbolic link${target === undefined ? '' : ` (to ${target})`}`;
    }
    throw new InputError(`${shown}: cannot read (${code === 'EACCES' ? 'permission denied' : (code ?? (error as Error).message)})`);
  }
  if (info.isDirectory()) return null; // like os.walk, symlinked directories are not followed
  if (!info.isFile()) return `${fileKind(info)}${item.isSymbolicLink() ? linkNote(await linkTarget(path)) : ''}`;
  return info;
}

async function walkDir(input: string, urlPrefix: string, sink: WalkSink): Promise<void> {
  const rootDir = dirname(input);
  // Paths stay strings while every name is UTF-8 (stat on a Buffer path is slower); bytes only below a name that is not.
  const visit = async (dir: string | Buffer, shownDir: string, rel: string): Promise<void> => {
    sink.signal?.throwIfAborted();
    let items: Array<Dirent<Buffer>>;
    try {
      items = await readdir(dir, { withFileTypes: true, encoding: 'buffer' });
    } catch (error) {
      throw new InputError(`${shownDir}: cannot list directory (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
    const named = items.map((item) => ({ item, name: nameFromBytes(item.name) }));
    named.sort((a, b) => (a.name.text < b.name.text ? -1 : a.name.text > b.name.text ? 1 : 0));
    const subdirs: Array<{ path: string | Buffer; shown: string; rel: string }> = [];
    for (const { item, name } of named) {
      sink.signal?.throwIfAborted();
      const shown = joinPath(shownDir, name.text);
      const path = typeof dir === 'string' && name.utf8 ? shown : joinBytes(dir, item.name);
      const relPath = rel ? `${rel}/${name.text}` : name.text;
      if (item.isDirectory()) {
        subdirs.push({ path, shown, rel: relPath });
        continue;
      }
      const found = await inspect(path, item, shown);
      if (found === null) continue;
      if (typeof found === 'string') sink.skipped.push({ path: shown, kind: found });
      else sink.entries.push(fileEntry(urlFor(urlPrefix, relPath), shown, relPath, rootDir, found, path));
    }
    for (const sub of subdirs) await visit(sub.path, sub.shown, sub.rel);
  };
  await visit(input, input, '');
}

/** Find the ZIP file a path like `site.zip/www.example.com/` points into. */
async function splitZipPath(input: string): Promise<{ archive: string; member: string } | null> {
  const parts: string[] = [];
  let current = input;
  while (current && current !== '.' && current !== '/') {
    try {
      const info = await stat(current);
      if (info.isFile() && /\.zip$/i.test(current)) return { archive: current, member: parts.join('/') };
      return null;
    } catch {
      parts.unshift(basename(current));
      current = dirname(current);
    }
  }
  return null;
}

/**
 * Walk every input. All inputs are checked before any is read, so a missing one is
 * reported (by name) before anything is written. Inputs that are not regular files (FIFOs,
 * sockets, devices, broken symlinks) are never opened: they are listed in `skipped`.
 */
export async function walkInputs(inputs: readonly string[], urlPrefix: string, options: WalkOptions = {}): Promise<WalkResult> {
  const { signal } = options;
  const closers: Array<() => void> = [];
  const close = (): void => closers.forEach((c) => c());
  const sink: WalkSink = { entries: [], skipped: [], signal };
  const missing: string[] = [];
  const kinds: Array<{ input: string; kind: 'dir' | 'file' | 'zip' | 'skip'; archive?: string; member?: string; what?: string }> = [];
  for (const input of inputs) {
    signal?.throwIfAborted();
    let info;
    try {
      info = await stat(input);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EACCES') throw new InputError(`${input}: permission denied`);
      const zipped = await splitZipPath(input);
      if (zipped) kinds.push({ input, kind: 'zip', ...zipped });
      else missing.push(input);
      continue;
    }
    if (info.isDirectory()) kinds.push({ input, kind: 'dir' });
    else if (!info.isFile()) kinds.push({ input, kind: 'skip', what: `${fileKind(info)}${linkNote(await linkTarget(input))}` });
    else if (/\.zip$/i.test(input)) kinds.push({ input, kind: 'zip', archive: input, member: '' });
    else kinds.push({ input, kind: 'file' });
  }
  if (missing.length) {
    throw new InputError(missing.map((m) => `${m}: no such file or directory`).join('\n'));
  }
  try {
    for (const item of kinds) {
      signal?.throwIfAborted();
      if (item.kind === 'dir') await walkDir(item.input, urlPrefix, sink);
      else if (item.kind === 'skip') sink.skipped.push({ path: item.input, kind: item.what! });
      else if (item.kind === 'zip') {
        const zip = await readZip(item.archive!, item.member!, urlPrefix, signal);
        closers.push(zip.close);
        sink.entries.push(...zip.entries);
      } else {
        const info = await statInput(item.input);
        const name = basename(item.input);
        sink.entries.push(fileEntry(urlFor(urlPrefix, name), item.input, name, '', info, item.input));
      }
    }
  } catch (error) {
    close();
    throw error;
  }
  return { entries: sink.entries, skipped: sink.skipped, close };
}
