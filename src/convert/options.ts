/**
 * Options of {@link convertMedia}, checked and normalized before any file is read or any
 * command runs. The caller's object is never mutated.
 */
import { availableParallelism } from 'node:os';
import type { RuleSet } from '../rules/schema.js';
import type { Logger } from '../util/logger.js';
import { silentLogger } from '../util/logger.js';
import { ConvertOptionsError } from './errors.js';
import { type EntryInput, isEntryInput } from '../inputs/entry.js';
import { QUEUE_WAIT_SECONDS } from '../queue/lost-connection.js';
import type { ConvertEvent } from './progress.js';

/** warcit-converter's results file name, in the output directory. */
export const DEFAULT_RESULTS_FILE = 'warcit-conversion-results.yaml';
export const DEFAULT_OUTPUT_DIR = './conversions';

/**
 * Options of {@link convertMedia}.
 * @example
 * const result = await convertMedia({ urlPrefix: 'http://www.example.com/', inputs: ['site/'], jobs: 2 });
 * console.log(result.converted, result.skipped, result.failed, result.resultsFile);
 */
export interface ConvertOptions {
  /** Directories, files, ZIP files or paths inside ZIP files to look for media in, and objects ({@link EntryInput}). */
  inputs: ReadonlyArray<string | EntryInput>;
  /** Prefix of the sources' URLs, e.g. `http://www.example.com/`. Default: the rules' `url_prefix`. */
  urlPrefix?: string;
  /** A rules file path or a loaded rule set. Default: warckit's `rules/default-conversion-rules.yaml`. */
  rules?: string | RuleSet;
  /** Where outputs go. Default: the rules' `output_dir`, else `./conversions`. */
  outputDir?: string;
  /**
   * Results YAML, relative to `outputDir` (an absolute path is used as is). Default
   * `warcit-conversion-results.yaml`. `false`: no results file is read, locked or written (so
   * nothing counts as already done); the results are in what `convertMedia` returns.
   */
  results?: string | false;
  /** Plan only: run nothing, write nothing; `ConvertResult.conversions` lists the commands. */
  dryRun?: boolean;
  /** Conversions run at once. Default: the number of CPU cores. */
  jobs?: number;
  /** Redo conversions whose recorded output is still current. */
  force?: boolean;
  /**
   * Check the fixity manifests of the last run (`<outputDir>/manifest.md5`, `manifest.sha256`)
   * and write new ones for this run's sources and outputs (`md5sum`/`sha256sum` format).
   */
  manifest?: boolean;
  /** ffmpeg / ffprobe to use for commands starting with `ffmpeg` / `ffprobe` (see `locateTool`). */
  ffmpegPath?: string;
  ffprobePath?: string;
  /** Environment for FFMPEG_PATH / FFPROBE_PATH / PATH lookups. Default: process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Abort to stop: running commands are killed, finished work stays recorded. */
  signal?: AbortSignal;
  logger?: Logger;
  /** Told the progress, and each conversion as it starts and as it ends (with its outcome). */
  onEvent?: (event: ConvertEvent) => void;
  /**
   * A Redis URL (`redis://host:6379/0`): plan here, convert on `warckit-worker`s (one job per
   * source, paths on storage they share), collect their results here. BullMQ is loaded only then.
   */
  queue?: string;
  /**
   * With `queue`: how long Redis may stop answering mid-run (restarting, network down) before
   * the sources not back yet are given up on, as failed. Default 60.
   */
  queueWaitSeconds?: number;
  /**
   * A command that prints nothing and whose output does not grow for this long is stopped and
   * its conversion failed (an encoder hung on a damaged file). Default 600. With `queue`, each
   * worker's own setting applies.
   */
  stallSeconds?: number;
}

/** Seconds a conversion command may show no sign of life before it is stopped. */
export const DEFAULT_STALL_SECONDS = 600;

/** @internal */
export interface NormalizedConvertOptions {
  inputs: ReadonlyArray<string | EntryInput>;
  urlPrefix?: string;
  rules?: string | RuleSet;
  outputDir?: string;
  results: string | false;
  dryRun: boolean;
  jobs: number;
  force: boolean;
  manifest: boolean;
  ffmpegPath?: string;
  ffprobePath?: string;
  env: Readonly<Record<string, string | undefined>>;
  signal?: AbortSignal;
  logger: Logger;
  onEvent: (event: ConvertEvent) => void;
  queue?: string;
  queueWaitSeconds: number;
  stallSeconds: number;
}

function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return String(value);
}

function optString(options: Record<string, unknown>, key: string): string | undefined {
  const value = options[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') throw new ConvertOptionsError(`Expected \`${key}\` to be a non-empty string, got ${shown(value)}`);
  return value;
}

function queueUrl(value: unknown): string {
  if (typeof value !== 'string' || !/^rediss?:\/\/[^/]/.test(value)) throw new ConvertOptionsError(`Expected \`queue\` to be a redis:// or rediss:// URL, got ${shown(value)}`);
  return value;
}

function seconds(key: 'queueWaitSeconds' | 'stallSeconds', value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new ConvertOptionsError(`Expected \`${key}\` to be a number of seconds above 0, got ${shown(value)}`);
  return value;
}

/** @internal Validate and fill in defaults. */
export function normalizeConvertOptions(options: ConvertOptions): NormalizedConvertOptions {
  if (typeof options !== 'object' || options === null) throw new ConvertOptionsError(`Expected options to be an object, got ${shown(options)}`);
  const o = options as unknown as Record<string, unknown>;
  if (!Array.isArray(o.inputs) || o.inputs.length === 0 || !o.inputs.every((i) => (typeof i === 'string' && i !== '') || isEntryInput(i))) {
    throw new ConvertOptionsError(`Expected \`inputs\` to be a non-empty array of paths or entry objects, got ${shown(o.inputs)}`);
  }
  const jobs = o.jobs ?? availableParallelism();
  if (typeof jobs !== 'number' || !Number.isInteger(jobs) || jobs < 1) throw new ConvertOptionsError(`Expected \`jobs\` to be a positive integer, got ${shown(jobs)}`);
  if (o.rules !== undefined && typeof o.rules !== 'string' && (typeof o.rules !== 'object' || o.rules === null || !Array.isArray((o.rules as RuleSet).fileTypes))) {
    throw new ConvertOptionsError(`Expected \`rules\` to be a file path or a RuleSet from loadRules(), got ${shown(o.rules)}`);
  }
  if (o.rules === '') throw new ConvertOptionsError('Expected `rules` to be a file path or a RuleSet from loadRules(), got ""');
  for (const key of ['dryRun', 'force', 'manifest'] as const) {
    if (o[key] !== undefined && typeof o[key] !== 'boolean') throw new ConvertOptionsError(`Expected \`${key}\` to be a boolean, got ${shown(o[key])}`);
  }
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) throw new ConvertOptionsError(`Expected \`signal\` to be an AbortSignal, got ${shown(o.signal)}`);
  if (o.onEvent !== undefined && typeof o.onEvent !== 'function') throw new ConvertOptionsError(`Expected \`onEvent\` to be a function, got ${shown(o.onEvent)}`);
  if (o.results === true) throw new ConvertOptionsError('Expected `results` to be a file name or false, got true');
  return {
    inputs: [...(o.inputs as Array<string | EntryInput>)],
    urlPrefix: optString(o, 'urlPrefix'),
    rules: o.rules as string | RuleSet | undefined,
    outputDir: optString(o, 'outputDir'),
    results: o.results === false ? false : (optString(o, 'results') ?? DEFAULT_RESULTS_FILE),
    dryRun: o.dryRun === true,
    jobs,
    force: o.force === true,
    manifest: o.manifest === true,
    ffmpegPath: optString(o, 'ffmpegPath'),
    ffprobePath: optString(o, 'ffprobePath'),
    env: (o.env as Record<string, string | undefined> | undefined) ?? process.env,
    signal: o.signal as AbortSignal | undefined,
    logger: (o.logger as Logger | undefined) ?? silentLogger,
    onEvent: (o.onEvent as ((e: ConvertEvent) => void) | undefined) ?? (() => undefined),
    ...(o.queue !== undefined ? { queue: queueUrl(o.queue) } : {}),
    queueWaitSeconds: seconds('queueWaitSeconds', o.queueWaitSeconds, QUEUE_WAIT_SECONDS),
    stallSeconds: seconds('stallSeconds', o.stallSeconds, DEFAULT_STALL_SECONDS),
  };
}
