/**
 * Walks uncompressed WARC bytes record by record without keeping payloads: each head must
 * start with `WARC/1.x`, state its Content-Length, and the block must be followed by CRLFCRLF.
 * Used to check that a gzip member holds whole records. Pure: no I/O.
 */

const HEAD_END = Buffer.from('\r\n\r\n');
const MAX_HEAD = 1024 * 1024;

/** The bytes are not (complete) WARC records; `offset` is where the problem is, from the start of the bytes walked. */
export class WarcFormatError extends Error {
  override name = 'WarcFormatError';
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

/** Parse a record head (up to and including its CRLFCRLF): the block length it declares. */
export function parseHeadLength(head: Buffer, offset = 0): number {
  const text = head.toString('latin1');
  if (!/^WARC\/1\.[01]\r\n/.test(text)) throw new WarcFormatError(offset, 'not a WARC record header (expected WARC/1.0 or WARC/1.1)');
  const match = /\r\ncontent-length:[ \t]*(\d{1,15})[ \t]*\r\n/i.exec(text);
  if (!match) throw new WarcFormatError(offset, 'WARC record header without a Content-Length');
  return Number(match[1]);
}

export class WarcRecordWalker {
  /** Bytes consumed so far. */
  offset = 0;
  /** Complete records seen. */
  records = 0;
  /** Where the record being walked starts. */
  recordStart = 0;
  private state: 'head' | 'block' | 'trailer' = 'head';
  private head: Buffer[] = [];
  private headSize = 0;
  private remaining = 0;
  private trailerSeen = 0;

  push(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.state === 'head') at = this.takeHead(chunk, at);
      else if (this.state === 'block') {
        const take = Math.min(this.remaining, chunk.length - at);
        this.remaining -= take;
        at += take;
        this.offset += take;
        if (this.remaining === 0) this.state = 'trailer';
      } else {
        if (chunk[at] !== HEAD_END[this.trailerSeen]) {
          throw new WarcFormatError(this.recordStart, `record at offset ${this.recordStart}: its block is not followed by CRLFCRLF (Content-Length wrong or data damaged)`);
        }
        at++;
        this.offset++;
        if (++this.trailerSeen === 4) {
          this.records++;
          this.state = 'head';
          this.recordStart = this.offset;
          this.head = [];
          this.headSize = 0;
        }
      }
    }
  }

  private takeHead(chunk: Buffer, at: number): number {
    const part = chunk.subarray(at);
    this.head.push(part);
    const before = this.headSize;
    this.headSize += part.length;
    const joined = this.head.length === 1 ? part : Buffer.concat(this.head);
    if (this.head.length > 1) this.head = [joined];
    if (joined.length >= 7 && !joined.subarray(0, 7).equals(Buffer.from('WARC/1.'))) {
      throw new WarcFormatError(this.recordStart, `no WARC record header at offset ${this.recordStart}`);
    }
    const end = joined.indexOf(HEAD_END, Math.max(0, before - 3));
    if (end < 0) {
      if (this.headSize > MAX_HEAD) throw new WarcFormatError(this.recordStart, `record header at offset ${this.recordStart} is longer than ${MAX_HEAD} bytes`);
      this.offset += part.length;
      return chunk.length;
    }
    const headLength = end + 4;
    this.remaining = parseHeadLength(joined.subarray(0, headLength), this.recordStart);
    this.state = this.remaining > 0 ? 'block' : 'trailer';
    this.trailerSeen = 0;
    const used = headLength - before;
    this.offset += used;
    return at + used;
  }

  /** The bytes ended: they must end between records. */
  end(): void {
    if (this.state !== 'head' || this.headSize > 0) {
      throw new WarcFormatError(this.recordStart, `the record at offset ${this.recordStart} is cut off`);
    }
  }
}
