/**
 * Characterization sidecars: ffprobe's JSON of a source and of each of its outputs, kept in one
 * file per source beside its outputs (`<output dir>/…/<source>.ffprobe.json`). They tell the
 * next run what the source is without probing it again (while its sha256 is the same), and
 * `warckit --characterize` writes them into the WARC as metadata records.
 */
import { writeFileAtomic } from '../util/atomic.js';
import { readRegularFile } from '../util/regular-file.js';

/** ffprobe's view of one file, as the sidecar keeps it. */
export interface CharacterizedFile {
  path: string;
  sha256: string;
  /** ffprobe's JSON (parsed), or null when ffprobe could not read the file. */
  ffprobe: unknown;
  /** `ffprobe version …` */
  tool_version?: string;
}

/** The sidecar document. */
export interface Characterization {
  warckit_characterization: 1;
  source: CharacterizedFile & {
    url: string;
    /** Sniffed from the first bytes, when a rule asked. */
    mime?: string;
    /** Why it is not media (no audio or video stream, or unreadable to ffprobe). */
    not_media?: string;
  };
  /** By output URL. */
  outputs: Record<string, CharacterizedFile>;
}

/** Sidecars are a few KB; more is not one. */
const MAX_SIDECAR = 16 * 1024 * 1024;

/** The sidecar's file name ending: `<source output path>.ffprobe.json`. */
export const SIDECAR_EXT = 'ffprobe.json';

function isCharacterization(doc: unknown): doc is Characterization {
  if (typeof doc !== 'object' || doc === null) return false;
  const d = doc as Record<string, unknown>;
  const source = d.source as Record<string, unknown> | undefined;
  return d.warckit_characterization === 1 && typeof source === 'object' && source !== null && typeof source.sha256 === 'string' && typeof d.outputs === 'object' && d.outputs !== null;
}

/** Read a sidecar; undefined when it is missing or not one (it is then written anew). */
export async function readCharacterization(path: string): Promise<Characterization | undefined> {
  try {
    const doc: unknown = JSON.parse((await readRegularFile(path, { maxBytes: MAX_SIDECAR })).toString('utf8'));
    return isCharacterization(doc) ? doc : undefined;
  } catch {
    return undefined;
  }
}

/** Write a sidecar atomically. */
export async function writeCharacterization(path: string, doc: Characterization): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(doc, null, 2)}\n`);
}

/** ffprobe's JSON text as a value to keep (the text itself when it does not parse). */
export function probeJsonValue(json: string): unknown {
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return json;
  }
}
