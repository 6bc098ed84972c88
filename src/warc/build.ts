/**
 * `writeWarc`: files, directories and ZIP files (or objects) → one WARC file, as warcit writes
 * it, or numbered parts (`maxSize`). The composition of the records planner (plan.ts) and the
 * file sink (rollover.ts over writer.ts), with what a file needs around them: a lock, an atomic
 * create or a checked in-place append, an index (`cdxj`), and a log.
 */
import { OutputError } from '../util/atomic.js';
import { silentLogger } from '../util/logger.js';
import type { SkippedInput } from '../inputs/walk.js';
import type { UnmatchedConversionSource } from './conversion-match.js';
import type { SkippedConversion, UnreadableInput, WarcEvent } from './events.js';
import { RecordLog } from './log.js';
import { normalizeWarcOptions, type WriteWarcOptions } from './options.js';
import { planWarcRecords, type SharedUrl, WarcAbortedError } from './plan.js';
import { ProgressTracker } from './progress-tracker.js';
import { type WarcPart, WarcParts } from './rollover.js';
import { newRecordId, PayloadMismatchError, type PayloadReadError, type WarcRecordInput, type WrittenRecord } from './writer.js';

export type { SkippedConversion } from './events.js';
export type { UnmatchedConversionSource } from './conversion-match.js';
export { type SharedUrl, WarcAbortedError } from './plan.js';
export type { WarcPart } from './rollover.js';

/** What {@link writeWarc} wrote and what it left out. */
export interface WriteWarcResult {
  /** The WARC written (with `maxSize`: the first part written). */
  path: string;
  /** Every WARC written, in order (one unless `maxSize` rolled over), with its index (`cdxj`). */
  parts: WarcPart[];
  /** Records written by this run, by WARC-Type. */
  counts: Record<string, number>;
  /** Records written by this run. */
  records: number;
  /** Bytes this run added to the WARC. */
  bytes: number;
  /** Conversions listed as successful but not written (file missing, changed since conversion, or outside their directory). */
  skippedConversions: SkippedConversion[];
  /** Results entries whose source matched no input: none of their conversions were written. */
  unmatchedConversions: UnmatchedConversionSource[];
  /** Manifest media URLs that matched no input file. */
  unmatchedTransclusions: string[];
  /** `characterize`: archived sources written without their characterization records (sidecar missing, broken or refused). */
  uncharacterized: string[];
  /** Inputs archived at the URL of an earlier one (ZIP members whose names resolve alike, files such as café.dat and caf%C3%A9.dat): replay shows one of them. */
  sharedUrls: SharedUrl[];
  /** Inputs not archived because they are not regular files (FIFOs, sockets, devices, broken symlinks), or were removed after their directory was listed (`gone`). */
  skippedInputs: SkippedInput[];
  /**
   * Inputs (or conversion outputs) left out because they could not be read when their turn came:
   * removed, changed or made unreadable after they were listed. The rest of the WARC is written.
   */
  unreadableInputs: UnreadableInput[];
  /** The WARCs were written but an index (`cdxj`) could not be: why. */
  indexError?: string;
  /** The WARC was written but the log could not be: why. */
  logError?: string;
  warnings: string[];
}

/**
 * Write a WARC file from files, directories, ZIP files and objects: warcinfo, then per file a
 * resource record, a revisit for index files, a conversion record per successful conversion,
 * and transclusion metadata for the pages that embed it. Locked for the run; a new WARC appears
 * only when complete, an appended one is put back as it was if the run fails. With `maxSize`,
 * parts `site-00000.warc.gz`… each with its own warcinfo, all moved into place at the end.
 * @example
 * const result = await writeWarc({ urlPrefix: 'http://www.example.com/', inputs: ['site/'], name: 'site', conversions: converted });
 * console.log(result.path, result.counts); // site.warc.gz { warcinfo: 1, resource: 12, revisit: 2, conversion: 4 }
 */
export async function writeWarc(options: WriteWarcOptions): Promise<WriteWarcResult> {
  const opts = normalizeWarcOptions(options);
  const logger = options.logger ?? silentLogger;
  const emit = options.onEvent ?? (() => undefined);
  const counts: Record<string, number> = {};
  let tracker: ProgressTracker | undefined;
  const log = opts.log ? await RecordLog.open(opts.log) : undefined;
  // The resource records that begin an input file's records: a rolled-over WARC keeps each file's records together.
  const fileStarts = new WeakSet<WarcRecordInput>();
  let plan: Awaited<ReturnType<typeof planWarcRecords>>;
  try {
    plan = await planWarcRecords(
      { ...options, filename: opts.filename! },
      {
        warcPath: opts.path,
        rollover: opts.maxSize !== undefined,
        ...(log ? { log: (row) => log.queue(row), logPath: opts.log! } : {}),
        onFile: (input, entry) => {
          if (opts.maxSize !== undefined) fileStarts.add(input);
          tracker?.file(input, entry);
        },
      },
    );
  } catch (error) {
    await log?.abort();
    throw error;
  }
  const track = options.onEvent !== undefined;
  if (track) tracker = new ProgressTracker(plan.report, emit);
  const warn = (message: string): void => {
    plan.report.warnings.push(message);
    logger.warn(message);
    emit({ type: 'warning', message } satisfies WarcEvent);
  };
  // A file removed (or changed) after it was listed, or a damaged ZIP member, costs its own record, not the run's hours of work.
  const unreadableInputs: UnreadableInput[] = [];
  const onUnreadable = (input: WarcRecordInput, error: PayloadReadError): boolean => {
    if (error instanceof PayloadMismatchError && input.requires) {
      // A conversion whose source was archived with other bytes than those converted: reported as the conversions not written are.
      log?.settle(input.head.type, input.head.targetUri, false);
      const skipped: SkippedConversion = { source: input.requires.record.head.targetUri ?? '', url: input.head.targetUri ?? '', output: error.source, reason: error.detail };
      plan.report.skippedConversions.push(skipped);
      logger.error(`not writing conversion ${skipped.output}: ${skipped.reason}`);
      emit({ type: 'conversion-skipped', conversion: skipped } satisfies WarcEvent);
      return true;
    }
    // Only files on disk and ZIP members: an object input that fails (the caller's own stream) still stops the run.
    const onDisk = input.payload.kind === 'stream' && (input.payload.path !== undefined || input.payload.member === true);
    if (!onDisk && !input.revisitOf) return false;
    log?.settle(input.head.type, input.head.targetUri, false);
    if (input.revisitOf) return true; // left out with the record it revisits, which is reported
    const unreadable = { path: error.source, problem: error.detail };
    unreadableInputs.push(unreadable);
    const member = input.payload.kind === 'stream' && input.payload.member === true;
    logger.error(`${unreadable.path}: not archived: ${unreadable.problem}${member ? '' : ' (it changed after it was listed)'}`);
    emit({ type: 'input-unreadable', input: unreadable });
    return true;
  };
  const onRecord = (record: WrittenRecord, input: WarcRecordInput): void => {
    log?.settle(input.head.type, input.head.targetUri, true);
    counts[record.type] = (counts[record.type] ?? 0) + 1;
    if (!tracker) return;
    const source = tracker.sourceOf(input);
    emit({ type: 'record', record, ...(source !== undefined ? { source } : {}) });
    tracker.written(input);
  };
  const writer = {
    gzip: opts.gzip,
    gzipLevel: opts.gzipLevel,
    version: opts.warcVersion,
    digestAlgorithm: opts.digestAlgorithm,
    concurrency: options.concurrency ?? 8,
    onUnreadable,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(track ? { onPayloadBytes: (input: WarcRecordInput, done: number) => tracker!.bytes(input, done) } : {}),
  };
  // Locked (and an appended WARC's end checked) before the inputs are read, so a second run fails at once.
  const settings = { opts, options, writer, onRecord, warn, makeId: options.makeRecordId ?? newRecordId, now: options.now ?? (() => new Date()) };
  const parts = await WarcParts.open(settings).catch(async (error: unknown) => {
    await log?.abort();
    await plan.close();
    throw error;
  });
  let written: Awaited<ReturnType<WarcParts['commit']>>;
  try {
    for await (const batch of plan.batches!) {
      for (const record of batch) {
        const room = parts.add(record, fileStarts.has(record));
        if (room) await room;
      }
    }
    await parts.flush();
    if (options.signal?.aborted) throw new WarcAbortedError('interrupted');
    written = await parts.commit();
  } catch (error) {
    await parts.abort();
    await log?.abort();
    throw options.signal?.aborted ? new WarcAbortedError('interrupted') : error;
  } finally {
    await plan.close();
  }
  tracker?.tick(true);
  // The WARC is in place: a log that cannot be written is reported, not a failure of the run.
  let logError: string | undefined;
  await log?.commit().catch((error: unknown) => {
    logError = (error as Error).message;
  });
  const { report } = plan;
  return {
    path: written.parts[0]!.path,
    parts: written.parts,
    counts,
    records: Object.values(counts).reduce((n, c) => n + c, 0),
    bytes: written.parts.reduce((n, part) => n + part.bytes, 0),
    ...(written.indexError ? { indexError: written.indexError } : {}),
    skippedConversions: report.skippedConversions,
    unmatchedConversions: report.unmatchedConversions,
    unmatchedTransclusions: report.unmatchedTransclusions,
    uncharacterized: report.uncharacterized,
    sharedUrls: report.sharedUrls,
    skippedInputs: report.skippedInputs,
    unreadableInputs,
    ...(logError ? { logError } : {}),
    warnings: report.warnings,
  };
}
