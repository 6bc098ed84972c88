/**
 * The transclusion index of WARC files: only the metadata records' payloads are read;
 * other records (media of any size) are skipped without being buffered.
 */
import { createReadStream } from 'node:fs';
import { WARCParser } from 'warcio';
import { isTransclusionRecord, parseTransclusionRecord, type TransclusionRecord } from './records.js';
import { buildTransclusionIndex, type TransclusionIndex } from './lookup.js';

export class WarcReadError extends Error {
  override name = 'WarcReadError';
}

/** Every transclusion metadata record in the given WARC files (plain or gzip). */
export async function readTransclusionRecords(paths: readonly string[]): Promise<TransclusionRecord[]> {
  const out: TransclusionRecord[] = [];
  for (const path of paths) {
    try {
      for await (const record of WARCParser.iterRecords(createReadStream(path))) {
        const targetUri = record.warcTargetURI ?? undefined;
        const contentType = record.warcContentType ?? undefined;
        if (record.warcType !== 'resource' && record.warcType !== 'metadata') continue;
        if (!isTransclusionRecord(targetUri, contentType) && !targetUri?.startsWith('metadata://')) continue;
        const parsed = parseTransclusionRecord({
          targetUri: targetUri ?? '',
          warcDate: record.warcDate ?? '',
          ...(record.warcHeader('WARC-Creation-Date') ? { creationDate: record.warcHeader('WARC-Creation-Date')! } : {}),
          ...(contentType ? { contentType } : {}),
          body: await record.contentText(),
        });
        if (parsed) out.push(parsed);
      }
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new WarcReadError(`${path}: ${code === 'ENOENT' ? 'no such file' : `cannot read as a WARC (${(error as Error).message})`}`);
    }
  }
  return out;
}

/** Build the lookup index from WARC files. */
export async function indexWarcFiles(paths: readonly string[]): Promise<TransclusionIndex> {
  return buildTransclusionIndex(await readTransclusionRecords(paths));
}
