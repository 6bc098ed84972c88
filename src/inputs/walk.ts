/**
 * Inputs → FileEntry lists, as warcit walks them: directories recursively (files of a
 * directory before its subdirectories, names sorted so runs are reproducible), single files,
 * ZIP files and paths inside ZIP files (`site.zip/www.example.com/`).
 */
import { type Dirent, type Stats, statSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { fileKind, linkNote, linkTarget, linkTargetSync, openRegularFile, RegularFileError } from '../util/regular-file.js';
import { type EntryInput, entryFromInput, type FileEntry, InputError, isEntryInput } from './entry.js';
import { type DecodedName, nameFromBytes } from './file-name.js';
import { canonicalUrlPrefix, urlFor } from './url.js';
import { readZip } from './zip.js';

/** An input that is not a regular file (or a broken symlink): reported, never read. */
export interface SkippedInput {
  /** The path as shown (names that are not UTF-8 with their bytes percent-encoded). */
  path: string;
  /** What it is: `FIFO (named pipe)`, `socket`, `character device (symbolic link to /dev/zero)`, `broken symbolic link (to x)`. */
  kind: string;
  /** Listed, then removed before the walk came to it (`kind` says so): a directory archived while it changes. */
  gone?: true;
}

/** Options of {@link walkInputs}. */
export interface WalkOptions {
  /** Stops the walk (it rejects with the signal's reason) between two files. */
  signal?: AbortSignal;
  /** `walkInputBatches`: ZIP files stay open after the walk, until the closers given here are called. */
  keepOpen?: (close: () => void) => void;
}

/** What {@link walkInputs} found: the files, in walk order, and the inputs that are not regular files. */
export interface WalkResult {
  entries: FileEntry[];
  /** Inputs that are not regular files, in walk order: not archived. */
  skipped: SkippedInput[];
  /** Symbolic links to directories met in the walk: not followed (as warcit's os.walk), so what they hold is not archived. */
  unfollowed: UnfollowedLink[];
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

/** One item of a walk, in order: a file to read, or an input that is not a regular file. */
/** A symbolic link to a directory, met in a walk and not followed. */
export interface UnfollowedLink {
  path: string;
  /** What the link says, when it can be read. */
  target?: string;
}

export type WalkItem =
  | { entry: FileEntry; skipped?: undefined; unfollowed?: undefined }
  | { skipped: SkippedInput; entry?: undefined; unfollowed?: undefined }
  | { unfollowed: UnfollowedLink; entry?: undefined; skipped?: undefined };

/** The warning for a link not followed; `verb`: what giving it as an input would do (archive, convert). */
export function unfollowedWarning({ path, target }: UnfollowedLink, verb: string): string {
  return `${path}: a symbolic link to a directory${target !== undefined ? ` (${target})` : ''}, not followed (nor by warcit): give it as an input to ${verb} what it holds`;
}

/** {@link inspect}'s answer for a symbolic link to a directory. */
const LINKED_DIRECTORY = Symbol('linked directory');
/** {@link inspect}'s answer for a file removed after its directory was listed. */
const GONE = Symbol('gone');

/**
 * A regular file (symlinks followed), or why not: a kind to report, a link to a directory (not
 * followed), or null to pass over silently.
 * Synchronous, like the stat it makes: a promise per file cost the walk more than the stat.
 */
function inspect(path: string | Buffer, item: Dirent<Buffer> | Dirent, shown: string): Stats | string | typeof LINKED_DIRECTORY | typeof GONE | null {
  if (!item.isFile() && !item.isSymbolicLink()) return fileKind(item);
  let info: Stats;
  try {
    // Synchronous: a stat takes microseconds, its promise round trip through the thread pool ten times that (20,000 files: 0.08 s against 0.5 s).
    info = statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (item.isSymbolicLink() && (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ELOOP')) {
      const target = linkTargetSync(path);
      return `broken symbolic link${target === undefined ? '' : ` (to ${target})`}`;
    }
    if (code === 'ENOENT' || code === 'ENOTDIR') return GONE;
    throw new InputError(`${shown}: cannot read (${code === 'EACCES' ? 'permission denied' : (code ?? (error as Error).message)})`);
  }
  if (info.isDirectory()) return LINKED_DIRECTORY; // like os.walk, symlinked directories are not followed
  if (!info.isFile()) return `${fileKind(info)}${item.isSymbolicLink() ? linkNote(linkTargetSync(path)) : ''}`;
  return info;
}

/** Items are passed on in batches of up to this many: an async generator's step costs more than a file's stat. */
const BATCH = 256;

/** A directory to walk: its path (bytes below a name that is not UTF-8), as shown, and relative to the input. */
interface PendingDir {
  path: string | Buffer;
  shown: string;
  rel: string;
}

/**
 * A directory's entries, by name; as text (20,000 Buffers cost more than the listing), as bytes
 * where some name is not UTF-8 (U+FFFD in the text). Undefined when it is gone (removed after
 * its parent was listed).
 */
async function listDir(dir: string | Buffer, shownDir: string): Promise<Array<{ item: Dirent<Buffer> | Dirent; name: DecodedName; bytes?: Buffer }> | undefined> {
  try {
    const items = typeof dir === 'string' ? await readdir(dir, { withFileTypes: true }) : undefined;
    const named = items && !items.some((item) => item.name.includes('\uFFFD'))
      ? items.map((item) => ({ item, name: { text: item.name, utf8: true } }))
      : (await readdir(dir, { withFileTypes: true, encoding: 'buffer' })).map((item) => ({ item, name: nameFromBytes(item.name), bytes: item.name }));
    return named.sort((a, b) => (a.name.text < b.name.text ? -1 : a.name.text > b.name.text ? 1 : 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new InputError(`${shownDir}: cannot list directory (${code ?? (error as Error).message})`);
  }
}

/**
 * A directory's items (files, and what is reported instead), in batches of up to BATCH, as they
 * are inspected (a directory of a million files is not held at once); its subdirectories, by
 * name, into `subdirs`. Synchronous: the walk's work per file, apart from the listing.
 */
function* dirItems(
  dir: PendingDir,
  named: ReadonlyArray<{ item: Dirent<Buffer> | Dirent; name: DecodedName; bytes?: Buffer }>,
  subdirs: PendingDir[],
  rootDir: string,
  urlPrefix: string,
  signal: AbortSignal | undefined,
): Generator<WalkItem[]> {
  let batch: WalkItem[] = [];
  // Names that differ on disk but not as URLs (café.dat and caf%C3%A9.dat): the later is marked, both are archived.
  const urls = new Map<string, string>();
  for (const { item, name, bytes } of named) {
    signal?.throwIfAborted();
    const shown = joinPath(dir.shown, name.text);
    const path = typeof dir.path === 'string' && name.utf8 ? shown : joinBytes(dir.path, bytes ?? Buffer.from(name.text));
    const relPath = dir.rel ? `${dir.rel}/${name.text}` : name.text;
    if (item.isDirectory()) {
      subdirs.push({ path, shown, rel: relPath });
      continue;
    }
    const found = inspect(path, item, shown);
    if (found === null) continue;
    if (found === LINKED_DIRECTORY) {
      const target = linkTargetSync(path);
      batch.push({ unfollowed: { path: shown, ...(target !== undefined ? { target } : {}) } });
    } else if (found === GONE) batch.push({ skipped: { path: shown, kind: 'file removed after its directory was listed', gone: true } });
    else if (typeof found === 'string') batch.push({ skipped: { path: shown, kind: found } });
    else {
      const entry = fileEntry(urlFor(urlPrefix, relPath), shown, relPath, rootDir, found, path);
      const other = urls.get(entry.url);
      if (other === undefined) urls.set(entry.url, shown);
      else entry.sameUrlAs = { name: shown, other };
      batch.push({ entry });
    }
    if (batch.length >= BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}

async function* walkDir(input: string, urlPrefix: string, signal: AbortSignal | undefined): AsyncGenerator<WalkItem[]> {
  const rootDir = dirname(input);
  // Depth first, files of a directory before its subdirectories, on a stack of its own: a tree
  // as deep as paths go (a mirror that recursed into itself) would overflow the call stack.
  // Paths stay strings while every name is UTF-8 (stat on a Buffer path is slower); bytes only below a name that is not.
  const pending: PendingDir[] = [{ path: input, shown: input, rel: '' }];
  while (pending.length) {
    const dir = pending.pop()!;
    signal?.throwIfAborted();
    const subdirs: PendingDir[] = [];
    const named = await listDir(dir.path, dir.shown);
    if (!named) {
      // The input itself was checked a moment ago: gone now, it is an error; a subdirectory removed meanwhile is reported and the walk goes on.
      if (dir.rel === '') throw new InputError(`${dir.shown}: cannot list directory (ENOENT)`);
      yield [{ skipped: { path: dir.shown, kind: 'directory removed after its parent was listed', gone: true } }];
      continue;
    }
    yield* dirItems(dir, named, subdirs, rootDir, urlPrefix, signal);
    for (let i = subdirs.length - 1; i >= 0; i--) pending.push(subdirs[i]!);
  }
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

type InputKind = { input: string; kind: 'dir' | 'file' | 'zip' | 'skip'; archive?: string; member?: string; what?: string } | { input: string; kind: 'entry'; entry: FileEntry };

/** What each input is; all are checked before any is read, so a missing one is reported (by name) before anything is written. */
async function classifyInputs(inputs: ReadonlyArray<string | EntryInput>, signal: AbortSignal | undefined): Promise<InputKind[]> {
  const missing: string[] = [];
  const kinds: InputKind[] = [];
  for (const [index, input] of inputs.entries()) {
    signal?.throwIfAborted();
    if (isEntryInput(input)) {
      kinds.push({ input: input.url, kind: 'entry', entry: entryFromInput(input, index) });
      continue;
    }
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
  return kinds;
}

/** The items of classified inputs, in order, in batches; each ZIP file opened leaves its closer in `closers`. */
async function* walkClassified(kinds: readonly InputKind[], prefix: string, signal: AbortSignal | undefined, closers: Array<() => void>): AsyncGenerator<WalkItem[]> {
  const urlPrefix = canonicalUrlPrefix(prefix);
  for (const item of kinds) {
    signal?.throwIfAborted();
    if (item.kind === 'entry') yield [{ entry: item.entry }];
    else if (item.kind === 'dir') yield* walkDir(item.input, urlPrefix, signal);
    else if (item.kind === 'skip') yield [{ skipped: { path: item.input, kind: item.what! } }];
    else if (item.kind === 'zip') {
      const zip = await readZip(item.archive!, item.member!, urlPrefix, signal);
      closers.push(zip.close);
      for (let i = 0; i < zip.entries.length; i += BATCH) yield zip.entries.slice(i, i + BATCH).map((entry) => ({ entry }));
    } else {
      const info = await statInput(item.input);
      const name = basename(item.input);
      yield [{ entry: fileEntry(urlFor(urlPrefix, name), item.input, name, '', info, item.input) }];
    }
  }
}

/**
 * Check every input now (a missing one throws, naming it), then walk them batch by batch (up to
 * a few hundred items each) as the generator returned is read (memory does not grow with the
 * number of files). Inputs that are not regular files (FIFOs, sockets, devices, broken symlinks)
 * are never opened: they come as `skipped` items. ZIP files stay open until the walk ends (or is
 * left), or with `keepOpen` until the caller closes them.
 */
export async function walkInputBatches(inputs: ReadonlyArray<string | EntryInput>, urlPrefix: string, options: WalkOptions = {}): Promise<AsyncGenerator<WalkItem[]>> {
  return walkKinds(await classifyInputs(inputs, options.signal), urlPrefix, options);
}

async function* walkKinds(kinds: readonly InputKind[], urlPrefix: string, options: WalkOptions): AsyncGenerator<WalkItem[]> {
  const closers: Array<() => void> = [];
  try {
    yield* walkClassified(kinds, urlPrefix, options.signal, closers);
  } finally {
    for (const close of closers) (options.keepOpen ?? ((c) => c()))(close);
  }
}

/**
 * Walk every input into lists. All inputs are checked before any is read, so a missing one is
 * reported (by name) before anything is written. Inputs that are not regular files (FIFOs,
 * sockets, devices, broken symlinks) are never opened: they are listed in `skipped`.
 */
export async function walkInputs(inputs: ReadonlyArray<string | EntryInput>, urlPrefix: string, options: WalkOptions = {}): Promise<WalkResult> {
  const kinds = await classifyInputs(inputs, options.signal);
  const closers: Array<() => void> = [];
  const close = (): void => closers.forEach((c) => c());
  const entries: FileEntry[] = [];
  const skipped: SkippedInput[] = [];
  const unfollowed: UnfollowedLink[] = [];
  try {
    for await (const batch of walkClassified(kinds, urlPrefix, options.signal, closers)) {
      for (const found of batch) {
        if (found.entry) entries.push(found.entry);
        else if (found.skipped) skipped.push(found.skipped);
        else unfollowed.push(found.unfollowed);
      }
    }
  } catch (error) {
    close();
    throw error;
  }
  return { entries, skipped, unfollowed, close };
}
