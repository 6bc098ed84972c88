/**
 * `planWarcRecords`: what records a WARC gets, as an ordered stream of record inputs, apart
 * from where they go (a file, a Writable, warcio.js records: see sinks). Settings, mapfile,
 * conversions and manifest are read and checked up front; the inputs are walked as the records
 * are consumed, so memory follows the batch being written, not the number of files.
 */
import { createReadStream } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import pLimit from 'p-limit';
import type { ConversionResult } from '../convert/results.js';
import { isPartialOutputName } from '../convert/stale-temps.js';
import type { FileEntry } from '../inputs/entry.js';
import { overlappingInputs, overlapWarning } from '../inputs/overlap.js';
import { matchesAny } from '../inputs/url.js';
import { type SkippedInput, unfollowedWarning, type WalkItem, walkInputBatches } from '../inputs/walk.js';
import { playsInBrowsers } from '../media/playable.js';
import type { PageGroup } from '../transclusions/page-groups.js';
import { mapOrdered, readAhead } from '../util/async-iter.js';
import { silentLogger } from '../util/logger.js';
import { parseFixedDate, timestamp14 } from '../util/timestamps.js';
import { VERSION } from '../version.js';
import { type ContentTypeOptions, type ContentTypeResult, contentTypeUnread, decideContentType } from './content-type.js';
import { findUnmatchedSources, type UnmatchedConversionSource } from './conversion-match.js';
import { checkConversionOutput, conversionFiles, isInside, sourceCheck } from './conversion-outputs.js';
import type { SkippedConversion, WarcEvent } from './events.js';
import { recordExtensions } from './extensions.js';
import { refuseLogClash } from './log-target.js';
import { MapfileMatcher, type MapfileRow } from './mapfile.js';
import { type NormalizedRecordOptions, normalizeRecordOptions, type WarcRecordOptions } from './options.js';
import { isOwnWarcName, ownFileCheck } from './own-files.js';
import { PagePlayerCheck } from './page-players.js';
import { PageTracker } from './page-tracker.js';
import { type ArchivedFile, type FileRecordContext, fileRecords, groupRecords, type LogRow, type PlannedConversion } from './plan-file.js';
import { loadPlanSources, type PlanSources } from './plan-sources.js';
import { WARCINFO_CONTENT_TYPE, type WarcVersion, warcinfoBlock } from './records.js';
import { newRecordId, type WarcRecordInput } from './writer.js';

/** What a run left out or warned about. Complete once the records have all been consumed. */
export interface WarcPlanReport {
  /** Inputs not archived because they are not regular files (FIFOs, sockets, devices, broken symlinks), or were removed after their directory was listed (`gone`). */
  skippedInputs: SkippedInput[];
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
  warnings: string[];
  /** Input files (and their bytes) found so far; final once `walking` is false. */
  filesFound: number;
  bytesFound: number;
  walking: boolean;
}

/** An input archived at the URL of an earlier input. */
export interface SharedUrl {
  url: string;
  path: string;
  /** The earlier input at that URL. */
  other: string;
}

/**
 * The records of a WARC, in order, ready for a sink: `writeWarcRecords` (any Writable),
 * `toWarcioRecords` (warcio.js), or `writeWarc` (a file).
 */
export interface WarcRecordPlan {
  /** The records, in order. Iterate once; files are read by the sink when it writes them. */
  readonly records: AsyncIterable<WarcRecordInput>;
  /**
   * @internal The same records in batches (those of a few hundred files at a time), for sinks
   * that take thousands: one step of an async iterable costs more than planning a file's records.
   * Iterate either this or `records`, once.
   */
  readonly batches?: AsyncIterable<WarcRecordInput[]>;
  /** The version the records' dates and profiles are written for: sinks use the same. */
  readonly warcVersion: WarcVersion;
  readonly report: WarcPlanReport;
  /**
   * Release what the plan holds open for the sink (ZIP files whose members are read as they are
   * written). The sinks call it when given the plan; call it yourself when you consume `records` directly.
   */
  close(): Promise<void>;
}

/** The run was stopped through its AbortSignal. */
export class WarcAbortedError extends Error {
  override name = 'WarcAbortedError';
}

/** @internal What `writeWarc` adds to a plan: its output (never an input of its own), a log, files as their records go by. */
export interface PlanInternals {
  warcPath?: string;
  /** `warcPath` is rolled over into parts (site-00000.warc.gz…): all of them are the run's own files. */
  rollover?: boolean;
  log?: (row: LogRow) => void;
  /** Where the log goes: refused when it is another file of the run (the WARC, the mapfile, a conversion output…). */
  logPath?: string;
  /** The resource record of an input file is planned. */
  onFile?: (input: WarcRecordInput, entry: FileEntry) => void;
}

/** A file of the walk that goes into the WARC, with its mapfile row and URL. */
interface FoundFile {
  entry: FileEntry;
  row: MapfileRow | undefined;
  url: string;
}

/** Records of page metadata passed on at once (one media may complete 40,000 pages). */
const GROUP_BATCH = 256;

/** The items of `items`, `size` at a time. */
function* inBatches<T>(items: Iterable<T>, size: number): Generator<T[]> {
  let batch: T[] = [];
  for (const item of items) {
    batch.push(item);
    if (batch.length < size) continue;
    yield batch;
    batch = [];
  }
  if (batch.length) yield batch;
}

/** Files whose checks (content type read from the file, conversions) run at once. */
const PREPARE_AHEAD = 8;
/** Batches of files (up to 256 each) the walk may find ahead of the writing (their count is the progress total meanwhile). */
const WALK_AHEAD = 4;

function included(path: string, opts: NormalizedRecordOptions): boolean {
  const lower = path.toLowerCase();
  if (opts.include.length && matchesAny(lower, opts.include)) return true;
  if (opts.exclude.length) return !matchesAny(lower, opts.exclude);
  return opts.include.length === 0;
}

/** Quote an argument for the warcinfo command line when it would not read back as one word. */
function quoteArg(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** Several media of one page as youtube-dl records: pywb's stock client shows only one of them. */
function crowdedWarning(pages: ReadonlyMap<string, number>, format: string): string {
  const [first] = pages;
  const others = pages.size > 1 ? ` (and ${pages.size - 1} more page(s))` : '';
  const advice =
    format === 'both'
      ? "warckit's replay client (README: Replay) plays them all from the urn:transclusions: records also written"
      : "add --transclusion-format both and deploy warckit's replay client (README: Replay) to play them all";
  return `${first![0]} embeds ${first![1]} media at one capture time${others}: pywb's stock transclusions.js replaces only one of them; ${advice}`;
}

/** Read and check everything that configures the records; the inputs are walked when the records are read. */
export async function planWarcRecords(options: WarcRecordOptions, internals: PlanInternals = {}): Promise<WarcRecordPlan> {
  const opts = normalizeRecordOptions(options);
  const logger = options.logger ?? silentLogger;
  const emit = options.onEvent ?? (() => undefined);
  const report: WarcPlanReport = { skippedInputs: [], skippedConversions: [], unmatchedConversions: [], unmatchedTransclusions: [], uncharacterized: [], sharedUrls: [], warnings: [], filesFound: 0, bytesFound: 0, walking: true };
  const warn = (message: string): void => {
    report.warnings.push(message);
    logger.warn(message);
    emit({ type: 'warning', message } satisfies WarcEvent);
  };
  // The files that configure the run are read before anything else is touched.
  const sources = await loadPlanSources(options, warn);
  if (internals.logPath !== undefined) {
    const path = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
    await refuseLogClash(internals.logPath, { inputs: opts.inputs, warcPath: internals.warcPath, rollover: internals.rollover, mapfile: path(options.mapfile), results: path(options.conversions), manifest: path(options.transclusions), sources });
  }
  for (const overlap of overlappingInputs(opts.inputs)) warn(overlapWarning(overlap));
  // Inputs are checked now (a missing one fails the plan, before a sink has any record) and walked as the records are read.
  const closers: Array<() => void> = [];
  const items = await walkInputBatches(opts.inputs, opts.urlPrefix, { keepOpen: (close) => closers.push(close), ...(options.signal ? { signal: options.signal } : {}) });
  const run = new PlanRun(opts, options, sources, report, warn, internals, items, closers);
  return { records: run.records(), batches: run.recordBatches(), warcVersion: opts.warcVersion, report, close: async () => run.close() };
}

/** One plan's state as its records are produced. */
class PlanRun {
  private readonly now: () => Date;
  private readonly makeId: () => string;
  private readonly mapper: MapfileMatcher | undefined;
  private readonly pages: PageTracker | undefined;
  private readonly runTimestamp: string;
  /** Files the walk listed, before --include/--exclude. */
  private filesListed = 0;
  /** Checked conversions and Content-Type of manifest media, for the transclusion formats. */
  private readonly media = new Map<string, { conversions: ConversionResult[]; contentType?: string }>();
  /** Input URLs that may explain an unmatched results entry (same file name). */
  private readonly candidateUrls = new Set<string>();
  private contentTypeOptions: ContentTypeOptions | undefined;
  private readonly resultNames: Set<string>;
  /** Outputs, sidecars and the results file of the conversions (see conversionFiles), and how many were found among the inputs. */
  private readonly conversionFiles: Set<string> | undefined;
  private conversionFilesFound = 0;
  /** The manifest's pages among the inputs, checked at the end as replay will place their media. */
  private readonly pageCheck: PagePlayerCheck | undefined;
  private readonly context: FileRecordContext;
  /** Checks that read files (see prepare), PREPARE_AHEAD at a time. */
  private readonly reading = pLimit(PREPARE_AHEAD);

  constructor(
    private readonly opts: NormalizedRecordOptions,
    private readonly options: WarcRecordOptions,
    private readonly sources: PlanSources,
    private readonly report: WarcPlanReport,
    private readonly warn: (message: string) => void,
    private readonly internals: PlanInternals,
    private readonly items: AsyncGenerator<WalkItem[]>,
    /** ZIP files read by the walk: open until the sink has read every record's payload (see `close`). */
    private readonly closers: Array<() => void>,
  ) {
    this.now = options.now ?? (() => new Date());
    this.makeId = options.makeRecordId ?? newRecordId;
    this.mapper = sources.mapfile ? new MapfileMatcher(sources.mapfile.rows, sources.mapfile.name) : undefined;
    this.runTimestamp = timestamp14(this.now());
    this.pages = sources.manifest ? new PageTracker(sources.manifest, this.runTimestamp) : undefined;
    this.pageCheck = sources.manifest ? new PagePlayerCheck(sources.manifest) : undefined;
    const lastSegment = (url: string): string => url.slice(url.lastIndexOf('/') + 1);
    this.conversionFiles = sources.conversions ? conversionFiles(sources.conversions.results, typeof options.conversions === 'string' ? options.conversions : undefined) : undefined;
    this.resultNames = new Set(Object.keys(sources.conversions?.results.conversions ?? {}).map(lastSegment));
    this.context = {
      options: opts,
      ...(sources.manifest ? { manifest: sources.manifest } : {}),
      runTimestamp: this.runTimestamp,
      conversionsOf: (url) => this.media.get(url)?.conversions ?? [],
      contentTypeOf: (url) => this.media.get(url)?.contentType,
      extensions: recordExtensions(sources),
      makeId: this.makeId,
      now: this.now,
      ...(internals.log ? { log: internals.log } : {}),
    };
  }

  private emit(event: WarcEvent): void {
    this.options.onEvent?.(event);
  }

  private checkAborted(): void {
    if (this.options.signal?.aborted) throw new WarcAbortedError('interrupted');
  }

  close(): void {
    for (const close of this.closers.splice(0)) close();
  }

  async *records(): AsyncGenerator<WarcRecordInput> {
    for await (const batch of this.recordBatches()) yield* batch;
  }

  /** The records in batches, a batch of the walk's files at a time (see `WarcRecordPlan.batches`). */
  async *recordBatches(): AsyncGenerator<WarcRecordInput[]> {
    if (this.opts.warcinfo) yield [this.warcinfo()];
    // One batch prepared while the one before it is written.
    const files = mapOrdered(readAhead(this.kept(), WALK_AHEAD, () => (this.report.walking = false)), (found) => this.prepareBatch(found), 2);
    const groups = this.opts.transclusionFormat !== 'youtube-dl';
    for await (const batch of files) {
      this.checkAborted();
      let records: WarcRecordInput[] = [];
      for (const file of batch) {
        const later = this.fileRecords(file, records);
        if (later) await later;
        const complete = this.completedPages(file);
        if (!complete.length || !groups) continue;
        // The pages a media completes, in batches too: one media may be in 40,000 pages.
        for (const record of groupRecords(complete, this.context)) {
          records.push(record);
          if (records.length < GROUP_BATCH) continue;
          yield records;
          records = [];
        }
      }
      if (records.length) yield records;
    }
    this.checkAborted();
    if (this.pages && groups) yield* inBatches(groupRecords(this.pages.rest(), this.context), GROUP_BATCH);
    await this.pageCheck?.check(this.warn);
    this.finish();
  }

  /** A file's records, added to `records`; a promise only when an extension's records come later. */
  private fileRecords(file: ArchivedFile, records: WarcRecordInput[]): void | Promise<void> {
    // IDs are given in record order (prepare runs ahead), so a fixed ID source gives a fixed WARC.
    file.recordId = this.makeId();
    const planned = fileRecords(file, this.context);
    if (!Array.isArray(planned)) return this.fileRecordsLater(file, planned, records);
    for (const record of planned) this.add(file, record, records);
    this.fileDone(file);
  }

  private async fileRecordsLater(file: ArchivedFile, planned: AsyncIterable<WarcRecordInput>, records: WarcRecordInput[]): Promise<void> {
    for await (const record of planned) this.add(file, record, records);
    this.fileDone(file);
  }

  private add(file: ArchivedFile, record: WarcRecordInput, records: WarcRecordInput[]): void {
    if (record.head.recordId === file.recordId) this.internals.onFile?.(record, file.entry);
    records.push(record);
  }

  /** A file's records are planned: a characterization it lacks is reported. */
  private fileDone(file: ArchivedFile): void {
    if (this.sources.unusableCharacterizations?.has(file.url)) this.report.uncharacterized.push(file.url);
  }

  /** The manifest's pages (at a timestamp) whose last media among the inputs this file is. */
  private completedPages(file: ArchivedFile): PageGroup[] {
    return this.pages && this.sources.manifest?.transclusions.has(file.url) ? this.pages.add(file.url) : [];
  }

  private warcinfo(): WarcRecordInput {
    const block = warcinfoBlock([
      ['software', `warckit ${VERSION}`],
      ['format', `WARC File Format ${this.opts.warcVersion}`],
      ['cmdline', this.opts.commandLine?.map(quoteArg).join(' ')],
    ]);
    return {
      head: { type: 'warcinfo', recordId: this.makeId(), date: this.now(), ...(this.opts.filename !== undefined ? { filename: this.opts.filename } : {}), contentType: WARCINFO_CONTENT_TYPE, headers: [] },
      payload: { kind: 'buffer', data: block },
      payloadDigest: false,
    };
  }

  /** The walk's files that go into the WARC, a batch at a time, with their mapfile row and URL; what is left out is reported. */
  private async *kept(): AsyncGenerator<FoundFile[]> {
    const isOwn = this.internals.warcPath !== undefined ? ownFileCheck(this.internals.warcPath, this.internals.rollover) : undefined;
    for await (const items of this.items) {
      const found: FoundFile[] = [];
      for (const item of items) {
        const entry = this.fileOf(item);
        if (!entry) continue;
        const own = isOwn?.(entry);
        if (own && (await own)) {
          this.leaveOutOwn(entry);
          continue;
        }
        const file = this.keptFile(entry);
        if (file) found.push(this.counted(file));
      }
      if (found.length) yield found;
    }
    if (this.conversionFilesFound) {
      const logger = this.options.logger ?? silentLogger;
      logger.info(`left out ${this.conversionFilesFound} file(s) of the conversions (${this.sources.conversions!.name}: outputs, partial outputs, sidecars, the results file) found among the inputs: they are written as conversion records, not as files of the site`);
    }
  }

  /** The file of a walk item; what is not a file is reported. */
  private fileOf(item: WalkItem): FileEntry | undefined {
    const logger = this.options.logger ?? silentLogger;
    if (item.unfollowed) {
      if (included(item.unfollowed.path, this.opts)) this.warn(unfollowedWarning(item.unfollowed, 'archive'));
      return undefined;
    }
    if (item.skipped) {
      if (!included(item.skipped.path, this.opts)) return undefined;
      this.report.skippedInputs.push(item.skipped);
      logger.error(`${item.skipped.path}: not archived: ${item.skipped.gone ? item.skipped.kind : `a ${item.skipped.kind}, not a regular file`}`);
      this.emit({ type: 'input-skipped', input: item.skipped });
      return undefined;
    }
    this.noteUrl(item.entry.url);
    return item.entry;
  }

  /** A file that goes into the WARC (not one of the conversions' files, not left out by --include/--exclude), with its mapfile row and URL. */
  private keptFile(entry: FileEntry): FoundFile | undefined {
    // A source of a conversion is never one of its outputs, whatever a results file says.
    if (this.conversionFiles && entry.filePath !== undefined && this.isConversionFile(entry.filePath) && !this.sources.conversions!.results.conversions[entry.url]) {
      this.conversionFilesFound++;
      return undefined;
    }
    this.filesListed++;
    if (!included(entry.path, this.opts)) return undefined;
    const row = this.mapper?.match(entry.path);
    return { entry, row, url: row?.URL ?? entry.url };
  }

  /** The WARC being replaced or appended to is worth a warning; its temporary, lock and marker files are not. */
  private leaveOutOwn(entry: FileEntry): void {
    const { warcPath, rollover } = this.internals;
    if (isOwnWarcName(basename(entry.path), basename(warcPath!), rollover)) this.warn(`leaving out ${entry.path}: it is the WARC this run writes (${warcPath})`);
    else (this.options.logger ?? silentLogger).debug(`leaving out ${entry.path}: a file kept beside ${warcPath} while it is written`);
  }

  /** A file that goes into the WARC, counted (a mapfile row may have given it a URL of its own). */
  private counted(file: FoundFile): FoundFile {
    const { entry, url } = file;
    this.noteUrl(url);
    if (entry.sameUrlAs !== undefined && url === entry.url) {
      this.report.sharedUrls.push({ url, path: entry.sameUrlAs.name, other: entry.sameUrlAs.other });
      (this.options.logger ?? silentLogger).error(`${entry.sameUrlAs.name} has the URL of ${entry.sameUrlAs.other} (${url}): both archived, replay shows one of them`);
    }
    this.report.filesFound++;
    this.report.bytesFound += entry.size;
    this.pageCheck?.note(entry, url);
    return file;
  }

  /** One of the conversions' files (see conversionFiles), or a partial output a killed warckit-convert left among them. */
  private isConversionFile(filePath: string): boolean {
    const path = resolve(filePath);
    if (this.conversionFiles?.has(path)) return true;
    const root = this.sources.conversions?.root;
    return root !== undefined && isInside(root, path) && isPartialOutputName(basename(path));
  }

  /** Keep input URLs that could explain a results entry matching no input (bounded by the results). */
  private noteUrl(url: string): void {
    if (this.resultNames.has(url.slice(url.lastIndexOf('/') + 1))) this.candidateUrls.add(url);
  }

  /** {@link prepare} over a batch: without a promise when none of its files needs one. */
  private prepareBatch(found: readonly FoundFile[]): ArchivedFile[] | Promise<ArchivedFile[]> {
    const prepared = found.map((file) => this.prepare(file));
    return prepared.some((p) => p instanceof Promise) ? Promise.all(prepared) : (prepared as ArchivedFile[]);
  }

  /**
   * Decide a file's date and Content-Type and check its conversions (ahead of its turn). Without
   * a promise when nothing needs reading (no conversions, the type from the name or mapfile).
   */
  private prepare({ entry, row, url }: FoundFile): ArchivedFile | Promise<ArchivedFile> {
    const date = row?.timestamp ? parseFixedDate(row.timestamp, `${row.where ?? this.sources.mapfile?.name}: timestamp`) : (this.opts.date ?? entry.mtime);
    const mapped = row?.['Content-Type'] ?? entry.contentType;
    // As warcit: the type is guessed (and mime overrides applied) from the file's own URL, not the mapped one.
    const subject = { url: entry.url, open: entry.open, ...(mapped ? { mapped } : {}) };
    const known = contentTypeUnread(subject, this.ctOptions);
    if (known && !this.sources.conversions) return this.prepared(entry, url, date, known, { checked: [], written: [] });
    return this.reading(async () => {
      const contentType = known ?? (await decideContentType(subject, this.ctOptions));
      return this.prepared(entry, url, date, contentType, await this.checkConversions(url, entry));
    });
  }

  private prepared(entry: FileEntry, url: string, date: Date, contentType: ContentTypeResult, { checked, written }: { checked: ConversionResult[]; written: PlannedConversion[] }): ArchivedFile {
    this.pageCheck?.typed(url, contentType.mime);
    if (this.sources.manifest?.transclusions.has(url)) this.media.set(url, { conversions: checked, contentType: contentType.contentType });
    // Its record ID is given in its turn (see fileRecords).
    return { entry, url, date, contentType, recordId: '', conversions: written };
  }

  /** Content-Type settings of the run (made once: they are asked for every file). */
  private get ctOptions(): ContentTypeOptions {
    this.contentTypeOptions ??= { useMagic: this.opts.mimeFrom === 'content' ? 'magic' : 'filename', noXhtml: this.opts.xhtmlAsHtml, mimeOverrides: this.opts.mimeOverrides, charset: this.opts.charset };
    return this.contentTypeOptions;
  }

  /** The source's successful conversions whose files check out; those also written (include/exclude). */
  private async checkConversions(url: string, entry: FileEntry): Promise<{ checked: ConversionResult[]; written: PlannedConversion[] }> {
    const conversions = this.sources.conversions;
    const checked: ConversionResult[] = [];
    const written: PlannedConversion[] = [];
    if (!conversions) return { checked, written };
    const logger = this.options.logger ?? silentLogger;
    // Results are keyed by the file's own URL (warckit-convert knows no mapfile); a mapfile row may have given it another.
    const results = conversions.results.conversions[url] ?? conversions.results.conversions[entry.url] ?? [];
    const { changed, digests } = results.length ? await sourceCheck(entry, results) : {};
    for (const result of results) {
      if (!result.success) {
        this.warn(`skipping unsuccessful conversion: ${result.output}`);
        continue;
      }
      const check = changed ? { ok: false as const, refused: false, reason: changed } : await checkConversionOutput(result, conversions.root);
      if (!check.ok) {
        const skipped: SkippedConversion = { source: url, url: result.url, output: result.output, reason: check.reason, ...(check.refused ? { refused: true } : {}) };
        this.report.skippedConversions.push(skipped);
        logger.error(`${check.refused ? 'refusing' : 'not writing'} conversion ${result.output}: ${check.reason}`);
        this.emit({ type: 'conversion-skipped', conversion: skipped });
        continue;
      }
      checked.push(result);
      if (!included(result.output, this.opts)) continue;
      const planned = await this.planConversion(result, check.stats);
      // Checked against the bytes converted: the source's record must hold those very bytes when it is written.
      if (digests) planned.sourceDigests = digests;
      written.push(planned);
    }
    return { checked, written };
  }

  private async planConversion(result: ConversionResult, stats: PlannedConversion['stats']): Promise<PlannedConversion> {
    const row = this.mapper?.match(result.output);
    const url = row?.URL ?? result.url;
    const date = row?.timestamp ? parseFixedDate(row.timestamp, `${row.where}: timestamp`) : (this.opts.date ?? stats.mtime);
    // The rule says what it made (interview.wav.webm is audio/webm); a mapfile row still wins; else the file's own URL, as warcit.
    const declared = row?.['Content-Type'] ?? (typeof result.metadata?.mime === 'string' && result.metadata.mime ? result.metadata.mime : undefined);
    const open = async (): Promise<Readable> => createReadStream(result.output, { highWaterMark: 1024 * 1024 });
    const contentType: ContentTypeResult = await decideContentType({ url: result.url, open, ...(declared ? { mapped: declared } : {}) }, this.ctOptions);
    return { result, stats, url, date, contentType };
  }

  /** The walk is over: what matched nothing, and the crowded-pages warning. */
  private finish(): void {
    const logger = this.options.logger ?? silentLogger;
    if (this.report.filesFound === 0) {
      // A WARC of a warcinfo record alone: most likely a wrong path or pattern, said rather than passed over.
      this.warn(
        this.filesListed
          ? `no files to archive: --include/--exclude left out all ${this.filesListed} file(s) of the inputs`
          : `no files to archive: the inputs hold none (${this.opts.inputs.map((i) => (typeof i === 'string' ? i : 'an object input')).join(', ')})`,
      );
    }
    const conversions = this.sources.conversions;
    if (conversions) {
      this.report.unmatchedConversions.push(...findUnmatchedSources(conversions.results, this.candidateUrls));
      for (const u of this.report.unmatchedConversions) logger.error(`${conversions.name}: conversions of ${u.source} not written, it matches no input: ${u.cause}`);
    }
    const manifest = this.sources.manifest;
    if (manifest) {
      for (const url of manifest.transclusions.keys()) {
        if (this.media.has(url)) continue;
        const written = this.sources.manifestSpelling?.get(url) ?? url;
        this.report.unmatchedTransclusions.push(written);
        const relative = !/^[a-z][a-z0-9+.-]*:/i.test(written) && this.opts.urlPrefix ? ` (a relative URL: the inputs' URLs begin with ${this.opts.urlPrefix})` : '';
        this.warn(`transclusion manifest names ${written}${relative}, which is not among the inputs: no metadata written for it`);
      }
      for (const [url, { conversions, contentType }] of this.media) {
        const mime = (c: ConversionResult): string | undefined => (typeof c.metadata?.mime === 'string' ? c.metadata.mime : undefined);
        if (playsInBrowsers(contentType, url) || conversions.some((c) => !c.metadata?.poster && playsInBrowsers(mime(c), c.url))) continue;
        this.warn(`${url} has no format a browser plays (${contentType ?? 'unknown type'}): its player stays empty at replay; convert it to one (MP4, WebM, MP3…) and give --conversions`);
      }
      const crowded = this.pages!.crowdedPages();
      if (crowded.size && this.opts.transclusionFormat !== 'transclusions') this.warn(crowdedWarning(crowded, this.opts.transclusionFormat));
    }
  }

}
