/**
 * `convertMedia`: find media among the inputs, convert each file by the matching rules with
 * bounded concurrency, and record every result: in the results journal as each source file
 * finishes (so an interrupted or killed run loses only the work in flight), and in the results
 * YAML, written once at the end. The results file is locked for the whole run.
 */
import { createWriteStream, existsSync, type WriteStream } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import pLimit from 'p-limit';
import type { FileEntry } from '../inputs/entry.js';
import { unfollowedWarning, walkInputs } from '../inputs/walk.js';
import { loadRules } from '../rules/load.js';
import type { RuleSet } from '../rules/schema.js';
import type { Logger } from '../util/logger.js';
import { tempRoot } from '../util/temp-root.js';
import { describeWriteError } from '../util/write-errors.js';
import type { UnlistedFile } from '../verify/fixity-files.js';
import { recordedCollisions } from './collisions.js';
import { checkFixity, type FixityReport, recordFixity } from './fixity-run.js';
import { dryRunPlan } from './dry-run.js';
import { entriesAtOutputs, outputDirHoldsInput, underOutputDir } from './earlier-outputs.js';
import { sha256FileInfo, sha256Stream } from './digest.js';
import { type ConversionError, ConvertInterruptedError, ConvertOptionsError } from './errors.js';
import { type ConvertOptions, DEFAULT_OUTPUT_DIR, normalizeConvertOptions } from './options.js';
import { OutputCollisionError, OutputPathError, planConversions } from './plan.js';
import { blockedOutputDirs } from './output-dirs.js';
import type { RunningConversion } from './progress.js';
import { type ConversionResult, readConversionResults } from './results.js';
import { journalPathFor } from './results-journal.js';
import { MemoryResults, type ResultsRecord } from './results-memory.js';
import { ResultsStore } from './results-store.js';
import { mergeSourceEntries } from './results-write.js';
import { refuseResultsClash } from './results-target.js';
import { locateTools, SourceRunner, type SourceState, sourceResults, sourceStates } from './source-run.js';
import { isPartialOutputName, removeStaleTemps } from './stale-temps.js';

/** What happened to a planned output (see {@link ConversionOutcome.status}). */
export type ConversionStatus = 'planned' | 'converted' | 'skipped' | 'failed' | 'not-applicable' | 'not-media' | 'not-run';

/** What happened to one planned output. */
export interface ConversionOutcome {
  /** The source's URL and path. */
  source: string;
  sourcePath: string;
  rule: string;
  url: string;
  output: string;
  /**
   * `planned` (dry run), `converted`, `skipped` (already current), `failed`, `not-applicable`
   * (the source lacks a stream the rule `requires`), `not-media` (ffprobe finds no audio or
   * video in the source: one outcome per source, `rule` empty), `not-run` (interrupted).
   */
  status: ConversionStatus;
  /** The command (dry run: with the final output path; otherwise as run, with the temporary one). */
  argv: readonly string[];
  result?: ConversionResult;
  error?: ConversionError;
  /** @internal An alternative the source's facts did not choose (left out of the run's outcomes). */
  unselected?: boolean;
}

/** What {@link convertMedia} did: counts, every conversion's outcome, and where the results are. */
export interface ConvertResult {
  outputDir: string;
  /** The results file written, unless the run was asked for none (`results: false`). */
  resultsFile?: string;
  dryRun: boolean;
  /** Source files with at least one matching rule. */
  files: number;
  converted: number;
  skipped: number;
  failed: number;
  /** Sources that matched rules by name but are not media (a text file named `.flv`). */
  notMedia: number;
  conversions: ConversionOutcome[];
  failures: ConversionError[];
  /** `ffmpeg version …` when ffmpeg ran. */
  toolVersion?: string;
  /** With `manifest`: the last run's manifests checked, and the new ones written. */
  fixity?: FixityReport;
  /**
   * Characterization sidecars (`<source>.ffprobe.json`) that could not be written (a full disk,
   * a directory in the way): the results name them, the next run writes them.
   */
  unwrittenSidecars: string[];
}

async function sourceSha256(entry: FileEntry, signal: AbortSignal): Promise<string> {
  if (entry.filePath) return (await sha256FileInfo(resolve(entry.filePath), entry.size, signal)).sha256;
  return (await sha256Stream(await entry.open(), signal)).sha256;
}

/** The walked files less earlier outputs (see earlier-outputs.ts); throws when an output would be written over an input file. */
async function withoutEarlierOutputs(
  walked: readonly FileEntry[],
  inputs: ConvertOptions['inputs'],
  { ruleSet, outputDir, resultsFile, logger }: { ruleSet: RuleSet; outputDir: string; resultsFile: string | undefined; logger: Logger },
): Promise<FileEntry[]> {
  if (!outputDirHoldsInput(outputDir, inputs.filter((i): i is string => typeof i === 'string'))) {
    const under = underOutputDir(walked, outputDir);
    if (under.size) logger.info(`left out ${under.size} file(s) under the output directory ${outputDir}`);
    return walked.filter((e) => !under.has(e));
  }
  // Partial outputs (this run's names, or a killed run's, removed once the results are locked) are never sources.
  const files = walked.filter((e) => e.zip || !isPartialOutputName(basename(e.filePath ?? e.path)));
  const recorded = resultsFile !== undefined ? await recordedOutputs(resultsFile) : new Set<string>();
  const { earlier, replaced } = entriesAtOutputs(files, planConversions(files, ruleSet, outputDir), recorded);
  if (replaced.length) throw new OutputCollisionError(replaced);
  const left = walked.length - files.length + earlier.size;
  if (left) logger.info(`left out ${left} output(s) of earlier runs found among the inputs`);
  return files.filter((e) => !earlier.has(e));
}

/** Absolute paths of the outputs a results file and its journal record (none before a first run). */
async function recordedOutputs(resultsFile: string): Promise<Set<string>> {
  if (!existsSync(resultsFile) && !existsSync(journalPathFor(resultsFile))) return new Set();
  const { conversions } = await readConversionResults(resultsFile);
  return new Set(Object.values(conversions).flatMap((list) => list.map((r) => resolve(r.output))));
}

/**
 * Convert media by rules; see {@link ConvertOptions}. Per-conversion failures are returned in
 * `failures` (and recorded); setup problems (options, rules, inputs, ffmpeg missing, an
 * unreadable results file) throw before anything runs; an abort throws {@link ConvertInterruptedError}.
 */
export async function convertMedia(options: ConvertOptions): Promise<ConvertResult> {
  const o = normalizeConvertOptions(options);
  const logger = o.logger;
  const ruleSet: RuleSet = typeof o.rules === 'object' ? o.rules : await loadRules(o.rules);
  const urlPrefix = o.urlPrefix ?? ruleSet.urlPrefix;
  if (!urlPrefix) throw new ConvertOptionsError('Expected `urlPrefix` (or url_prefix in the rules file), got nothing');
  const outputDir = resolve(o.outputDir ?? ruleSet.outputDir ?? DEFAULT_OUTPUT_DIR);
  const resultsFile = o.results === false ? undefined : resolve(outputDir, o.results);
  const fileOf = resultsFile !== undefined ? { resultsFile } : {};

  const walk = await walkInputs(o.inputs, urlPrefix);
  for (const skipped of walk.skipped) logger.warn(`${skipped.path}: not read: ${skipped.gone ? skipped.kind : `a ${skipped.kind}, not a regular file`}`);
  for (const link of walk.unfollowed) logger.warn(unfollowedWarning(link, 'convert'));
  let runnerOf: SourceRunner | undefined;
  let log: WriteStream | undefined;
  let store: ResultsRecord | undefined;
  try {
    const entries = await withoutEarlierOutputs(walk.entries, o.inputs, { ruleSet, outputDir, resultsFile, logger });
    const plan = planConversions(entries, ruleSet, outputDir, logger);
    // Before anything is written: the results go last and must land on no other file of the run.
    if (resultsFile !== undefined) await refuseResultsClash(resultsFile, { plan, outputDir, rulesFile: typeof o.rules === 'string' ? o.rules : undefined });
    const blocked = blockedOutputDirs(plan, outputDir);
    if (blocked.length) throw new OutputPathError(blocked);
    // A queue's workers find their own tools: the producer needs none.
    const tools = o.queue && !o.dryRun ? {} : await locateTools(plan, ruleSet, o);
    const { ffprobe } = tools;
    const sources = sourceStates(plan, ruleSet, outputDir, ffprobe);

    if (o.dryRun) return await dryRunPlan(plan, sources, ruleSet, { outputDir, ...fileOf, tools, ffprobe, jobs: o.jobs, signal: o.signal });

    // Our own controller: a results write that fails stops the run like an abort does.
    const controller = new AbortController();
    const onAbort = (): void => controller.abort(o.signal?.reason);
    if (o.signal?.aborted) onAbort();
    o.signal?.addEventListener('abort', onAbort, { once: true });
    const signal = controller.signal;

    store = resultsFile === undefined ? new MemoryResults() : await ResultsStore.open(resultsFile, logger);
    const results = store;
    const collisions: string[] = [];
    for (const c of resultsFile === undefined ? [] : recordedCollisions(plan, results.conversions, resultsFile)) {
      if (c.unlessSha256 && (await sourceSha256(c.planned.source, signal)) === c.unlessSha256) continue; // the same file, moved
      collisions.push(c.message);
    }
    if (collisions.length) throw new OutputCollisionError(collisions);
    const fixityCheck = o.manifest ? await checkFixity(outputDir, logger, signal) : undefined;
    // With a queue, partial outputs are other hosts' (their pids mean nothing here): each worker clears its job's own.
    const stale = await removeStaleTemps(o.queue ? [] : [...(resultsFile !== undefined ? [dirname(resultsFile)] : []), ...plan.map((p) => dirname(p.output))], tempRoot());
    if (stale.removed.length) logger.warn(`removed ${stale.removed.length} temporary file(s) left by runs that were killed (pid ${stale.pids.join(', ')})`);
    if (ruleSet.convertStdout) log = createWriteStream(resolve(ruleSet.convertStdout));
    let writeError: Error | undefined;
    /** Journal a source's list; a failed write stops the run like an abort does. */
    const record = (source: string, list: readonly ConversionResult[]): void => {
      if (writeError) return;
      try {
        results.record(source, list);
      } catch (error) {
        writeError = new Error(`cannot record results in ${resultsFile}.journal: ${describeWriteError(error)}`);
        controller.abort(writeError);
      }
    };

    const runner = new SourceRunner({ ruleSet, tools, force: o.force, signal, logger, stallMs: o.stallSeconds * 1000, previous: (url) => results.conversions[url], ...(log ? { log } : {}), onEvent: o.onEvent, report: () => report() });
    runnerOf = runner;
    let filesDone = 0;
    let conversionsDone = 0;
    let queueRunning: readonly RunningConversion[] = [];
    let toolVersion: string | undefined;
    const report = (): void => {
      const running = o.queue ? queueRunning : [...runner.running.values()];
      o.onEvent({ type: 'progress', progress: { filesDone, filesTotal: sources.size, conversionsDone, conversionsTotal: plan.length, running: running.map((r) => ({ ...r })) } });
    };
    const done = (outcome: ConversionOutcome): void => {
      conversionsDone++;
      if (outcome.status !== 'not-run') o.onEvent({ type: 'conversion', outcome });
      report();
    };
    const finished = (state: SourceState): void => {
      state.finished = true;
      record(state.entry.url, sourceResults(state));
      filesDone++;
    };

    report();
    if (o.queue) {
      // Loaded only here: a local run needs neither BullMQ nor Redis.
      const { convertOnQueue, rulesIdentity } = await import('../queue/producer-entry.js');
      const rules = await rulesIdentity(ruleSet);
      const got = await convertOnQueue({ url: o.queue, sources: [...sources.values()], rules, outputDir, force: o.force, signal, logger, waitSeconds: o.queueWaitSeconds, ...(options.stallSeconds !== undefined ? { stallSeconds: o.stallSeconds } : {}), previous: (url) => results.conversions[url], done, finished, progress: (running) => ((queueRunning = running), report()) });
      toolVersion = got.toolVersion;
      runner.unwrittenSidecars.push(...got.unwrittenSidecars);
    } else {
      const limit = pLimit(o.jobs);
      // Every source settles before anything else is decided: a failed results write aborts the
      // others, and their AbortErrors must not stand for it (nor outlive the results store).
      const settled = await Promise.allSettled([...sources.values()].map((state) => runner.convertSource(state, limit, { done, finished })));
      const failed = settled.find((x): x is PromiseRejectedResult => x.status === 'rejected');
      if (writeError) throw writeError;
      if (failed && !signal.aborted) throw failed.reason;
      toolVersion = runner.toolVersion;
    }
    o.signal?.removeEventListener('abort', onAbort);
    // Alternatives that were not chosen for what the file is are no outcome of the run.
    const outcomes = plan.map((p) => sources.get(p.source)!.outcomes.get(p)!).filter((x) => !x.unselected);

    if (signal.aborted) {
      // Sources cut short: record what did finish, keep the earlier entries for the rest.
      for (const state of sources.values()) {
        if (state.finished) continue;
        const done = state.items.map((p) => state.outcomes.get(p));
        if (done.every((x) => x && x.status !== 'not-run')) {
          finished(state);
          continue;
        }
        const fresh = done.flatMap((x) => (x?.result && (x.status === 'converted' || x.status === 'failed') ? [x.result] : []));
        if (!fresh.length) continue;
        record(state.entry.url, mergeSourceEntries(results.conversions[state.entry.url] ?? [], fresh));
      }
    }
    let fixity: FixityReport | undefined;
    if (fixityCheck && !signal.aborted && !writeError) {
      // Sources (a ZIP member's archive) and the outputs that stand.
      const files: string[] = [];
      const unnamed: UnlistedFile[] = [];
      for (const { entry, outcomes: ran } of sources.values()) {
        if (![...ran.values()].some((x) => !x.unselected && x.status !== 'not-run')) continue;
        if (entry.zip) files.push(resolve(entry.zip.archive));
        else if (entry.filePath !== undefined) files.push(resolve(entry.filePath));
        // A file of the walk without a path as text: its name is not UTF-8 (the manifests are UTF-8 text). An object input without a file has no name to list.
        else unnamed.push({ path: entry.path, reason: entry.sourceUri === undefined ? 'its name is not UTF-8 (the manifests, UTF-8 text, cannot name it: rename it to list it)' : 'an input given as an object, not a file' });
      }
      for (const x of outcomes) if (x.result?.success && (x.status === 'converted' || x.status === 'skipped')) files.push(x.result.output);
      fixity = await recordFixity(outputDir, fixityCheck, new Set(files), unnamed, logger, signal);
    }
    await results.close();
    if (writeError) throw writeError;

    const count = (s: ConversionStatus): number => outcomes.filter((x) => x.status === s).length;
    if (signal.aborted) throw new ConvertInterruptedError({ converted: count('converted'), skipped: count('skipped'), failed: count('failed'), notRun: count('not-run') });
    const failures = outcomes.flatMap((x) => (x.error ? [x.error] : []));
    const files = new Set(outcomes.map((x) => x.sourcePath)).size;
    return { outputDir, ...fileOf, dryRun: false, files, converted: count('converted'), skipped: count('skipped'), failed: count('failed'), notMedia: count('not-media'), conversions: outcomes, failures, toolVersion, unwrittenSidecars: [...runner.unwrittenSidecars], ...(fixity ? { fixity } : {}) };
  } finally {
    walk.close();
    await store?.close().catch(() => undefined); // after an error: the journal keeps what finished
    if (log) await new Promise<void>((done) => log!.end(done));
    await runnerOf?.close();
  }
}
