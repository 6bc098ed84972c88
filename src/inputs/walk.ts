/**
 * Inputs → FileEntry lists, as warcit walks them: directories recursively (files of a
 * directory before its subdirectories, names sorted so runs are reproducible), single files,
 * ZIP files and paths inside ZIP files (`site.zip/www.example.com/`).
 */
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { type FileEntry, InputError } from './entry.js';
import { urlFor } from './url.js';
import { readZip } from './zip.js';

export interface WalkResult {
  entries: FileEntry[];
  /** Release open ZIP files. */
  close(): void;
}

/** os.path.join: no separator added after one already there. */
function joinPath(root: string, name: string): string {
  return root.endsWith('/') ? root + name : `${root}/${name}`;
}

function fileEntry(url: string, path: string, relativePath: string, rootDir: string, size: number, mtime: Date): FileEntry {
  return {
    url,
    path,
    relativePath,
    rootDir,
    size,
    mtime,
    filePath: path,
    open: async () => {
      const stream = createReadStream(path, { highWaterMark: 1024 * 1024 });
      await new Promise<void>((resolve, reject) => {
        stream.once('open', () => resolve());
        stream.once('error', (error: NodeJS.ErrnoException) =>
          reject(new InputError(`${path}: cannot read (${error.code === 'EACCES' ? 'permission denied' : error.message})`)),
        );
      });
      return stream;
    },
  };
}

async function statInput(path: string): Promise<import('node:fs').Stats> {
  try {
    return await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EACCES') throw new InputError(`${path}: permission denied`);
    throw new InputError(`${path}: cannot read (${(error as Error).message})`);
  }
}

async function walkDir(input: string, urlPrefix: string, out: FileEntry[]): Promise<void> {
  const rootDir = dirname(input);
  const visit = async (dir: string, rel: string): Promise<void> => {
    let items;
    try {
      items = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      throw new InputError(`${dir}: cannot list directory (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
    items.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const subdirs: string[] = [];
    for (const item of items) {
      const path = joinPath(dir, item.name);
      const relPath = rel ? `${rel}/${item.name}` : item.name;
      if (item.isDirectory()) {
        subdirs.push(item.name);
        continue;
      }
      if (!item.isFile() && !item.isSymbolicLink()) continue; // sockets, fifos, devices
      let info;
      try {
        info = await stat(path);
      } catch {
        throw new InputError(`${path}: broken symbolic link or unreadable file`);
      }
      if (info.isDirectory()) continue; // like os.walk, symlinked directories are not followed
      if (!info.isFile()) continue;
      out.push(fileEntry(urlFor(urlPrefix, relPath), path, relPath, rootDir, info.size, info.mtime));
    }
    for (const name of subdirs) await visit(joinPath(dir, name), rel ? `${rel}/${name}` : name);
  };
  await visit(input, '');
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
 * reported (by name) before anything is written.
 */
export async function walkInputs(inputs: readonly string[], urlPrefix: string): Promise<WalkResult> {
  const closers: Array<() => void> = [];
  const close = (): void => closers.forEach((c) => c());
  const entries: FileEntry[] = [];
  const missing: string[] = [];
  const kinds: Array<{ input: string; kind: 'dir' | 'file' | 'zip'; archive?: string; member?: string }> = [];
  for (const input of inputs) {
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
    else if (/\.zip$/i.test(input)) kinds.push({ input, kind: 'zip', archive: input, member: '' });
    else kinds.push({ input, kind: 'file' });
  }
  if (missing.length) {
    throw new InputError(missing.map((m) => `${m}: no such file or directory`).join('\n'));
  }
  try {
    for (const item of kinds) {
      if (item.kind === 'dir') await walkDir(item.input, urlPrefix, entries);
      else if (item.kind === 'zip') {
        const zip = await readZip(item.archive!, item.member!, urlPrefix);
        closers.push(zip.close);
        entries.push(...zip.entries);
      } else {
        const info = await statInput(item.input);
        const name = basename(item.input);
        entries.push(fileEntry(urlFor(urlPrefix, name), item.input, name, '', info.size, info.mtime));
      }
    }
  } catch (error) {
    close();
    throw error;
  }
  return { entries, close };
}
