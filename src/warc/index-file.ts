/**
 * `--cdxj`: the CDXJ index beside a WARC, written atomically. Lines of the records this run
 * wrote come from the writer (record-index.ts); the records an appended WARC already held are
 * indexed by warcio.js's CDXIndexer, reading only the bytes before the append point.
 */
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { CDXIndexer } from 'warcio';
import { sortLines } from '../replay/cdxj.js';
import { writeFileAtomic } from '../util/atomic.js';
import { rekeyedLine } from './record-index.js';

/** CDXJ lines of the first `end` bytes of the WARC at `path`, by warcio.js's indexer. */
export async function indexWarcBytes(path: string, end: number): Promise<string[]> {
  if (end === 0) return [];
  const indexer = new CDXIndexer({ format: 'cdxj' });
  const lines: string[] = [];
  const reader = createReadStream(path, { start: 0, end: end - 1 });
  for await (const result of indexer.iterIndex([{ filename: basename(path), reader }])) lines.push(rekeyedLine(indexer.serialize(result).trimEnd()));
  return lines;
}

/** Write the index at `indexPath`: the lines sorted as `sort` sorts in the C locale (bytewise), one per line. */
export async function writeIndexFile(indexPath: string, lines: readonly string[]): Promise<void> {
  const sorted = sortLines([...lines]);
  await writeFileAtomic(indexPath, sorted.length ? `${sorted.join('\n')}\n` : '');
}
