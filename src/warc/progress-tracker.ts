/**
 * @internal Progress of a WARC run from its two ends: the planner says which records hold input
 * files (and the walk's totals), the writer says what is written, and how far into a large file.
 * Events are at most ten a second, plus one when the run ends.
 */
import type { FileEntry } from '../inputs/entry.js';
import type { WarcEvent, WarcProgress } from './events.js';
import type { WarcPlanReport } from './plan.js';
import type { WarcRecordInput } from './writer.js';

const INTERVAL_MS = 100;
/** Files at least this large are shown as the current file, with their own byte count. */
const CURRENT_MIN_BYTES = 8 * 1024 * 1024;

export class ProgressTracker {
  private readonly files = new WeakMap<WarcRecordInput, FileEntry>();
  private filesDone = 0;
  private bytesDone = 0;
  private current: WarcProgress['current'];
  /** The current payload is an input file's (its bytes count towards the totals). */
  private currentIsInput = false;
  private last = 0;

  constructor(
    private readonly report: WarcPlanReport,
    private readonly emit: (event: WarcEvent) => void,
  ) {}

  /** The record that holds an input file. */
  file(input: WarcRecordInput, entry: FileEntry): void {
    this.files.set(input, entry);
  }

  /** The file (or other source) a record holds, for messages. */
  sourceOf(input: WarcRecordInput): string | undefined {
    return this.files.get(input)?.path ?? (input.payload.kind === 'stream' ? input.payload.name : undefined);
  }

  /** Part of a large payload is written. */
  bytes(input: WarcRecordInput, done: number): void {
    const entry = this.files.get(input);
    const size = input.payload.kind === 'stream' ? input.payload.size : 0;
    if (size < CURRENT_MIN_BYTES) return;
    this.current = { path: entry?.path ?? (input.payload.kind === 'stream' ? input.payload.name : ''), size, bytesDone: done };
    this.currentIsInput = entry !== undefined;
    this.tick(false);
  }

  /** A record is written. */
  written(input: WarcRecordInput): void {
    const entry = this.files.get(input);
    if (this.current && input.payload.kind === 'stream' && this.current.path === (entry?.path ?? input.payload.name)) this.current = undefined;
    if (!entry) return;
    this.filesDone++;
    this.bytesDone += entry.size;
    this.current = undefined;
    this.tick(false);
  }

  /** Where the run is now. */
  progress(): WarcProgress {
    const partial = this.current && this.currentIsInput ? this.current.bytesDone : 0;
    const progress: WarcProgress = {
      filesDone: this.filesDone,
      filesFound: this.report.filesFound,
      bytesDone: this.bytesDone + partial,
      bytesFound: this.report.bytesFound,
      walking: this.report.walking,
    };
    if (this.current) progress.current = { ...this.current };
    return progress;
  }

  /** Tell the progress, unless told less than 100 ms ago (`force`: always, e.g. at the end). */
  tick(force: boolean): void {
    const now = performance.now();
    if (!force && now - this.last < INTERVAL_MS) return;
    this.last = now;
    this.emit({ type: 'progress', progress: this.progress() });
  }
}
