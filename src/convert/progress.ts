/** What {@link convertMedia} reports as it goes (for a progress display). */
export interface ConvertProgress {
  /** Source files whose conversions are all finished (converted, skipped or failed). */
  filesDone: number;
  filesTotal: number;
  conversionsDone: number;
  conversionsTotal: number;
  /** Outputs being written right now (`<source url>.<ext>`). */
  running: readonly string[];
}
