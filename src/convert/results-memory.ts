/**
 * Results kept in memory only, for a run without a results file (`results: false`): nothing
 * recorded earlier, nothing locked or written; what finished is in convertMedia's result.
 */
import type { ConversionResult } from './results.js';

/** What a run needs of its results (see ResultsStore for the file-backed one). */
export interface ResultsRecord {
  readonly conversions: Readonly<Record<string, readonly ConversionResult[]>>;
  record(source: string, list: readonly ConversionResult[]): void;
  close(): Promise<void>;
}

export class MemoryResults implements ResultsRecord {
  readonly conversions: Record<string, readonly ConversionResult[]> = {};

  record(source: string, list: readonly ConversionResult[]): void {
    this.conversions[source] = [...list];
  }

  async close(): Promise<void> {}
}
