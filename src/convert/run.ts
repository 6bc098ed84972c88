/**
 * Running one conversion: argv with no shell, stdin closed (no prompt can hang a run), output
 * to a hidden temporary name beside the final one (keeping the real extension so ffmpeg picks
 * the muxer), hashed, then renamed. A failed, killed or interrupted command leaves nothing
 * under the final name.
 */
import { randomBytes } from 'node:crypto';
import { rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Writable } from 'node:stream';
import { setTimeout } from 'node:timers/promises';
import type { ConversionResult } from './results.js';
import { type Placeholder, renderArgv, TemplateValueError } from '../rules/template.js';
import { sha256File } from './digest.js';
import { type ChildExit, runChild } from '../util/child-process.js';
import { FfmpegProgressReader, type FfmpegProgressState, withProgressFlags } from '../media/ffmpeg-progress.js';
import { lastTellingLine, OutputWriteFailureWatch } from '../media/ffmpeg-log.js';
import { ConversionError } from './errors.js';
import type { PlannedConversion } from './plan.js';
import type { Verdict } from '../verify/media-checks.js';
import { partialPrefix } from '../util/beside-names.js';
import { makeDirectory } from '../util/make-dir.js';

const TAIL_BYTES = 16 * 1024;
const TAIL_LINES = 20;

export interface RunContext {
  /** The file the command reads (a temporary copy for ZIP members). */
  inputPath: string;
  /** Replace a leading `ffmpeg` / `ffprobe` with these paths. */
  tools: { ffmpeg?: string; ffprobe?: string };
  toolVersion?: string;
  sourceSha256: string;
  sourceSize: number;
  signal?: AbortSignal;
  /** Receives the command's stdout and stderr (warcit's `convert_stdout`). */
  log?: Writable;
  /** Directories this run has created already. */
  madeDirs?: Set<string>;
  /** Called with the argv just before it runs (for -v). */
  onStart?: (argv: readonly string[]) => void;
  /** Placeholder values besides {input} and {output}: from the probe, {rules_dir}. */
  values?: Readonly<Partial<Record<Placeholder, string>>>;
  /**
   * The rule's proof (`verify: decode|lossless`), run on the written file before it takes its
   * final name. A failure may name where to keep the file (`keepAs`) instead of removing it.
   */
  verify?: (written: string, output: string) => Promise<OutputVerdict | undefined>;
  /** An ffmpeg command is also run with `-progress pipe:1` and this is told how far it is. */
  onProgress?: (state: FfmpegProgressState) => void;
  /**
   * Asked once the command has succeeded, before its output is accepted: why the source is no
   * longer the one hashed for this run (another process wrote to it meanwhile), or undefined.
   */
  sourceChanged?: () => Promise<string | undefined>;
  /** Stop a command that prints nothing and whose output does not grow for this long (a hung encoder). */
  stallMs?: number;
}

/** What a rule's `verify` found. */
export type OutputVerdict = Verdict;

/** @internal The run was aborted while this command ran; it was killed and its temporary output removed. */
export class RunAbortedError extends Error {
  override name = 'RunAbortedError';
}

export interface RunOutcome {
  result: ConversionResult;
  error?: ConversionError;
  /** The beginning of the command's stderr (ffmpeg lists its input streams there). */
  stderrHead: string;
}

/** `.name.ext.partial-<pid>-<random>.ext` beside the final output (see beside-names.ts). */
export function partialPathFor(output: string, ext: string): string {
  return join(dirname(output), `${partialPrefix(basename(output))}${process.pid}-${randomBytes(3).toString('hex')}.${ext}`);
}

/** The argv a planned conversion runs, with `ffmpeg`/`ffprobe` resolved; throws {@link TemplateValueError} for a placeholder without a value. */
export function argvFor(planned: PlannedConversion, input: string, output: string, tools: RunContext['tools'], values: RunContext['values'] = {}): string[] {
  const argv = renderArgv(planned.rule.argv, { ...values, input, output });
  const program = argv[0];
  if (program === 'ffmpeg' && tools.ffmpeg) argv[0] = tools.ffmpeg;
  else if (program === 'ffprobe' && tools.ffprobe) argv[0] = tools.ffprobe;
  return argv;
}

/** Keep the end of a stream's output only. */
class Tail {
  private chunks: Buffer[] = [];
  private size = 0;
  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size - (this.chunks[0]?.length ?? 0) >= TAIL_BYTES) this.size -= this.chunks.shift()!.length;
  }
  lines(): string {
    const text = Buffer.concat(this.chunks).toString('utf8').replace(/\r/g, '\n');
    return text.split('\n').filter((l) => l.trim() !== '').slice(-TAIL_LINES).join('\n');
  }
}

/** mkdir -p, once per directory per run (10,000 outputs in one directory ask once). */
async function makeDir(dir: string, made?: Set<string>): Promise<void> {
  if (made?.has(dir)) return;
  await makeDirectory(dir);
  made?.add(dir);
}

/** Run one planned conversion. Failures are returned (with a {@link ConversionError}); an abort throws {@link RunAbortedError}. */
export async function runConversion(planned: PlannedConversion, ctx: RunContext): Promise<RunOutcome> {
  const { rule, output } = planned;
  // Where the output cannot go, this conversion fails; the others still run.
  const unwritable = await makeDir(dirname(output), ctx.madeDirs).then(
    () => undefined,
    (error: NodeJS.ErrnoException) => `cannot create ${dirname(output)} (${error.code === 'ENOTDIR' || error.code === 'EEXIST' ? 'a parent is not a directory' : (error.code ?? error.message)})`,
  );
  const partial = partialPathFor(output, rule.ext);
  let argv: string[];
  try {
    argv = argvFor(planned, ctx.inputPath, partial, ctx.tools, ctx.values);
  } catch (error) {
    if (!(error instanceof TemplateValueError)) throw error;
    return unfillable(planned, ctx, error);
  }
  const started = performance.now();
  const tail = new Tail();
  const writeFailure = new OutputWriteFailureWatch();
  const head: Buffer[] = [];
  let headSize = 0;
  let renamed = false;
  ctx.onStart?.(argv);
  // Progress flags only where asked; stdout then carries progress, kept out of the log.
  const progressArgv = ctx.onProgress ? withProgressFlags(argv) : undefined;
  const progress = progressArgv ? new FfmpegProgressReader() : undefined;
  try {
    if (ctx.log) ctx.log.write(`### ${planned.source.url} -> ${planned.url}\n`);
    const r = unwritable ? { exitCode: null, signal: null, notFound: false, canceled: false, timedOut: false } : await runChild(progressArgv ?? argv, {
      signal: ctx.signal,
      forceKillAfterMs: 500, // its partial output is discarded anyway: Ctrl-C must end the run within a second
      ...(ctx.stallMs ? { stall: { ms: ctx.stallMs, file: partial } } : {}),
      onStdout: (c) => {
        if (!progress) ctx.log?.write(c);
        else if (progress.pushStdout(c)) ctx.onProgress!(progress.state);
      },
      onStderr: (c) => {
        progress?.pushStderr(c);
        if (headSize < TAIL_BYTES) {
          head.push(c);
          headSize += c.length;
        }
        tail.push(c);
        writeFailure.push(c);
        ctx.log?.write(c);
      },
    });
    const duration = Math.round((performance.now() - started) / 10) / 100;
    const failed = unwritable !== undefined || r.notFound || r.error !== undefined || r.exitCode !== 0 || r.stalled === true;
    // Ctrl-C on a terminal reaches ffmpeg too: it may exit before our own handler has run.
    if (failed && (r.signal === 'SIGINT' || r.signal === 'SIGTERM' || /received signal \d+/.test(tail.lines()))) await setTimeout(300);
    if (r.canceled || ctx.signal?.aborted) throw new RunAbortedError(`${planned.url}: interrupted`);
    const base: ConversionResult = {
      url: planned.url,
      output,
      metadata: structuredClone(rule.metadata),
      type: 'conversion',
      success: false,
      source_size: ctx.sourceSize,
      source_sha256: ctx.sourceSha256,
      source_path: planned.sourcePath,
      exit_code: r.exitCode,
      signal: r.signal,
      duration_seconds: duration,
      ...(ctx.toolVersion ? { tool_version: ctx.toolVersion } : {}),
      // As run, but naming the final output: the temporary name is an implementation detail.
      argv: argvFor(planned, ctx.inputPath, output, ctx.tools, ctx.values),
      rule_digest: planned.ruleDigest,
    };
    let problem: string | undefined;
    // Exit 0 or not, what it wrote is cut off (a full disk): named with the output, not its temporary name.
    const cutOff = writeFailure.failure() === undefined ? undefined : `${basename(argv[0]!)} could not write its output: ${writeFailure.failure()!.split(partial).join(output)}`;
    if (unwritable) problem = unwritable;
    else if (failed) {
      problem = commandFailure(r, argv[0]!, ctx.stallMs);
      if (cutOff && !r.notFound && !r.error) problem = `${cutOff}; ${problem}`;
    } else if (cutOff) {
      problem = cutOff;
    } else {
      const kept = await keepOutput(planned, ctx, partial, base);
      renamed = kept.renamed;
      if (kept.result) return { result: kept.result, stderrHead: Buffer.concat(head).toString('utf8') };
      problem = kept.problem;
    }
    const stderrTail = tail.lines();
    const result: ConversionResult = { ...base, ...(stderrTail ? { stderr_tail: stderrTail } : {}), failure: problem };
    const telling = cutOff ? undefined : lastTellingLine(stderrTail);
    const error = new ConversionError(`${planned.source.path}: ${rule.name} failed (${problem})${telling ? `: ${telling}` : ''}`, {
      source: planned.source.url,
      output,
      argv,
      exitCode: r.exitCode,
      signal: r.signal,
      stderrTail,
    });
    return { result, error, stderrHead: Buffer.concat(head).toString('utf8') };
  } finally {
    if (!renamed) await rm(partial, { force: true });
  }
}

/**
 * After the command succeeded: check what it wrote (there, not empty), that the source did not
 * change meanwhile, and the rule's proof; then move it into place. The result on success, else
 * the problem (and whether the file was kept under another name).
 */
async function keepOutput(planned: PlannedConversion, ctx: RunContext, partial: string, base: ConversionResult): Promise<{ result?: ConversionResult; problem?: string; renamed: boolean }> {
  const { rule, output, url } = planned;
  const info = await stat(partial).catch(() => undefined);
  if (!info?.isFile()) return { problem: `the command exited 0 but did not write ${rule.ext} output to {output}`, renamed: false };
  if (info.size === 0) return { problem: 'the command exited 0 but wrote an empty file', renamed: false };
  const sha256 = await sha256File(partial, info.size, ctx.signal);
  if (ctx.signal?.aborted) throw new RunAbortedError(`${url}: interrupted`);
  const changed = await ctx.sourceChanged?.();
  if (changed) return { problem: changed, renamed: false };
  const verdict = ctx.verify
    ? await ctx.verify(partial, output).catch((error: Error): OutputVerdict => ({ passed: false, detail: `cannot verify: ${error.message}`, record: { passed: false } }))
    : undefined;
  if (ctx.signal?.aborted) throw new RunAbortedError(`${url}: interrupted`);
  const proof = verdict ? { verification: verdict.record } : {};
  if (verdict && !verdict.passed) {
    if (verdict.keepAs && (await rename(partial, verdict.keepAs).then(() => true, () => false))) {
      Object.assign(base, proof, { kept_as: verdict.keepAs, output_size: info.size, output_sha256: sha256 });
      return { problem: verdict.detail, renamed: true };
    }
    Object.assign(base, proof);
    return { problem: verdict.detail, renamed: false };
  }
  const notMoved = await rename(partial, output).then(
    () => undefined,
    (error: NodeJS.ErrnoException) => error,
  );
  if (!notMoved) return { result: { ...base, success: true, output_size: info.size, output_sha256: sha256, ...proof }, renamed: true };
  return { problem: notMoved.code === 'EISDIR' || notMoved.code === 'ENOTEMPTY' ? `${output} is a directory` : `cannot move the output to ${output} (${notMoved.code ?? notMoved.message})`, renamed: false };
}

/** Why a command that ran (or could not) failed. */
function commandFailure(r: ChildExit, program: string, stallMs: number | undefined): string {
  if (r.notFound) return `cannot run ${program} (not found)`;
  if (r.error) return `cannot run ${program} (${r.error.message})`;
  if (r.stalled) return `stalled: nothing printed and no output written for ${(stallMs ?? 0) / 1000} s; stopped`;
  if (r.signal) return `killed by ${r.signal}`;
  return `exit code ${String(r.exitCode)}`;
}

/** A placeholder the command needs has no value for this source: a failure, nothing run. */
function unfillable(planned: PlannedConversion, ctx: RunContext, error: TemplateValueError): RunOutcome {
  const why = `cannot fill {${error.placeholder}}: ${['width', 'height', 'frame_rate'].includes(error.placeholder) ? 'the source has no video stream' : 'the probe did not tell it'}`;
  const result: ConversionResult = {
    url: planned.url,
    output: planned.output,
    metadata: structuredClone(planned.rule.metadata),
    type: 'conversion',
    success: false,
    source_size: ctx.sourceSize,
    source_sha256: ctx.sourceSha256,
    source_path: planned.sourcePath,
    exit_code: null,
    failure: why,
    rule_digest: planned.ruleDigest,
  };
  const message = `${planned.source.path}: ${planned.rule.name} failed (${why})`;
  return { result, error: new ConversionError(message, { source: planned.source.url, output: planned.output, argv: [], exitCode: null, signal: null, stderrTail: '' }), stderrHead: '' };
}
