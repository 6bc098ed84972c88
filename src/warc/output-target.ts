/**
 * Where the record writer's bytes go: a file (positional writes, so a head can be rewritten in
 * place) or any Writable (bytes in order, with backpressure). Write errors name the output.
 */
import { once } from 'node:events';
import type { FileHandle } from 'node:fs/promises';
import type { Writable } from 'node:stream';

/** Failure to write the WARC itself (disk full, I/O error, a closed stream): names the output. */
export class WarcWriteError extends Error {
  override name = 'WarcWriteError';
  constructor(
    readonly output: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${output}: ${message}`, options);
  }
}

function describeWrite(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  if (e.code === 'ENOSPC') return 'cannot write: no space left on device';
  if (e.code === 'EDQUOT') return 'cannot write: disk quota exceeded';
  if (e.code === 'EFBIG') return 'cannot write: file too large for this file system or limit';
  if (e.code === 'EIO') return 'cannot write: input/output error';
  if (e.code === 'EROFS') return 'cannot write: read-only file system';
  return `cannot write: ${e.code ?? e.message}`;
}

export interface RecordOutput {
  /** Positions written before may be written again (a file); false for a stream. */
  readonly seekable: boolean;
  /** Write `data` at `position`; on a stream, positions only ever follow each other. */
  write(data: Buffer, position: number): Promise<void>;
  /** Write several buffers one after the other from `position` (no copy into one). */
  writev(data: readonly Buffer[], position: number): Promise<void>;
  /** Cut the output to `length` bytes (a file: what a record taken out again left past the end). */
  truncate?(length: number): Promise<void>;
}

export class FileOutput implements RecordOutput {
  readonly seekable = true;
  constructor(
    private readonly fh: FileHandle,
    private readonly name: string,
  ) {}

  async write(data: Buffer, position: number): Promise<void> {
    let done = 0;
    try {
      while (done < data.length) {
        const { bytesWritten } = await this.fh.write(data, done, data.length - done, position + done);
        done += bytesWritten;
      }
    } catch (error) {
      throw new WarcWriteError(this.name, describeWrite(error), { cause: error });
    }
  }

  async writev(data: readonly Buffer[], position: number): Promise<void> {
    let rest = [...data];
    let at = position;
    try {
      while (rest.length) {
        let { bytesWritten } = await this.fh.writev(rest, at);
        at += bytesWritten;
        // A short write: drop what is done, go on with the rest.
        while (rest.length && bytesWritten >= rest[0]!.length) bytesWritten -= rest.shift()!.length;
        if (bytesWritten > 0) rest[0] = rest[0]!.subarray(bytesWritten);
      }
    } catch (error) {
      throw new WarcWriteError(this.name, describeWrite(error), { cause: error });
    }
  }

  async truncate(length: number): Promise<void> {
    try {
      await this.fh.truncate(length);
    } catch (error) {
      throw new WarcWriteError(this.name, describeWrite(error), { cause: error });
    }
  }
}

export class StreamOutput implements RecordOutput {
  readonly seekable = false;
  private error: unknown;

  constructor(
    private readonly stream: Writable,
    private readonly name: string,
  ) {
    stream.on('error', (error) => (this.error ??= error));
  }

  async writev(data: readonly Buffer[]): Promise<void> {
    for (const part of data) await this.write(part);
  }

  async write(data: Buffer): Promise<void> {
    if (this.error !== undefined) throw new WarcWriteError(this.name, describeWrite(this.error), { cause: this.error });
    if (this.stream.destroyed || this.stream.writableEnded) throw new WarcWriteError(this.name, 'cannot write: the stream is closed');
    if (this.stream.write(data)) return;
    const closed = once(this.stream, 'close').then(() => {
      throw new WarcWriteError(this.name, this.error !== undefined ? describeWrite(this.error) : 'cannot write: the stream was closed');
    });
    closed.catch(() => undefined);
    await Promise.race([once(this.stream, 'drain'), closed]).catch((error: unknown) => {
      throw error instanceof WarcWriteError ? error : new WarcWriteError(this.name, describeWrite(error), { cause: error });
    });
  }
}
