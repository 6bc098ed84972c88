/**
 * @internal A worker's job: check the job's paths exist on this machine's storage, rebuild the
 * source and its planned conversions, and convert them with the same {@link SourceRunner} a
 * local run uses. Knows nothing of BullMQ: the worker passes progress and the abort in.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import type { LimitFunction } from 'p-limit';
import type { PlannedConversion } from '../convert/plan.js';
import { ruleDigest } from '../convert/plan.js';
import type { RunningConversion } from '../convert/progress.js';
import { locateTools, SourceRunner, sourceStates } from '../convert/source-run.js';
import type { FileEntry } from '../inputs/entry.js';
import { readZip } from '../inputs/zip.js';
import type { ConversionRule, RuleSet } from '../rules/schema.js';
import type { Logger } from '../util/logger.js';
import { JOB_VERSION, type SourceJobData, type SourceJobResult, wireOutcome } from './job.js';
import { removeJobPartials } from './partials.js';
import { loadJobRules } from './rules-file.js';

/** A path the job names is not on this worker's storage, or the job cannot be run here. */
export class JobSetupError extends Error {
  override name = 'JobSetupError';
}

export interface JobContext {
  limit: LimitFunction;
  logger: Logger;
  signal: AbortSignal;
  /** Stop a command that shows no sign of life for this long (unless the job says). */
  stallMs?: number;
  ffmpegPath?: string;
  ffprobePath?: string;
  env?: Readonly<Record<string, string | undefined>>;
  /** The job's running conversions changed. */
  progress(running: readonly RunningConversion[]): void;
}

const onThisWorker = (): string => `on this worker (${hostname()})`;

/** Exists as the kind the job needs, else a {@link JobSetupError} naming the path. */
async function mustExist(path: string, kind: 'file' | 'directory', what: string): Promise<void> {
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => error);
  if (info instanceof Error) {
    const why = info.code === 'ENOENT' ? 'not found' : `cannot read (${info.code ?? info.message})`;
    throw new JobSetupError(`${path}: ${what} ${why} ${onThisWorker()}: mount the shared storage at the same path as on the producer`);
  }
  if (kind === 'file' ? !info.isFile() : !info.isDirectory()) throw new JobSetupError(`${path}: ${what} is not a ${kind === 'file' ? 'regular file' : 'directory'} ${onThisWorker()}`);
}

async function entryOf(job: SourceJobData): Promise<{ entry: FileEntry; close(): void }> {
  const s = job.source;
  const base = { url: s.url, path: s.path, relativePath: s.relativePath, rootDir: s.rootDir, size: s.size, mtime: new Date(s.mtime) };
  if (s.filePath !== undefined) {
    await mustExist(s.filePath, 'file', 'the source');
    const filePath = s.filePath;
    return { entry: { ...base, filePath, open: async () => createReadStream(filePath) }, close: () => undefined };
  }
  if (!s.zip) throw new JobSetupError(`${s.path}: the job names neither a file nor a ZIP member`);
  await mustExist(s.zip.archive, 'file', 'the ZIP file');
  const zip = await readZip(s.zip.archive, s.zip.member, '');
  const member = zip.entries.find((e) => e.zip?.member === s.zip!.member);
  if (!member) {
    zip.close();
    throw new JobSetupError(`${s.zip.archive}: no member ${s.zip.member} ${onThisWorker()}`);
  }
  return { entry: { ...base, zip: member.zip!, open: () => member.open() }, close: () => zip.close() };
}

/** The job's planned conversions, each rule found in the worker's copy of the rules by name and digest. */
function planOf(job: SourceJobData, entry: FileEntry, ruleSet: RuleSet): PlannedConversion[] {
  const rules = new Map<string, ConversionRule>();
  for (const ft of ruleSet.fileTypes) for (const rule of ft.conversionRules) rules.set(`${rule.name}\0${ruleDigest(rule)}`, rule);
  return job.items.map((item) => {
    const rule = rules.get(`${item.rule}\0${item.ruleDigest}`);
    if (!rule) throw new JobSetupError(`${ruleSet.file}: no rule ${item.rule} as the producer planned it ${onThisWorker()}`);
    return { source: entry, sourcePath: item.sourcePath, rule, url: item.url, output: item.output, ruleDigest: item.ruleDigest, conditional: item.conditional };
  });
}

/** Run one job; conversion failures are in the outcomes, problems running the job at all throw. */
export async function runSourceJob(job: SourceJobData, ctx: JobContext): Promise<SourceJobResult> {
  if (job.v !== JOB_VERSION) throw new JobSetupError(`a job of another warckit version (job format ${job.v}, this worker reads ${JOB_VERSION})`);
  await mustExist(job.outputDir, 'directory', 'the output directory');
  const ruleSet = await loadJobRules(job.rules);
  const { entry, close } = await entryOf(job);
  try {
    const plan = planOf(job, entry, ruleSet);
    const removed = await removeJobPartials(plan.map((p) => p.output));
    if (removed.length) ctx.logger.warn(`removed ${removed.length} partial output(s) of an earlier try: ${removed.join(', ')}`);
    const tools = await locateTools(plan, ruleSet, ctx);
    const state = sourceStates(plan, ruleSet, job.outputDir, tools.ffprobe).get(entry)!;
    // The producer's --stall-seconds, when it gave one, is what the run asked for.
    const stallMs = typeof job.stallSeconds === 'number' && job.stallSeconds > 0 ? job.stallSeconds * 1000 : ctx.stallMs;
    const runner = new SourceRunner({
      ruleSet,
      tools,
      force: job.force,
      signal: ctx.signal,
      logger: ctx.logger,
      ...(stallMs ? { stallMs } : {}),
      previous: () => job.previous,
      onEvent: () => undefined,
      report: () => ctx.progress([...runner.running.values()]),
    });
    try {
      await runner.convertSource(state, ctx.limit, { done: () => undefined, finished: () => undefined });
    } finally {
      await runner.close();
    }
    if (ctx.signal.aborted) throw new JobSetupError('the worker was stopped');
    return {
      v: JOB_VERSION,
      worker: `${hostname()} ${process.pid}`,
      ...(runner.toolVersion ? { toolVersion: runner.toolVersion } : {}),
      outcomes: plan.map((p) => wireOutcome(state.outcomes.get(p)!)),
      ...(runner.unwrittenSidecars.length ? { unwrittenSidecars: [...runner.unwrittenSidecars] } : {}),
    };
  } finally {
    close();
  }
}
