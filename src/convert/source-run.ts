/**
 * @internal One source's conversions: read (a ZIP member copied out), sniffed and probed once,
 * each planned conversion skipped, chosen or run, and its characterization sidecar kept.
 * A local run and a queue worker (src/queue) both convert through {@link SourceRunner}.
 */
import { createHash } from 'node:crypto';
import { createWriteStream, type Stats } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { LimitFunction } from 'p-limit';
import type { FileEntry } from '../inputs/entry.js';
import type { Logger } from '../util/logger.js';
import { tempRoot } from '../util/temp-root.js';
import { locateTool, toolVersion } from '../media/ffmpeg.js';
import { type LoggedStreams, inputStreamsFromLog } from '../media/ffmpeg-log.js';
import { type MediaInfo, probeMedia } from '../media/probe.js';
import { factsNeeded } from '../rules/match.js';
import type { ConversionRule, RuleSet } from '../rules/schema.js';
import { shellQuote } from '../rules/template.js';
import { type Characterization, type CharacterizedFile, probeJsonValue, readCharacterization, SIDECAR_EXT, writeCharacterization } from './characterization.js';
import type { ConversionOutcome } from './convert.js';
import { conversionEvent, isMediaRule, isSelected, notMediaResult, programOf, selectedKeys, sourceSecondsOnce, unreadableResult, verifierFor } from './policy.js';
import { type GatheredFacts, gatherFacts, probeValues } from './source-facts.js';
import { sha256FileInfo } from './digest.js';
import { ConversionError } from './errors.js';
import { outputPathFor, type PlannedConversion, ruleDigest, sourcePathOf } from './plan.js';
import type { ConvertEvent, RunningConversion } from './progress.js';
import type { ConversionResult } from './results.js';
import { RunAbortedError, runConversion } from './run.js';
import { isConversionCurrent } from './skip.js';
import { isTempSideError, TempCopyError, tempCopyStep } from './temp-copy.js';

export interface PreparedSource {
  inputPath: string;
  sha256: string;
  size: number;
  /** Size, mtime and inode of a source read in place, taken before it was hashed. */
  stamp?: string;
}

const stampOf = (info: Stats): string => `${info.size}:${info.mtimeMs}:${info.ino}`;

/** Why a source read in place is no longer the one hashed (another process wrote to it or replaced it). */
async function sourceChange(prepared: PreparedSource): Promise<string | undefined> {
  if (prepared.stamp === undefined) return undefined; // a private copy (ZIP member) cannot change
  const now = await stat(prepared.inputPath).catch(() => undefined);
  if (!now) return 'the source was removed while it was converted';
  if (stampOf(now) !== prepared.stamp) return 'the source changed while it was converted (written to or replaced): its recorded sha256 would not be that of what was converted';
  return undefined;
}

export interface SourceState {
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
  /** "Converting: …" was said (once a command runs for it, not when all is up to date). */
  announced?: boolean;
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
  /** The source could not be read and its one failure (for alternative rules) was given. */
  unreadableGiven?: boolean;
  sourceSeconds?: () => Promise<number | undefined>;
}

/** Group planned conversions by source, in plan order; `ffprobe` says whether sources can be probed at all. */
export function sourceStates(plan: readonly PlannedConversion[], ruleSet: RuleSet, outputDir: string, ffprobe: string | undefined): Map<FileEntry, SourceState> {
  const sources = new Map<FileEntry, SourceState>();
  for (const p of plan) {
    const state: SourceState = sources.get(p.source) ?? newSourceState(p.source, ruleSet, outputDir);
    state.items.push(p);
    state.pending++;
    sources.set(p.source, state);
  }
  for (const state of sources.values()) {
    state.needs.probe = Boolean(ffprobe) && (state.needs.probe || state.items.some((p) => isMediaRule(p.rule)));
  }
  return sources;
}

function newSourceState(entry: FileEntry, ruleSet: RuleSet, outputDir: string): SourceState {
  return { entry, items: [], pending: 0, outcomes: new Map(), needs: factsNeeded(ruleSet, entry.url), sidecar: outputPathFor(entry, SIDECAR_EXT, outputDir), outputs: new Map(), probing: [] };
}

/**
 * ffmpeg when a rule runs it or proves its output with it; ffprobe when rules cannot do without
 * it, else when it is there (it characterizes media and tells "not media").
 */
export async function locateTools(plan: readonly PlannedConversion[], ruleSet: RuleSet, o: { ffmpegPath?: string; ffprobePath?: string; env?: Readonly<Record<string, string | undefined>> }): Promise<{ ffmpeg?: string; ffprobe?: string }> {
  const programs = new Set(plan.map((p) => programOf(p.rule)));
  const ffmpeg = programs.has('ffmpeg') || plan.some((p) => p.rule.verify !== 'exists') ? (await locateTool('ffmpeg', { explicit: o.ffmpegPath, env: o.env })).path : undefined;
  const needsProbe = plan.some((p) => p.rule.requires.length > 0 || isMediaRule(p.rule));
  // File types with probe conditions, probe placeholders and `verify` cannot do without ffprobe.
  const mustProbe = plan.some((p) => factsNeeded(ruleSet, p.source.url).probe);
  const findProbe = (): Promise<string> => locateTool('ffprobe', { explicit: o.ffprobePath, env: o.env }).then((l) => l.path);
  // Otherwise it only characterizes media and tells "not media" (and `requires`, which ffmpeg's own log usually answers).
  const ffprobe = programs.has('ffprobe') || mustProbe ? await findProbe() : needsProbe ? await findProbe().catch(() => undefined) : undefined;
  return { ...(ffmpeg ? { ffmpeg } : {}), ...(ffprobe ? { ffprobe } : {}) };
}

/** The source's list for the results file: its outcomes' results in plan order. */
export function sourceResults(state: SourceState): ConversionResult[] {
  return state.items.flatMap((p) => state.outcomes.get(p)?.result ?? []);
}

/** What converting sources needs from the run around it. */
export interface SourceRunContext {
  ruleSet: RuleSet;
  tools: { ffmpeg?: string; ffprobe?: string };
  force: boolean;
  signal: AbortSignal;
  logger: Logger;
  /** The source's list in the results as recorded before this run (skip decisions). */
  previous(sourceUrl: string): readonly ConversionResult[] | undefined;
  log?: Writable;
  onEvent(event: ConvertEvent): void;
  /** Tell the run's progress (after `running` changed). */
  report(): void;
  /** Stop a command that shows no sign of life for this long (see `stallSeconds`). */
  stallMs?: number;
}

function meets(rule: ConversionRule, media: LoggedStreams | undefined): boolean {
  if (!media) return true; // not probed: let the command decide
  return rule.requires.every((kind) => (kind === 'video' ? media.hasVideo : media.hasAudio));
}

const outcomeBase = (p: PlannedConversion) => ({ source: p.source.url, sourcePath: p.source.path, rule: p.rule.name, url: p.url, output: p.output });

/** Converts sources' planned conversions; one per run (or per worker), shared by its sources. */
export class SourceRunner {
  /** Conversions running now, by output URL. */
  readonly running = new Map<string, RunningConversion>();
  /** Characterization sidecars that could not be written (their paths). */
  readonly unwrittenSidecars: string[] = [];
  private readonly madeDirs = new Set<string>();
  private tempRoot: string | undefined;
  private ffmpegVersion: string | undefined;

  constructor(private readonly ctx: SourceRunContext) {}

  /** `ffmpeg version …` once ffmpeg ran. */
  get toolVersion(): string | undefined {
    return this.ffmpegVersion;
  }

  /** Asked only when something runs, so a re-run with everything done starts no process at all. */
  private async versionOf(rule: ConversionRule): Promise<string | undefined> {
    const ffmpeg = this.ctx.tools.ffmpeg;
    if (programOf(rule) !== 'ffmpeg' || !ffmpeg) return undefined;
    return (this.ffmpegVersion = await toolVersion(ffmpeg));
  }

  private async prepare(state: SourceState): Promise<PreparedSource> {
    const { entry } = state;
    const signal = this.ctx.signal;
    if (entry.filePath) {
      const inputPath = resolve(entry.filePath);
      const before = await stat(inputPath).catch(() => undefined); // a source gone is told by the read below
      return { inputPath, ...(before ? { stamp: stampOf(before) } : {}), ...(await sha256FileInfo(inputPath, entry.size, signal)) };
    }
    // ffmpeg needs a seekable file: ZIP members are extracted to a temporary copy.
    const dir = await tempCopyStep(async () => {
      this.tempRoot ??= await mkdtemp(join(tempRoot(), `warckit-convert-${process.pid}-`)); // the pid lets a later run clean up after a kill
      return mkdtemp(join(this.tempRoot, 'm'));
    });
    const inputPath = join(dir, basename(entry.relativePath) || 'member');
    const hash = createHash('sha256');
    let size = 0;
    const hashing = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        size += chunk.length;
        done(null, chunk);
      },
    });
    await pipeline(await entry.open(), hashing, createWriteStream(inputPath), { signal }).catch(async (error: NodeJS.ErrnoException) => {
      await rm(dir, { recursive: true, force: true }); // a partial copy would only fill the temp dir for the next member
      // A write to the copy that fails is the temp dir's fault, not the source's.
      throw isTempSideError(error) ? new TempCopyError(error) : error;
    });
    return { inputPath, sha256: hash.digest('hex'), size };
  }

  /**
   * The source's stream kinds for rules that `require` some: from an earlier conversion's
   * ffmpeg log when there is one (those rules are scheduled last), else ffprobe, once.
   */
  private async streamsOf(state: SourceState, prepared: PreparedSource): Promise<LoggedStreams | undefined> {
    if (state.logged) return state.logged;
    const ffprobe = this.ctx.tools.ffprobe;
    if (!ffprobe) return undefined;
    state.media ??= probeMedia(prepared.inputPath, { ffprobePath: ffprobe, signal: this.ctx.signal }).catch((error: Error) => {
      this.ctx.logger.debug(`${state.entry.path}: cannot probe (${error.message}); running every rule`);
      return undefined;
    });
    return state.media;
  }

  /** The source's facts and the conversions they select, once per source. */
  private async factsOf(state: SourceState, prepared: PreparedSource): Promise<{ facts: GatheredFacts; selected?: Set<string> } | undefined> {
    if (!state.needs.probe && !state.needs.sniff) return undefined;
    const { ffprobe } = this.ctx.tools;
    state.facts ??= (async () => {
      state.cachedSidecar = await readCharacterization(state.sidecar);
      const facts = await gatherFacts({ inputPath: prepared.inputPath, sha256: prepared.sha256, ...state.needs, ...(ffprobe ? { ffprobe } : {}), ...(state.cachedSidecar ? { cached: state.cachedSidecar } : {}), signal: this.ctx.signal });
      const conditional = state.items.some((p) => p.conditional);
      return { facts, ...(conditional ? { selected: selectedKeys(this.ctx.ruleSet, state.items, facts, ruleDigest) } : {}) };
    })();
    return state.facts;
  }

  /** Keep the source's characterization sidecar up to date (when it was probed). */
  async writeSidecar(state: SourceState): Promise<void> {
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
    await writeCharacterization(state.sidecar, doc).catch((error: Error) => {
      this.unwrittenSidecars.push(state.sidecar);
      this.ctx.logger.error(`${state.sidecar}: characterization not written (${error.message}); the next run writes it`);
    });
  }

  /** Read the source once, then skip, choose or run one planned conversion. */
  async convertOne(p: PlannedConversion, state: SourceState): Promise<ConversionOutcome> {
    const { signal, logger } = this.ctx;
    if (signal.aborted) return { ...outcomeBase(p), status: 'not-run', argv: [] };
    let prepared: PreparedSource;
    try {
      if (!state.prepared) {
        logger.debug(`Reading: ${state.entry.url}`);
        state.prepared = this.prepare(state);
      }
      prepared = await state.prepared;
    } catch (cause) {
      if (signal.aborted) return { ...outcomeBase(p), status: 'not-run', argv: [] };
      const message = cause instanceof TempCopyError ? `${state.entry.path}: ${cause.message}` : `${state.entry.path}: cannot read (${(cause as Error).message})`;
      if (!state.reported) logger.error(message);
      state.reported = true;
      const error = new ConversionError(message, { source: p.source.url, output: p.output, argv: [], exitCode: null, signal: null, stderrTail: '', cause });
      if (p.conditional) {
        // Alternatives for what the file is: one failure for the source, not one per rule that might have applied.
        if (state.unreadableGiven) return { ...outcomeBase(p), status: 'failed', argv: [], unselected: true };
        state.unreadableGiven = true;
        return { ...outcomeBase(p), rule: '', url: p.source.url, output: '', status: 'failed', argv: [], result: unreadableResult(p.source, p.sourcePath, message), error };
      }
      const result: ConversionResult = { url: p.url, output: p.output, metadata: structuredClone(p.rule.metadata), type: 'conversion', success: false, source_path: p.sourcePath, exit_code: null, failure: message };
      return { ...outcomeBase(p), status: 'failed', argv: [], result, error };
    }
    const known = await this.factsOf(state, prepared);
    if (known?.selected && !isSelected(known.selected, p)) return { ...outcomeBase(p), status: 'not-applicable', argv: [], unselected: true };
    if (known?.facts.notMedia && isMediaRule(p.rule)) {
      if (state.notMediaGiven) return { ...outcomeBase(p), status: 'not-media', argv: [], unselected: true };
      state.notMediaGiven = true;
      logger.warn(`${p.source.path}: ${known.facts.notMedia}; nothing converted`);
      const result = notMediaResult(p.source, p.sourcePath, prepared.sha256, prepared.size, known.facts.notMedia);
      return { ...outcomeBase(p), rule: '', url: p.source.url, output: '', status: 'not-media', argv: [], result };
    }
    const previous = this.ctx.previous(p.source.url)?.find((r) => r.url === p.url);
    if (!this.ctx.force && (await isConversionCurrent(previous, p, prepared.sha256, signal))) {
      logger.debug(`Up to date: ${p.output}`);
      const kept = state.cachedSidecar?.outputs[p.url];
      if (kept && kept.sha256 === previous?.output_sha256) state.outputs.set(p.url, kept);
      return { ...outcomeBase(p), status: 'skipped', argv: previous?.argv ?? [], result: previous };
    }
    if (p.rule.requires.length && !meets(p.rule, known?.facts.media ?? (await this.streamsOf(state, prepared)))) {
      logger.info(`${p.source.path}: no ${p.rule.requires.join('/')} stream, ${p.rule.name} not applicable`);
      return { ...outcomeBase(p), status: 'not-applicable', argv: [] };
    }
    if (signal.aborted) return { ...outcomeBase(p), status: 'not-run', argv: [] };
    return this.run(p, state, prepared, known?.facts);
  }

  private async run(p: PlannedConversion, state: SourceState, prepared: PreparedSource, facts: GatheredFacts | undefined): Promise<ConversionOutcome> {
    const { signal, logger, tools, ruleSet } = this.ctx;
    const { ffmpeg, ffprobe } = tools;
    if (!state.announced) logger.info(`Converting: ${state.entry.url}`);
    state.announced = true;
    const now: RunningConversion = { source: p.source.url, rule: p.rule.name, url: p.url, output: p.output };
    this.running.set(p.url, now);
    this.ctx.onEvent({ type: 'conversion-start', conversion: { ...now } });
    this.ctx.report();
    const started = performance.now();
    try {
      state.sourceSeconds ??= sourceSecondsOnce(ffmpeg, prepared.inputPath, signal);
      const verify = verifierFor(p.rule, { ffmpeg, inputPath: prepared.inputPath, facts, sourceSeconds: state.sourceSeconds, signal });
      const toolVersionUsed = await this.versionOf(p.rule);
      const { result, error, stderrHead } = await runConversion(p, {
        inputPath: prepared.inputPath,
        tools,
        toolVersion: toolVersionUsed,
        sourceSha256: prepared.sha256,
        sourceSize: prepared.size,
        madeDirs: this.madeDirs,
        signal,
        sourceChanged: () => sourceChange(prepared),
        ...(this.ctx.stallMs ? { stallMs: this.ctx.stallMs } : {}),
        log: this.ctx.log,
        onStart: (argv) => logger.debug(`Running: ${shellQuote(argv)}`),
        values: { ...probeValues(facts?.media), ...(ruleSet.dir ? { rules_dir: ruleSet.dir } : {}) },
        ...(verify ? { verify } : {}),
        onProgress: (progress) => {
          Object.assign(now, { seconds: progress.seconds }, progress.duration !== undefined ? { duration: progress.duration } : {});
          if (progress.fraction !== undefined) {
            now.fraction = progress.fraction;
            const elapsed = (performance.now() - started) / 1000;
            if (progress.fraction > 0 && elapsed >= 1) now.etaSeconds = (elapsed * (1 - progress.fraction)) / progress.fraction;
          }
          this.ctx.report();
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
      this.running.delete(p.url);
    }
  }

  /**
   * Queue the source's conversions in `limit` (rules that wait on the probe last, so the probe
   * overlaps other work). `done` is told each outcome; `finished` once all are in, unless the
   * run was aborted. Resolves when its sidecar is written too.
   */
  convertSource(state: SourceState, limit: LimitFunction, hooks: { done(outcome: ConversionOutcome): void; finished(state: SourceState): void }): Promise<void> {
    const order = new Map(state.items.map((p, i) => [p, i]));
    const items = [...state.items].sort((a, b) => Number(a.rule.requires.length > 0) - Number(b.rule.requires.length > 0) || order.get(a)! - order.get(b)!);
    let sidecar: Promise<void> = Promise.resolve();
    const runs = items.map((p) =>
      limit(async () => {
        const outcome = await this.convertOne(p, state);
        state.outcomes.set(p, outcome);
        hooks.done(outcome);
        if (--state.pending === 0) {
          const { signal } = this.ctx;
          // The sidecar waits for its outputs' probes outside the slots.
          sidecar = Promise.all(state.probing).then(() => (signal.aborted ? undefined : this.writeSidecar(state)));
          if (!signal.aborted) hooks.finished(state);
          if (!state.entry.filePath && state.prepared) {
            // the extracted copy of a ZIP member is not needed any more
            void state.prepared.then((x) => rm(dirname(x.inputPath), { recursive: true, force: true })).catch(() => undefined);
          }
        }
      }),
    );
    return Promise.all(runs).then(() => sidecar);
  }

  /** Remove the extracted ZIP members. */
  async close(): Promise<void> {
    if (this.tempRoot) await rm(this.tempRoot, { recursive: true, force: true });
  }
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
