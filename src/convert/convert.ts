/**
 * `convertMedia`: find media among the inputs, convert each file by the matching rules with
 * bounded concurrency, and record every result: in the results journal as each source file
 * finishes (so an interrupted or killed run loses only the work in flight), and in the results
 * YAML, written once at the end. The results file is locked for the whole run.
 */
import { createHash } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pLimit from 'p-limit';
import type { FileEntry } from '../inputs/entry.js';
import type { Logger } from '../util/logger.js';
import { walkInputs } from '../inputs/walk.js';
import { locateTool, toolVersion } from '../media/ffmpeg.js';
import { type LoggedStreams, inputStreamsFromLog } from '../media/ffmpeg-log.js';
import { type MediaInfo, probeMedia } from '../media/probe.js';
import { loadRules } from '../rules/load.js';
import { factsNeeded } from '../rules/match.js';
import type { ConversionRule, RuleSet } from '../rules/schema.js';
import { shellQuote } from '../rules/template.js';
import { type Characterization, type CharacterizedFile, probeJsonValue, readCharacterization, SIDECAR_EXT, writeCharacterization } from './characterization.js';
import { recordedCollisions } from './collisions.js';
import { checkFixity, type FixityReport, recordFixity } from './fixity-run.js';
import { conversionEvent, isMediaRule, isSelected, notMediaResult, programOf, selectedKeys, sourceSecondsOnce, verifierFor } from './policy.js';
import { type GatheredFacts, gatherFacts, probeValues } from './source-facts.js';
import { dryRunPlan } from './dry-run.js';
import { sha256FileInfo, sha256Stream } from './digest.js';
import { ConversionError, ConvertInterruptedError, ConvertOptionsError } from './errors.js';
import { type ConvertOptions, DEFAULT_OUTPUT_DIR, normalizeConvertOptions } from './options.js';
import { OutputCollisionError, outputPathFor, type PlannedConversion, planConversions, ruleDigest, sourcePathOf } from './plan.js';
import type { RunningConversion } from './progress.js';
import type { ConversionResult } from './results.js';
import { MemoryResults, type ResultsRecord } from './results-memory.js';
import { ResultsStore } from './results-store.js';
import { mergeSourceEntries } from './results-write.js';
import { RunAbortedError, runConversion } from './run.js';
import { isConversionCurrent } from './skip.js';
import { removeStaleTemps } from './stale-temps.js';
import { isTempSideError, TempCopyError, tempCopyStep } from './temp-copy.js';

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
}

interface PreparedSource {
  inputPath: string;
  sha256: string;
  size: number;
}

interface SourceState {
  entry: FileEntry;
  items: PlannedConversion[];
  pending: number;
  outcomes: Map<PlannedConversion, ConversionOutcome>;
  prepared?: Promise<PreparedSource>;
  /** ffprobe's view of the source, when a rule `requires` a stream kind and no log told. */
  media?: Promise<MediaInfo | undefined>;
  /** The source's stream kinds as an earlier conversion's ffmpeg log listed them. */
  logged?: LoggedStreams;
  /** Its results are recorded. */
  finished?: boolean;
  /** Its preparation failed and that was said. */
  reported?: boolean;
  /** Sniff and probe it before its rules are chosen (its file types have conditions, or its rules read media). */
  needs: { sniff: boolean; probe: boolean };
  /** What it is (once per source), and the planned conversions that this selects. */
  facts?: Promise<{ facts: GatheredFacts; selected?: Set<string> }>;
  /** `<source output>.ffprobe.json`: the source's and its outputs' ffprobe JSON. */
  sidecar: string;
  cachedSidecar?: Characterization;
  /** Outputs characterized this run (or still current from the sidecar), by URL. */
  outputs: Map<string, CharacterizedFile>;
  /** Outputs being probed: outside the conversion slots, waited for before the sidecar is written. */
  probing: Promise<void>[];
  /** Its "not media" outcome is given (once per source). */
  notMediaGiven?: boolean;
  sourceSeconds?: () => Promise<number | undefined>;
}

async function sourceSha256(entry: FileEntry, signal: AbortSignal): Promise<string> {
  if (entry.filePath) return (await sha256FileInfo(resolve(entry.filePath), entry.size, signal)).sha256;
  return (await sha256Stream(await entry.open(), signal)).sha256;
}

function meets(rule: ConversionRule, media: LoggedStreams | undefined): boolean {
  if (!media) return true; // not probed: let the command decide
  return rule.requires.every((kind) => (kind === 'video' ? media.hasVideo : media.hasAudio));
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
  let tempRoot: string | undefined;
  let log: WriteStream | undefined;
  let store: ResultsRecord | undefined;
  try {
    // Converting `.` (or any input that holds the output directory) must not convert earlier outputs again.
    const underOutput = (e: FileEntry): boolean => {
      const path = resolve(e.zip ? e.zip.archive : (e.filePath ?? e.path));
      return path === outputDir || path.startsWith(outputDir + sep);
    };
    const entries = walk.entries.filter((e) => !underOutput(e));
    if (entries.length < walk.entries.length) logger.info(`left out ${walk.entries.length - entries.length} file(s) under the output directory ${outputDir}`);
    const plan = planConversions(entries, ruleSet, outputDir, logger);
    const programs = new Set(plan.map((p) => programOf(p.rule)));
    const ffmpeg = programs.has('ffmpeg') || plan.some((p) => p.rule.verify !== 'exists') ? (await locateTool('ffmpeg', { explicit: o.ffmpegPath, env: o.env })).path : undefined;
    const needsProbe = plan.some((p) => p.rule.requires.length > 0 || isMediaRule(p.rule));
    // File types with probe conditions, probe placeholders and `verify` cannot do without ffprobe.
    const mustProbe = plan.some((p) => factsNeeded(ruleSet, p.source.url).probe);
    const findProbe = (): Promise<string> => locateTool('ffprobe', { explicit: o.ffprobePath, env: o.env }).then((l) => l.path);
    // Otherwise it only characterizes media and tells "not media" (and `requires`, which ffmpeg's own log usually answers).
    const ffprobe = programs.has('ffprobe') || mustProbe ? await findProbe() : needsProbe ? await findProbe().catch(() => undefined) : undefined;
    const tools = { ffmpeg, ffprobe };
    let ffmpegVersion: string | undefined;
    // Asked only when something runs, so a re-run with everything done starts no process at all.
    const versionOf = async (rule: ConversionRule): Promise<string | undefined> =>
      programOf(rule) === 'ffmpeg' && ffmpeg ? (ffmpegVersion = await toolVersion(ffmpeg)) : undefined;

    const sources = new Map<FileEntry, SourceState>();
    for (const p of plan) {
      const state: SourceState = sources.get(p.source) ?? newSourceState(p.source, ruleSet, outputDir);
      state.items.push(p);
      state.pending++;
      sources.set(p.source, state);
    }
    const outcomeBase = (p: PlannedConversion) => ({ source: p.source.url, sourcePath: p.source.path, rule: p.rule.name, url: p.url, output: p.output });

    for (const state of sources.values()) {
      state.needs.probe = Boolean(ffprobe) && (state.needs.probe || state.items.some((p) => isMediaRule(p.rule)));
    }

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
    const stale = await removeStaleTemps([...(resultsFile !== undefined ? [dirname(resultsFile)] : []), ...plan.map((p) => dirname(p.output))], tmpdir());
    if (stale.removed.length) logger.warn(`removed ${stale.removed.length} temporary file(s) left by runs that were killed (pid ${stale.pids.join(', ')})`);
    if (ruleSet.convertStdout) log = createWriteStream(resolve(ruleSet.convertStdout));
    let writeError: Error | undefined;
    /** Journal a source's list; a failed write stops the run like an abort does. */
    const record = (source: string, list: readonly ConversionResult[]): void => {
      if (writeError) return;
      try {
        results.record(source, list);
      } catch (error) {
        writeError = new Error(`cannot record results in ${resultsFile}.journal: ${(error as Error).message}`);
        controller.abort(writeError);
      }
    };

    const madeDirs = new Set<string>();
    const running = new Map<string, RunningConversion>();
    let filesDone = 0;
    let conversionsDone = 0;
    const report = (): void => o.onEvent({ type: 'progress', progress: { filesDone, filesTotal: sources.size, conversionsDone, conversionsTotal: plan.length, running: [...running.values()].map((r) => ({ ...r })) } });

    const prepare = async (state: SourceState): Promise<PreparedSource> => {
      const entry = state.entry;
      let inputPath: string;
      let digest: { sha256: string; size: number };
      if (entry.filePath) {
        inputPath = resolve(entry.filePath);
        digest = await sha256FileInfo(inputPath, entry.size, signal);
      } else {
        // ffmpeg needs a seekable file: ZIP members are extracted to a temporary copy.
        const dir = await tempCopyStep(async () => {
          tempRoot ??= await mkdtemp(join(tmpdir(), `warckit-convert-${process.pid}-`)); // the pid lets a later run clean up after a kill
          return mkdtemp(join(tempRoot, 'm'));
        });
        inputPath = join(dir, basename(entry.relativePath) || 'member');
        const hash = createHash('sha256');
        let size = 0;
        const hashing = new Transform({
          transform(chunk: Buffer, _encoding, done) {
            hash.update(chunk);
            size += chunk.length;
            done(null, chunk);
          },
        });
        const copy = createWriteStream(inputPath);
        await pipeline(await entry.open(), hashing, copy, { signal }).catch(async (error: NodeJS.ErrnoException) => {
          await rm(dir, { recursive: true, force: true }); // a partial copy would only fill the temp dir for the next member
          // A write to the copy that fails is the temp dir's fault, not the source's.
          throw isTempSideError(error) ? new TempCopyError(error) : error;
        });
        digest = { sha256: hash.digest('hex'), size };
      }
      return { inputPath, ...digest };
    };

    /**
     * The source's stream kinds for rules that `require` some: from an earlier conversion's
     * ffmpeg log when there is one (those rules are scheduled last), else ffprobe, once.
     */
    const streamsOf = async (state: SourceState, prepared: PreparedSource): Promise<LoggedStreams | undefined> => {
      if (state.logged) return state.logged;
      if (!ffprobe) return undefined;
      state.media ??= probeMedia(prepared.inputPath, { ffprobePath: ffprobe, signal }).catch((error: Error) => {
        logger.debug(`${state.entry.path}: cannot probe (${error.message}); running every rule`);
        return undefined;
      });
      return state.media;
    };

    const finishSource = (state: SourceState): void => {
      state.finished = true;
      record(state.entry.url, state.items.flatMap((p) => state.outcomes.get(p)?.result ?? []));
      filesDone++;
    };

    /** The source's facts and the conversions they select, once per source. */
    const factsOf = async (state: SourceState, prepared: PreparedSource): Promise<{ facts: GatheredFacts; selected?: Set<string> } | undefined> => {
      if (!state.needs.probe && !state.needs.sniff) return undefined;
      state.facts ??= (async () => {
        state.cachedSidecar = await readCharacterization(state.sidecar);
        const facts = await gatherFacts({ inputPath: prepared.inputPath, sha256: prepared.sha256, ...state.needs, ...(ffprobe ? { ffprobe } : {}), ...(state.cachedSidecar ? { cached: state.cachedSidecar } : {}), signal });
        const conditional = state.items.some((p) => p.conditional);
        return { facts, ...(conditional ? { selected: selectedKeys(ruleSet, state.items, facts, ruleDigest) } : {}) };
      })();
      return state.facts;
    };

    /** Keep the source's characterization sidecar up to date (when it was probed). */
    const writeSidecar = async (state: SourceState): Promise<void> => {
      const known = state.facts ? await state.facts.catch(() => undefined) : undefined;
      const prepared = state.prepared ? await state.prepared.catch(() => undefined) : undefined;
      if (!known?.facts.probed || !prepared) return;
      const f = known.facts;
      const doc: Characterization = {
        warckit_characterization: 1,
        source: { url: state.entry.url, path: sourcePathOf(state.entry), sha256: prepared.sha256, ...(f.mime ? { mime: f.mime } : {}), ffprobe: f.ffprobe ?? null, ...(f.notMedia ? { not_media: f.notMedia } : {}), ...(f.toolVersion ? { tool_version: f.toolVersion } : {}) },
        outputs: Object.fromEntries(state.outputs),
      };
      if (state.cachedSidecar && JSON.stringify(state.cachedSidecar) === JSON.stringify(doc)) return;
      await writeCharacterization(state.sidecar, doc).catch((error: Error) => logger.warn(`${state.sidecar}: characterization not written (${error.message})`));
    };

    const convertOne = async (p: PlannedConversion, state: SourceState): Promise<ConversionOutcome> => {
      if (signal.aborted) return { ...outcomeBase(p), status: 'not-run', argv: [] };
      let prepared: PreparedSource;
      try {
        if (!state.prepared) {
          logger.info(`Converting: ${state.entry.url}`);
          state.prepared = prepare(state);
        }
        prepared = await state.prepared;
      } catch (cause) {
        if (signal.aborted) return { ...outcomeBase(p), status: 'not-run', argv: [] };
        const message = cause instanceof TempCopyError ? `${state.entry.path}: ${cause.message}` : `${state.entry.path}: cannot read (${(cause as Error).message})`;
        if (!state.reported) logger.error(message);
        state.reported = true;
        const error = new ConversionError(message, { source: p.source.url, output: p.output, argv: [], exitCode: null, signal: null, stderrTail: '', cause });
        const result: ConversionResult = { url: p.url, output: p.output, metadata: structuredClone(p.rule.metadata), type: 'conversion', success: false, source_path: p.sourcePath, exit_code: null, failure: message };
        return { ...outcomeBase(p), status: 'failed', argv: [], result, error };
      }
      const known = await factsOf(state, prepared);
      if (known?.selected && !isSelected(known.selected, p)) return { ...outcomeBase(p), status: 'not-applicable', argv: [], unselected: true };
      if (known?.facts.notMedia && isMediaRule(p.rule)) {
        if (state.notMediaGiven) return { ...outcomeBase(p), status: 'not-media', argv: [], unselected: true };
        state.notMediaGiven = true;
        logger.warn(`${p.source.path}: ${known.facts.notMedia}; nothing converted`);
        const result = notMediaResult(p.source, p.sourcePath, prepared.sha256, prepared.size, known.facts.notMedia);
        return { ...outcomeBase(p), rule: '', url: p.source.url, output: '', status: 'not-media', argv: [], result };
      }
      const previous = results.conversions[p.source.url]?.find((r) => r.url === p.url);
      if (!o.force && (await isConversionCurrent(previous, p, prepared.sha256, signal))) {
        logger.debug(`Up to date: ${p.output}`);
        const kept = state.cachedSidecar?.outputs[p.url];
        if (kept && kept.sha256 === previous?.output_sha256) state.outputs.set(p.url, kept);
        return { ...outcomeBase(p), status: 'skipped', argv: previous?.argv ?? [], result: previous };
      }
      if (p.rule.requires.length && !meets(p.rule, known?.facts.media ?? (await streamsOf(state, prepared)))) {
        logger.info(`${p.source.path}: no ${p.rule.requires.join('/')} stream, ${p.rule.name} not applicable`);
        return { ...outcomeBase(p), status: 'not-applicable', argv: [] };
      }
      if (signal.aborted) return { ...outcomeBase(p), status: 'not-run', argv: [] };
      const now: RunningConversion = { source: p.source.url, rule: p.rule.name, url: p.url, output: p.output };
      running.set(p.url, now);
      o.onEvent({ type: 'conversion-start', conversion: { ...now } });
      report();
      const started = performance.now();
      try {
        const facts = known?.facts;
        state.sourceSeconds ??= sourceSecondsOnce(ffmpeg, prepared.inputPath, signal);
        const verify = verifierFor(p.rule, { ffmpeg, inputPath: prepared.inputPath, facts, sourceSeconds: state.sourceSeconds, signal });
        const toolVersionUsed = await versionOf(p.rule);
        const { result, error, stderrHead } = await runConversion(p, {
          inputPath: prepared.inputPath,
          tools,
          toolVersion: toolVersionUsed,
          sourceSha256: prepared.sha256,
          sourceSize: prepared.size,
          madeDirs,
          signal,
          log,
          onStart: (argv) => logger.debug(`Running: ${shellQuote(argv)}`),
          values: { ...probeValues(facts?.media), ...(ruleSet.dir ? { rules_dir: ruleSet.dir } : {}) },
          ...(verify ? { verify } : {}),
          onProgress: (state) => {
            Object.assign(now, { seconds: state.seconds }, state.duration !== undefined ? { duration: state.duration } : {});
            if (state.fraction !== undefined) {
              now.fraction = state.fraction;
              const elapsed = (performance.now() - started) / 1000;
              if (state.fraction > 0 && elapsed >= 1) now.etaSeconds = (elapsed * (1 - state.fraction)) / state.fraction;
            }
            report();
          },
        });
        if (p.rule.purpose) result.purpose = p.rule.purpose;
        result.event = conversionEvent(p.rule, ruleSet, toolVersionUsed, facts?.toolVersion);
        if (facts?.probed) {
          result.characterization = state.sidecar;
          if (!error && ffprobe) state.probing.push(characterizeOutput(state, p, result, ffprobe, signal, logger));
        }
        if (programOf(p.rule) === 'ffmpeg') state.logged ??= inputStreamsFromLog(stderrHead);
        if (error) logger.error(error.message);
        else logger.debug(`Wrote ${p.output} (${result.output_size ?? 0} bytes, ${result.duration_seconds ?? 0}s)`);
        return { ...outcomeBase(p), status: error ? 'failed' : 'converted', argv: result.argv ?? [], result, error };
      } catch (error) {
        if (error instanceof RunAbortedError) return { ...outcomeBase(p), status: 'not-run', argv: [] };
        throw error;
      } finally {
        running.delete(p.url);
      }
    };

    const limit = pLimit(o.jobs);
    const sidecars: Promise<void>[] = [];
    report();
    // Per source, rules that wait on the probe go last, so the probe overlaps other work.
    const order = new Map(plan.map((p, i) => [p, i]));
    const sourceIndex = new Map([...sources.keys()].map((e, i) => [e, i]));
    const schedule = [...plan].sort(
      (a, b) => sourceIndex.get(a.source)! - sourceIndex.get(b.source)! || Number(a.rule.requires.length > 0) - Number(b.rule.requires.length > 0) || order.get(a)! - order.get(b)!,
    );
    await Promise.all(
      schedule.map((p) =>
        limit(async () => {
          const state = sources.get(p.source)!;
          const outcome = await convertOne(p, state);
          state.outcomes.set(p, outcome);
          conversionsDone++;
          if (outcome.status !== 'not-run') o.onEvent({ type: 'conversion', outcome });
          if (--state.pending === 0) {
            // The sidecar waits for its outputs' probes outside the slots; the run waits for it before it ends.
            sidecars.push(Promise.all(state.probing).then(() => (signal.aborted ? undefined : writeSidecar(state))));
            if (!signal.aborted) finishSource(state);
            if (!state.entry.filePath && state.prepared) {
              // the extracted copy of a ZIP member is not needed any more
              void state.prepared.then((x) => rm(dirname(x.inputPath), { recursive: true, force: true })).catch(() => undefined);
            }
          }
          report();
          return outcome;
        }),
      ),
    );
    o.signal?.removeEventListener('abort', onAbort);
    // Alternatives that were not chosen for what the file is are no outcome of the run.
    const outcomes = plan.map((p) => sources.get(p.source)!.outcomes.get(p)!).filter((x) => !x.unselected);

    if (signal.aborted) {
      // Sources cut short: record what did finish, keep the earlier entries for the rest.
      for (const state of sources.values()) {
        if (state.finished) continue;
        const done = state.items.map((p) => state.outcomes.get(p));
        if (done.every((x) => x && x.status !== 'not-run')) {
          finishSource(state);
          continue;
        }
        const fresh = done.flatMap((x) => (x?.result && (x.status === 'converted' || x.status === 'failed') ? [x.result] : []));
        if (!fresh.length) continue;
        record(state.entry.url, mergeSourceEntries(results.conversions[state.entry.url] ?? [], fresh));
      }
    }
    await Promise.all(sidecars);
    let fixity: FixityReport | undefined;
    if (fixityCheck && !signal.aborted && !writeError) {
      // Sources (a ZIP member's archive) and the outputs that stand.
      const files: string[] = [];
      for (const state of sources.values()) {
        if ([...state.outcomes.values()].some((x) => !x.unselected && x.status !== 'not-run')) files.push(resolve(state.entry.zip?.archive ?? state.entry.filePath ?? state.entry.path));
      }
      for (const x of outcomes) if (x.result?.success && (x.status === 'converted' || x.status === 'skipped')) files.push(x.result.output);
      fixity = await recordFixity(outputDir, fixityCheck, new Set(files), signal);
    }
    await results.close();
    if (writeError) throw writeError;

    const count = (s: ConversionStatus): number => outcomes.filter((x) => x.status === s).length;
    if (signal.aborted) throw new ConvertInterruptedError({ converted: count('converted'), skipped: count('skipped'), failed: count('failed'), notRun: count('not-run') });
    const failures = outcomes.flatMap((x) => (x.error ? [x.error] : []));
    const files = new Set(outcomes.map((x) => x.sourcePath)).size;
    return { outputDir, ...fileOf, dryRun: false, files, converted: count('converted'), skipped: count('skipped'), failed: count('failed'), notMedia: count('not-media'), conversions: outcomes, failures, toolVersion: ffmpegVersion, ...(fixity ? { fixity } : {}) };
  } finally {
    walk.close();
    await store?.close().catch(() => undefined); // after an error: the journal keeps what finished
    if (log) await new Promise<void>((done) => log!.end(done));
    if (tempRoot) await rm(tempRoot, { recursive: true, force: true });
  }
}

function newSourceState(entry: FileEntry, ruleSet: RuleSet, outputDir: string): SourceState {
  return { entry, items: [], pending: 0, outcomes: new Map(), needs: factsNeeded(ruleSet, entry.url), sidecar: outputPathFor(entry, SIDECAR_EXT, outputDir), outputs: new Map(), probing: [] };
}

/** Probe a written output for the source's sidecar; a failure only loses its characterization. */
async function characterizeOutput(state: SourceState, p: PlannedConversion, result: ConversionResult, ffprobe: string, signal: AbortSignal, logger: Logger): Promise<void> {
  try {
    const media = await probeMedia(p.output, { ffprobePath: ffprobe, signal });
    state.outputs.set(p.url, { path: p.output, sha256: String(result.output_sha256 ?? ''), ffprobe: probeJsonValue(media.json), ...(media.toolVersion ? { tool_version: media.toolVersion } : {}) });
  } catch (error) {
    logger.debug(`${p.output}: not characterized (${(error as Error).message})`);
  }
}
