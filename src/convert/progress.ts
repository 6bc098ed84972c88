/** What {@link convertMedia} tells as it goes (`onEvent`): progress, each conversion as it starts and as it ends. */
import type { ConversionOutcome } from './convert.js';

/** A conversion running now. */
export interface RunningConversion {
  /** The source's URL. */
  source: string;
  rule: string;
  /** `<source url>.<ext>` */
  url: string;
  output: string;
  /** How far it is, 0-1, when ffmpeg tells (`-progress`) and the input's length is known. */
  fraction?: number;
  /** Seconds of output written so far, and the input's length (ffmpeg commands). */
  seconds?: number;
  duration?: number;
  /** Seconds left at its pace so far. */
  etaSeconds?: number;
}

/** How far a conversion run is. */
export interface ConvertProgress {
  /** Source files whose conversions are all finished (converted, skipped or failed). */
  filesDone: number;
  filesTotal: number;
  conversionsDone: number;
  conversionsTotal: number;
  /** Conversions running now. */
  running: readonly RunningConversion[];
}

/** An event of a conversion run (see {@link ConvertOptions.onEvent}). */
export type ConvertEvent =
  | { type: 'progress'; progress: ConvertProgress }
  | { type: 'conversion-start'; conversion: RunningConversion }
  | { type: 'conversion'; outcome: ConversionOutcome };
