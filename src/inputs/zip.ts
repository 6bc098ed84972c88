/**
 * ZIP inputs via yauzl: only the central directory is read up front; each member is
 * decompressed as a stream when opened, so a ZIP of any size costs a few KB of memory.
 */
import yauzl from 'yauzl';
import { type FileEntry, InputError } from './entry.js';
import { urlFor } from './url.js';

export interface OpenZip {
  entries: FileEntry[];
  close(): void;
}

/** Read a ZIP's directory and make one FileEntry per member under `subPath` ('' for all). */
export async function readZip(archive: string, subPath: string, urlPrefix: string): Promise<OpenZip> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(archive, { lazyEntries: true, autoClose: false, strictFileNames: false, decodeStrings: true });
  } catch (error) {
    throw new InputError(`${archive}: not a readable ZIP file (${(error as Error).message})`);
  }
  const members: yauzl.Entry[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('entry', (entry: yauzl.Entry) => {
        members.push(entry);
        zip.readEntry();
      });
      zip.on('end', resolve);
      zip.on('error', reject);
      zip.readEntry();
    });
  } catch (error) {
    zip.close();
    throw new InputError(`${archive}: broken ZIP file (${(error as Error).message})`);
  }
  const wanted = subPath.replace(/^\/+/, '');
  const exact = wanted && members.find((m) => m.fileName === wanted && !m.fileName.endsWith('/'));
  const dirPrefix = wanted === '' || wanted.endsWith('/') ? wanted : `${wanted}/`;
  const entries: FileEntry[] = [];
  for (const member of members) {
    if (member.fileName.endsWith('/')) continue;
    let relative: string;
    if (exact) {
      if (member !== exact) continue;
      relative = member.fileName.slice(member.fileName.lastIndexOf('/') + 1);
    } else {
      if (!member.fileName.startsWith(dirPrefix)) continue;
      relative = member.fileName.slice(dirPrefix.length);
    }
    entries.push({
      url: urlFor(urlPrefix, relative),
      path: `${archive}/${member.fileName}`,
      relativePath: relative.split('/').filter((p) => p && p !== '.').join('/'),
      rootDir: '',
      size: member.uncompressedSize,
      // warcit reads the DOS date fields and treats them as UTC.
      mtime: member.getLastModDate({ forceDosFormat: true, timezone: 'UTC' }),
      zip: { archive, member: member.fileName },
      open: async () => {
        try {
          return await zip.openReadStreamPromise(member);
        } catch (error) {
          throw new InputError(`${archive}/${member.fileName}: cannot read ZIP member (${(error as Error).message})`);
        }
      },
    });
  }
  if (wanted && entries.length === 0) {
    zip.close();
    throw new InputError(`${archive}: no member at "${wanted}"`);
  }
  return { entries, close: () => zip.close() };
}
