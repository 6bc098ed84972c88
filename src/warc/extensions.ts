/**
 * Extra records per archived file, written after its conversion records and before its
 * transclusion metadata (see `RecordExtension` in plan-file.ts). Options that add records
 * (characterization metadata with WARC-Concurrent-To…) plug their record makers in here.
 */
import type { WarcRecordOptions } from './options.js';
import type { RecordExtension } from './plan-file.js';

/** The record makers the options ask for, in the order their records are written. */
export function recordExtensions(_options: WarcRecordOptions): RecordExtension[] {
  return [];
}
