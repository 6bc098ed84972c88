/**
 * `warckit-replay index`: a CDXJ index of the transclusion metadata records of WARC files, so
 * lookups read a few blocks instead of every record of every WARC.
 */
import { stat } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { writeFileAtomic } from '../util/atomic.js';
import { sameFileAmong } from '../util/same-file.js';
import { cdxjLine, type IndexMeta, metaLine, sortLines } from './cdxj.js';
import { ReplayInputError, sniffReplayFile } from './file-kind.js';
import { MetadataRecordError, parseTransclusionRecord } from './records.js';
import { type ScanProblem, scanMetadataRecords } from './warc-scan.js';

/** What {@link writeTransclusionIndex} wrote. */
export interface WriteIndexResult {
  path: string;
  /** Metadata records indexed. */
  records: number;
  /** Damaged records and stretches, each with its file and offset (left out of the index). */
  problems: ScanProblem[];
}

/** Index the metadata records of `warcs` into `output` (written atomically; WARC paths stored relative to it). */
export async function writeTransclusionIndex(warcs: readonly string[], output: string): Promise<WriteIndexResult> {
  if (!warcs.length) throw new ReplayInputError('no WARC given to index');
  const kinds: Array<'warc' | 'warc.gz'> = [];
  for (const warc of warcs) {
    const kind = await sniffReplayFile(warc);
    if (kind === 'cdxj') throw new ReplayInputError(`${warc}: is a CDXJ index, not a WARC`);
    kinds.push(kind);
  }
  if (await sameFileAmong(output, warcs)) throw new ReplayInputError(`${output} is one of the inputs: refusing to replace it with the index; write the index elsewhere`);
  const problems: ScanProblem[] = [];
  const lines: string[] = [];
  const meta: IndexMeta = { warcs: {} };
  for (const [i, warc] of warcs.entries()) {
    const name = relative(dirname(resolve(output)), resolve(warc));
    const info = await stat(warc);
    meta.warcs[name] = { size: info.size, mtimeMs: info.mtimeMs };
    for await (const { entry, body } of scanMetadataRecords(warc, kinds[i]!, problems)) {
      try {
        parseTransclusionRecord({ targetUri: entry.uri, warcDate: entry.timestamp, body });
      } catch (error) {
        if (!(error instanceof MetadataRecordError)) throw error;
        problems.push({ file: warc, offset: entry.offset, problem: error.message });
        continue;
      }
      lines.push(cdxjLine(entry, name));
    }
  }
  await writeFileAtomic(output, `${[metaLine(meta), ...sortLines(lines)].join('\n')}\n`);
  return { path: output, records: lines.length, problems };
}
