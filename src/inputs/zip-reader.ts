/**
 * The bytes under yauzl, and a check of what comes out. yauzl's own file reader crashes the
 * process (`TypeError … reading 'fd'`) when a member stream is destroyed while another
 * member's read is queued — which reading only a member's head for `--use-magic` does — so
 * members are read through a FileHandle instead. yauzl does not check CRC-32s: we do.
 */
import type { FileHandle } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import zlib from 'node:zlib';
import yauzl from 'yauzl';

type Crc32 = (data: Buffer, previous?: number) => number;

/** buffer-crc32, for Node versions without zlib.crc32 (before 20.15). */
export function portableCrc32(): Crc32 {
  const { unsigned } = createRequire(import.meta.url)('buffer-crc32') as { unsigned(data: Buffer, previous?: number): number };
  return (data, previous = 0) => unsigned(data, previous);
}

const nativeCrc32 = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

/** CRC-32 (the ZIP one), continued from `previous`: zlib's where Node has it. */
export const crc32: Crc32 = nativeCrc32 ? (data, previous = 0) => nativeCrc32(data, previous) : portableCrc32();

const READ_CHUNK = 1024 * 1024;

/** yauzl's reader interface over a FileHandle: positional reads, so streams are independent. */
export class FileHandleReader extends yauzl.RandomAccessReader {
  constructor(private readonly handle: FileHandle) {
    super();
  }

  // Not fs.createReadStream: destroying one closes the shared descriptor, autoClose or not.
  override _readStreamForRange(start: number, end: number): Readable {
    const handle = this.handle;
    async function* range(): AsyncGenerator<Buffer> {
      for (let position = start; position < end; ) {
        const length = Math.min(READ_CHUNK, end - position);
        const { bytesRead, buffer } = await handle.read(Buffer.allocUnsafe(length), 0, length, position);
        if (bytesRead === 0) throw new Error(`unexpected end of file at offset ${position}`);
        position += bytesRead;
        yield buffer.subarray(0, bytesRead);
      }
    }
    return Readable.from(range(), { objectMode: false, highWaterMark: READ_CHUNK });
  }

  override read(buffer: Buffer, offset: number, length: number, position: number, callback: (err: Error | null) => void): void {
    this.handle.read(buffer, offset, length, position).then(
      ({ bytesRead }) => callback(bytesRead === length ? null : new Error(`unexpected end of file at offset ${position + bytesRead}`)),
      (error: Error) => callback(error),
    );
  }

  override close(callback: (err: Error | null) => void): void {
    this.handle.close().then(
      () => callback(null),
      (error: Error) => callback(error),
    );
  }
}

/** A member whose bytes do not match its CRC-32: the ZIP is damaged. */
export class ZipCrcError extends Error {
  override name = 'ZipCrcError';
}

/**
 * Passes a member's bytes through and fails at the end when their CRC-32 is not the one the
 * central directory records (Python's zipfile: `Bad CRC-32`).
 */
export function crcCheck(expected: number, archive: string, member: string): Transform {
  let crc = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      crc = crc32(chunk, crc);
      done(null, chunk);
    },
    flush(done: TransformCallback) {
      if (crc >>> 0 === expected >>> 0) return done();
      const hex = (n: number): string => (n >>> 0).toString(16).padStart(8, '0');
      done(new ZipCrcError(`bad CRC-32 for member "${member}" of ${archive}: ${hex(crc)}, the ZIP says ${hex(expected)} (the ZIP file is damaged)`));
    },
  });
}
