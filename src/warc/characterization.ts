/**
 * `warckit --characterize`: the ffprobe JSON kept by `warckit-convert` (one sidecar per source,
 * named in the results file) written into the WARC as `metadata` records, each
 * `WARC-Concurrent-To` the resource or conversion record it describes, `application/json`.
 */
import { realpath } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ConversionResults } from '../convert/results.js';
import { readCharacterization } from '../convert/characterization.js';
import type { RecordHead } from './records.js';
import { isInside } from './conversion-outputs.js';
import type { WarcRecordInput } from './writer.js';

/** Content-Type of characterization metadata records. */
export const CHARACTERIZATION_CONTENT_TYPE = 'application/json';

/** The characterization JSON of one source and of its outputs (by output URL), ready to write. */
export interface SourceCharacterizations {
  source?: Buffer;
  outputs: Map<string, Buffer>;
}

/** What the metadata record describes and when. */
export interface CharacterizedRecord {
  recordId: string;
  /** The record it describes: `WARC-Concurrent-To`. */
  concurrentTo: string;
  targetUri: string;
  /** The described record's WARC-Date, so the two sort together. */
  date: Date;
  /** `['WARC-Creation-Date', …]` */
  created: [string, string];
}

/** The metadata record for ffprobe's JSON of one file (pure). */
export function characterizationRecord(json: Buffer, about: CharacterizedRecord): WarcRecordInput {
  const head: RecordHead = {
    type: 'metadata',
    recordId: about.recordId,
    date: about.date,
    targetUri: about.targetUri,
    contentType: CHARACTERIZATION_CONTENT_TYPE,
    headers: [about.created, ['WARC-Concurrent-To', about.concurrentTo]],
  };
  return { head, payload: { kind: 'buffer', data: json }, payloadDigest: true };
}

function serialized(ffprobe: unknown): Buffer | undefined {
  return ffprobe === null || ffprobe === undefined ? undefined : Buffer.from(`${JSON.stringify(ffprobe, null, 2)}\n`);
}

/**
 * Read the sidecars the results file names. A sidecar outside `root` (the directory the results
 * file speaks for) is refused unread, a missing or broken one is reported (and its source
 * added to `unusable`); an output's
 * characterization is used only while its sha256 is the one recorded for the conversion.
 */
export async function loadCharacterizations(
  results: ConversionResults,
  root: string,
  warn: (message: string) => void,
  unusable: Set<string> = new Set(),
): Promise<Map<string, SourceCharacterizations>> {
  const out = new Map<string, SourceCharacterizations>();
  for (const [source, list] of Object.entries(results.conversions)) {
    const named = list.find((r) => typeof r.characterization === 'string')?.characterization as string | undefined;
    if (!named) continue;
    const real = await realpath(resolve(named)).catch(() => undefined);
    if (real && !isInside(root, real)) {
      warn(`refusing characterization ${named} of ${source}: outside ${root}, the directory the results file speaks for`);
      unusable.add(source);
      continue;
    }
    const doc = real ? await readCharacterization(real) : undefined;
    if (!doc) {
      warn(`characterization ${named} of ${source} is missing or not a warckit characterization: no metadata record for it`);
      unusable.add(source);
      continue;
    }
    const outputs = new Map<string, Buffer>();
    for (const r of list) {
      const kept = doc.outputs[r.url];
      const data = kept && kept.sha256 === r.output_sha256 ? serialized(kept.ffprobe) : undefined;
      if (data) outputs.set(r.url, data);
    }
    const sourceJson = doc.source.sha256 === list[0]?.source_sha256 ? serialized(doc.source.ffprobe) : undefined;
    out.set(source, { ...(sourceJson ? { source: sourceJson } : {}), outputs });
  }
  return out;
}
