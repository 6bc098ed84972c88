/**
 * Read one record of a WARC at a known offset (from an index): only its bytes are read, and
 * for a `.warc.gz` only its own gzip member is inflated.
 */
import { WARCParser } from 'warcio';
import { openRegularFile } from '../util/regular-file.js';
import { MAX_METADATA_BYTES } from './warc-scan.js';

export interface ReadRecord {
  uri: string;
  warcDate: string;
  creationDate?: string;
  contentType?: string;
  body: string;
}

/** Read the record at `offset` (`length` bytes) of `path`; throws naming the file and offset if none is there. */
export async function readRecordAt(path: string, offset: number, length: number): Promise<ReadRecord> {
  let opened: Awaited<ReturnType<typeof openRegularFile>>;
  try {
    opened = await openRegularFile(path, { what: 'WARC' });
  } catch (error) {
    throw new Error(`${path}: cannot read the record at offset ${offset} (${(error as Error).message})`);
  }
  const stream = opened.handle.createReadStream({ start: offset, ...(length > 0 ? { end: offset + length - 1 } : {}) });
  try {
    const record = await new WARCParser(stream, { parseHttp: false }).parse();
    if (!record) throw new Error('no record there');
    const declared = Number(record.warcHeader('Content-Length') ?? 0);
    if (declared > MAX_METADATA_BYTES) throw new Error(`a ${declared}-byte record is not transclusion metadata`);
    const body = Buffer.from(await record.readFully(false)).toString('utf8');
    const out: ReadRecord = { uri: record.warcTargetURI ?? '', warcDate: record.warcDate ?? '', body };
    const created = record.warcHeader('WARC-Creation-Date');
    if (created) out.creationDate = created;
    if (record.warcContentType) out.contentType = record.warcContentType;
    return out;
  } catch (error) {
    throw new Error(`${path} at offset ${offset}: cannot read the record (${(error as Error).message})`);
  } finally {
    stream.destroy();
    await opened.handle.close().catch(() => undefined);
  }
}
