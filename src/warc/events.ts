/**
 * What a WARC run tells as it goes (`onEvent`): each record written, progress, inputs and
 * conversions left out, warnings. Plain data, so a CLI can print it as JSON lines.
 */
import type { SkippedInput } from '../inputs/walk.js';
import type { WrittenRecord } from './writer.js';

/** A conversion listed as successful but not written. */
export interface SkippedConversion {
  /** The source's URL. */
  source: string;
  url: string;
  output: string;
  reason: string;
  /** Refused unread: the output resolves outside the directory the results speak for. */
  refused?: boolean;
}

/** An input (or conversion output) that could not be read when its turn came: left out of the WARC. */
export interface UnreadableInput {
  /** As the input is named (its path). */
  path: string;
  /** Why: `does not exist`, `size changed while reading …`, `cannot read (EIO)`. */
  problem: string;
}

/** How far a WARC run is. Totals grow while the inputs are still being walked (`walking`). */
export interface WarcProgress {
  /** Input files whose record is written. */
  filesDone: number;
  /** Input files found so far. */
  filesFound: number;
  /** Payload bytes of input files written, including the part written of the file being written. */
  bytesDone: number;
  bytesFound: number;
  /** Still walking the inputs: the totals may grow. */
  walking: boolean;
  /** The file being written, when it is large enough to take a while. */
  current?: { path: string; size: number; bytesDone: number };
}

/** An event of a WARC run (see `onEvent` in {@link WarcRecordOptions}). */
export type WarcEvent =
  | { type: 'record'; record: WrittenRecord; /** The file it holds, for file records. */ source?: string }
  | { type: 'progress'; progress: WarcProgress }
  | { type: 'input-skipped'; input: SkippedInput }
  | { type: 'input-unreadable'; input: UnreadableInput }
  | { type: 'conversion-skipped'; conversion: SkippedConversion }
  | { type: 'warning'; message: string };
