/**
 * ZIP inputs via yauzl: only the central directory is read up front; each member is
 * decompressed as a stream when opened, so a ZIP of any size costs a few KB of memory.
 * Every member read to its end has its CRC-32 checked.
 */
import { pipeline, type Readable } from 'node:stream';
import yauzl from 'yauzl';
import { openRegularFile, RegularFileError } from '../util/regular-file.js';
import { type FileEntry, InputError } from './entry.js';
import { urlFor } from './url.js';
import { crcCheck, FileHandleReader } from './zip-reader.js';

export interface OpenZip {
  entries: FileEntry[];
  close(): void;
}

/** Read a ZIP's directory and make one FileEntry per member under `subPath` ('' for all); `signal` stops the listing. */
export async function readZip(archive: string, subPath: string, urlPrefix: string, signal?: AbortSignal): Promise<OpenZip> {
  let opened;
  try {
    opened = await openRegularFile(archive, { what: 'ZIP file' });
  } catch (error) {
    throw new InputError(error instanceof RegularFileError ? error.message : `${archive}: cannot read (${(error as Error).message})`, { cause: error });
  }
  let zip: yauzl.ZipFile;
  try {
    const reader = new FileHandleReader(opened.handle);
    zip = await yauzl.fromRandomAccessReaderPromise(reader, opened.stats.size, { lazyEntries: true, autoClose: false, strictFileNames: false, decodeStrings: true });
  } catch (error) {
    await opened.handle.close().catch(() => undefined);
    throw new InputError(`${archive}: not a readable ZIP file (${(error as Error).message})`);
  }
  const members: yauzl.Entry[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('entry', (entry: yauzl.Entry) => {
        members.push(entry);
        if (signal?.aborted) reject(signal.reason);
        else zip.readEntry();
      });
      zip.on('end', resolve);
      zip.on('error', reject);
      zip.readEntry();
    });
  } catch (error) {
    zip.close();
    if (signal?.aborted) throw error;
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
        let stream: Readable;
        try {
          stream = await zip.openReadStreamPromise(member);
        } catch (error) {
          throw new InputError(`${archive}/${member.fileName}: cannot read ZIP member (${(error as Error).message})`);
        }
        // pipeline: a read error reaches the reader, and stopping early releases the member's stream.
        return pipeline(stream, crcCheck(member.crc32, archive, member.fileName), () => undefined);
      },
    });
  }
  if (wanted && entries.length === 0) {
    zip.close();
    throw new InputError(`${archive}: no member at "${wanted}"`);
  }
  return { entries, close: () => zip.close() };
}
