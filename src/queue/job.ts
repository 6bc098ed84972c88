/**
 * @internal One queue job = one source: what the producer sends (the source's paths on shared
 * storage, its planned conversions, its earlier results for skip decisions) and what a worker
 * sends back (each planned conversion's outcome, in the job's order). Pure: JSON both ways.
 */
import type { FileEntry } from '../inputs/entry.js';
import type { ConversionOutcome, ConversionStatus } from '../convert/convert.js';
import { ConversionError } from '../convert/errors.js';
import type { PlannedConversion } from '../convert/plan.js';
import type { ConversionResult } from '../convert/results.js';

/** Bumped when the job's shape changes: a worker refuses jobs it does not know. */
export const JOB_VERSION = 1;

export interface JobSource {
  url: string;
  path: string;
  relativePath: string;
  rootDir: string;
  size: number;
  /** ISO date. */
  mtime: string;
  /** Absolute. */
  filePath?: string;
  /** Absolute archive path and the member inside it. */
  zip?: { archive: string; member: string };
}

export interface JobItem {
  rule: string;
  ruleDigest: string;
  url: string;
  output: string;
  sourcePath: string;
  conditional: boolean;
}

export interface SourceJobData {
  v: number;
  /** The producer's run, for messages. */
  run: string;
  /** The rules file on shared storage (or a rule set shipped with warckit, by name) and its sha256. */
  rules: { file: string; shipped?: string; sha256: string };
  outputDir: string;
  force: boolean;
  source: JobSource;
  items: JobItem[];
  /** The source's list in the results file when the job was made. */
  previous: ConversionResult[];
  /** The producer's `stallSeconds`, when it gave one: it wins over the worker's own (older workers ignore it). */
  stallSeconds?: number;
}

export interface WireError {
  message: string;
  argv: string[];
  exitCode: number | null;
  signal: string | null;
  stderrTail: string;
}

export interface WireOutcome {
  status: ConversionStatus;
  rule: string;
  url: string;
  output: string;
  argv: string[];
  result?: ConversionResult;
  error?: WireError;
  unselected?: boolean;
}

export interface SourceJobResult {
  v: number;
  /** `host pid`: the worker that ran it. */
  worker: string;
  toolVersion?: string;
  /** One per job item, in order. */
  outcomes: WireOutcome[];
  /** Characterization sidecars the worker could not write (older workers do not say). */
  unwrittenSidecars?: string[];
}

/** What a job carries of a source; paths absolute, so any worker's working directory will do. */
export function jobSource(entry: FileEntry, absolute: (path: string) => string): JobSource {
  return {
    url: entry.url,
    path: entry.path,
    relativePath: entry.relativePath,
    rootDir: entry.rootDir,
    size: entry.size,
    mtime: entry.mtime.toISOString(),
    ...(entry.filePath !== undefined ? { filePath: absolute(entry.filePath) } : {}),
    ...(entry.zip ? { zip: { archive: absolute(entry.zip.archive), member: entry.zip.member } } : {}),
  };
}

export function jobItem(p: PlannedConversion): JobItem {
  return { rule: p.rule.name, ruleDigest: p.ruleDigest, url: p.url, output: p.output, sourcePath: p.sourcePath, conditional: p.conditional };
}

export function wireOutcome(x: ConversionOutcome): WireOutcome {
  return {
    status: x.status,
    rule: x.rule,
    url: x.url,
    output: x.output,
    argv: [...x.argv],
    ...(x.result ? { result: x.result } : {}),
    ...(x.error ? { error: { message: x.error.message, argv: [...x.error.argv], exitCode: x.error.exitCode, signal: x.error.signal, stderrTail: x.error.stderrTail } } : {}),
    ...(x.unselected ? { unselected: true } : {}),
  };
}

/** The producer's outcome for a planned conversion from the worker's. */
export function outcomeFromWire(w: WireOutcome, p: PlannedConversion): ConversionOutcome {
  const error = w.error ? new ConversionError(w.error.message, { source: p.source.url, output: w.output, argv: w.error.argv, exitCode: w.error.exitCode, signal: w.error.signal, stderrTail: w.error.stderrTail }) : undefined;
  return {
    source: p.source.url,
    sourcePath: p.source.path,
    rule: w.rule,
    url: w.url,
    output: w.output,
    status: w.status,
    argv: w.argv,
    ...(w.result ? { result: w.result } : {}),
    ...(error ? { error } : {}),
    ...(w.unselected ? { unselected: true } : {}),
  };
}

/** A job the queue gave up on (it failed, or stalled, twice): each of its conversions failed, with why. */
export function failedOutcome(p: PlannedConversion, reason: string): ConversionOutcome {
  const message = `${p.source.path}: ${p.rule.name} failed on the queue (${reason})`;
  const result: ConversionResult = { url: p.url, output: p.output, metadata: structuredClone(p.rule.metadata), type: 'conversion', success: false, source_path: p.sourcePath, exit_code: null, failure: `queue: ${reason}` };
  const error = new ConversionError(message, { source: p.source.url, output: p.output, argv: [], exitCode: null, signal: null, stderrTail: '' });
  return { source: p.source.url, sourcePath: p.source.path, rule: p.rule.name, url: p.url, output: p.output, status: 'failed', argv: [], result, error };
}

/** Check a job's shape before trusting it (a worker may meet jobs from another warckit version). */
export function isSourceJobData(value: unknown): value is SourceJobData {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<SourceJobData>;
  return (
    v.v === JOB_VERSION &&
    typeof v.run === 'string' &&
    typeof v.outputDir === 'string' &&
    typeof v.rules?.file === 'string' &&
    typeof v.rules.sha256 === 'string' &&
    typeof v.source?.url === 'string' &&
    Array.isArray(v.items) &&
    Array.isArray(v.previous)
  );
}
