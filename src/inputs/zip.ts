/**
 * ZIP inputs via yauzl: only the central directory is read up front; each member is
 * decompressed as a stream when opened, so a ZIP of any size costs a few KB of memory.
 * Every member read to its end has its CRC-32 checked. Member names are taken as legacy ZIPs
 * write them (backslashes, a leading `/`, `..`, CP437): nothing is extracted to disk, so each is
 * archived at the URL its path resolves to, as warcit does, rather than the whole ZIP refused.
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
    // Names are decoded here (memberName): yauzl's own decoding refuses the whole ZIP over one odd name.
    zip = await yauzl.fromRandomAccessReaderPromise(reader, opened.stats.size, { lazyEntries: true, autoClose: false, decodeStrings: false });
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
  const files = members.map((member) => ({ member, name: memberName(member) })).filter(({ name }) => !name.endsWith('/'));
  const wanted = memberPath(subPath);
  const exact = wanted && files.find(({ name }) => memberPath(name) === wanted && !subPath.endsWith('/'));
  const dirPrefix = wanted === '' ? '' : `${wanted}/`;
  const entries: FileEntry[] = [];
  /** Each entry's name as stored (a backslash kept), for saying which members clash. */
  const storedNames: string[] = [];
  for (const { member, name } of files) {
    const path = memberPath(name);
    if (path === '') continue;
    let relative: string;
    if (exact) {
      if (member !== exact.member) continue;
      relative = path.slice(path.lastIndexOf('/') + 1);
    } else {
      if (!path.startsWith(dirPrefix)) continue;
      relative = path.slice(dirPrefix.length);
    }
    storedNames.push(yauzl.getFileNameLowLevel(member.generalPurposeBitFlag, member.fileNameRaw, member.extraFields, true));
    entries.push({
      url: urlFor(urlPrefix, relative),
      path: `${archive}/${name}`,
      relativePath: relative,
      rootDir: '',
      size: member.uncompressedSize,
      // warcit reads the DOS date fields and treats them as UTC.
      mtime: member.getLastModDate({ forceDosFormat: true, timezone: 'UTC' }),
      zip: { archive, member: path },
      open: async () => {
        const unreadable = unreadableBecause(member);
        if (unreadable) throw new InputError(`${archive}/${name}: cannot read ZIP member: ${unreadable}`);
        let stream: Readable;
        try {
          stream = await zip.openReadStreamPromise(member);
        } catch (error) {
          throw new InputError(`${archive}/${name}: cannot read ZIP member (${(error as Error).message})`);
        }
        // pipeline: a read error reaches the reader, and stopping early releases the member's stream.
        return pipeline(stream, crcCheck(member.crc32, archive, name), () => undefined);
      },
    });
  }
  const firstAt = new Map<string, string>();
  for (const [i, entry] of entries.entries()) {
    const stored = `${archive}/${storedNames[i]}`;
    const first = firstAt.get(entry.url);
    if (first === undefined) firstAt.set(entry.url, stored);
    else entry.sameUrlAs = { name: stored, other: first };
  }
  if (wanted && entries.length === 0) {
    zip.close();
    throw new InputError(`${archive}: no member at "${wanted}"`);
  }
  return { entries, close: () => zip.close() };
}

/** ZIP compression methods by number (APPNOTE 4.4.5), for saying which one a member uses. */
const METHODS: Record<number, string> = { 1: 'shrunk', 6: 'imploded', 9: 'deflate64', 12: 'bzip2', 14: 'LZMA', 93: 'Zstandard', 95: 'xz', 98: 'PPMd', 99: 'WinZip AES' };

/** Why a member cannot be read here (yauzl reads stored and deflated members, unencrypted), or undefined. */
function unreadableBecause(member: yauzl.Entry): string | undefined {
  if (member.isEncrypted() || member.compressionMethod === 99) return 'it is encrypted (warckit has no ZIP passwords)';
  if (member.compressionMethod === 0 || member.compressionMethod === 8) return undefined;
  const method = METHODS[member.compressionMethod];
  return `compressed with method ${member.compressionMethod}${method ? ` (${method})` : ''}; warckit reads stored and deflated members`;
}

/** A member's name as stored: UTF-8 when flagged (or in an Info-ZIP Unicode path field), else CP437; backslashes as '/'. */
function memberName(member: yauzl.Entry): string {
  return yauzl.getFileNameLowLevel(member.generalPurposeBitFlag, member.fileNameRaw, member.extraFields, false);
}

/**
 * A member's path as a URL path resolves it: no leading '/', no empty or '.' segments, each '..'
 * taking the segment before it away (none above the top). `../a.html` is `a.html`, as in warcit.
 */
export function memberPath(name: string): string {
  const parts: string[] = [];
  for (const part of name.split('/')) {
    if (part === '..') parts.pop();
    else if (part !== '' && part !== '.') parts.push(part);
  }
  return parts.join('/');
}
