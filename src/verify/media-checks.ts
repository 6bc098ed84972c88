/**
 * The proofs a rule's `verify:` asks for, run with ffmpeg on a written output before it takes
 * its final name: `decode` (decodes without an error, duration as the source's) and `lossless`
 * (framemd5 of source and output equal; both manifests kept beside the output).
 */
import { readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import type { MediaInfo } from '../media/probe.js';
import { videoStreams } from '../rules/conditions.js';
import { runChild } from '../util/child-process.js';
import { compareFramemd5, framemd5Options, parseFramemd5 } from './framemd5.js';

/** What decoding a whole file showed. */
export interface DecodeReport {
  /** Exit code 0 and nothing on stderr at `-v error`. */
  clean: boolean;
  /** ffmpeg's error lines (at most 5), or how it ended. */
  errors: string[];
  /** Seconds decoded (the end of the last frame), when ffmpeg said. */
  seconds?: number;
  /** Video frames decoded. */
  frames: number;
}

const MAX_ERRORS = 5;
/** A check's ffmpeg that prints nothing (its progress) and writes nothing for this long is hung: stopped, and the check fails. */
const STALL_MS = 600_000;

/** Decode every video and audio stream of `path` to nothing, counting errors, frames and time. */
export async function decodeMedia(ffmpeg: string, path: string, signal?: AbortSignal): Promise<DecodeReport> {
  let progress = '';
  const errors: string[] = [];
  const r = await runChild([ffmpeg, '-nostdin', '-hide_banner', '-v', 'error', '-i', path, '-map', '0:V?', '-map', '0:a?', '-f', 'null', '-progress', 'pipe:1', '-nostats', '-'], {
    ...(signal ? { signal } : {}),
    stall: { ms: STALL_MS },
    onStdout: (c) => {
      progress = (progress + c.toString('latin1')).slice(-4096); // only the last report matters
    },
    onStderr: (c) => {
      for (const line of c.toString('utf8').split('\n')) if (line.trim() && errors.length < MAX_ERRORS) errors.push(line.trim());
    },
  });
  if (r.stalled) errors.push(`ffmpeg stalled (no progress for ${STALL_MS / 1000} s): stopped`);
  else if (r.exitCode !== 0 && errors.length === 0) errors.push(r.notFound ? `${ffmpeg} not found` : r.signal ? `killed by ${r.signal}` : `ffmpeg exited ${String(r.exitCode)}`);
  const micros = [...progress.matchAll(/^out_time_us=(\d+)$/gm)].pop();
  const frames = [...progress.matchAll(/^frame=(\d+)$/gm)].pop();
  return { clean: r.exitCode === 0 && errors.length === 0, errors, ...(micros ? { seconds: Number(micros[1]) / 1e6 } : {}), frames: frames ? Number(frames[1]) : 0 };
}

/** A written output checked for `verify: decode` (the record goes to the result's `verification`). */
export interface Verdict {
  passed: boolean;
  detail: string;
  record: Record<string, unknown>;
  keepAs?: string;
}

export interface DecodeCheckInput {
  ffmpeg: string;
  written: string;
  /** The source as probed (frame rate for the tolerance). */
  source: MediaInfo;
  /** The source's decoded length (decoded once per source, on demand). */
  sourceSeconds: () => Promise<number | undefined>;
  signal?: AbortSignal;
}

/**
 * `verify: decode`: the output decodes completely without errors, and its duration is the
 * source's within one frame (audio only: 50 ms). A single picture (poster, thumbnail, sheet)
 * only has to decode.
 */
export async function checkDecodes(input: DecodeCheckInput): Promise<Verdict> {
  const out = await decodeMedia(input.ffmpeg, input.written, input.signal);
  const record: Record<string, unknown> = { level: 'decode', passed: false };
  if (!out.clean) return { passed: false, detail: `does not decode cleanly: ${out.errors.join('; ')}`, record: { ...record, errors: out.errors } };
  if (out.frames <= 1 && (out.seconds ?? 0) < 0.5) return { passed: true, detail: 'a picture: decodes without errors', record: { ...record, passed: true, picture: true } };
  const sourceSeconds = await input.sourceSeconds();
  const rate = videoStreams(input.source)[0]?.frameRate;
  const tolerance = rate && out.frames > 1 ? 1 / rate : 0.05;
  const seconds = out.seconds;
  Object.assign(record, { seconds, source_seconds: sourceSeconds, tolerance_seconds: Number(tolerance.toFixed(4)) });
  if (seconds === undefined || sourceSeconds === undefined) return { passed: false, detail: 'decodes, but its duration or the source\'s is unknown', record };
  const off = Math.abs(seconds - sourceSeconds);
  if (off > tolerance + 1e-6) return { passed: false, detail: `decodes, but lasts ${seconds.toFixed(3)} s against the source's ${sourceSeconds.toFixed(3)} s (more than ${tolerance === 0.05 ? '50 ms' : 'one frame'} apart)`, record };
  return { passed: true, detail: `decodes without errors, ${seconds.toFixed(3)} s like the source`, record: { ...record, passed: true } };
}

/** Where a failed lossless output is kept: `a.flv.mkv` → `a.flv.not-lossless.mkv`. */
export function notLosslessPath(output: string): string {
  const ext = extname(output);
  return join(dirname(output), `${basename(output, ext)}.not-lossless${ext}`);
}

async function framemd5(ffmpeg: string, input: string, options: readonly string[], to: string, signal?: AbortSignal): Promise<string | undefined> {
  const errors: string[] = [];
  const r = await runChild([ffmpeg, '-nostdin', '-hide_banner', '-v', 'error', '-y', '-i', input, ...options, '-f', 'framemd5', to], {
    ...(signal ? { signal } : {}),
    stall: { ms: STALL_MS, file: to },
    onStderr: (c) => {
      if (errors.length < MAX_ERRORS) errors.push(...c.toString('utf8').split('\n').filter((l) => l.trim()).slice(0, MAX_ERRORS));
    },
  });
  if (r.exitCode === 0) return undefined;
  if (r.stalled) return `ffmpeg stalled (nothing written for ${STALL_MS / 1000} s): stopped`;
  return errors.slice(0, MAX_ERRORS).join('; ') || (r.notFound ? `${ffmpeg} not found` : `ffmpeg exited ${String(r.exitCode ?? r.signal)}`);
}

export interface LosslessCheckInput {
  ffmpeg: string;
  sourcePath: string;
  source: MediaInfo;
  /** The file written (under its temporary name). */
  written: string;
  /** Its final name: the manifests go beside it (or beside the name it is kept under). */
  output: string;
  signal?: AbortSignal;
}

/**
 * `verify: lossless`: framemd5 of every video and audio stream of source and output, decoded to
 * the source's formats, must be equal. The two manifests are kept beside the output
 * (`<output>.framemd5`, `<output>.source.framemd5`); an output that fails is kept as
 * `<name>.not-lossless.<ext>` with its manifests.
 */
export async function checkLossless(input: LosslessCheckInput): Promise<Verdict> {
  const options = framemd5Options(input.source);
  const temp = { source: `${input.written}.source.framemd5`, output: `${input.written}.framemd5` };
  try {
    const [sourceError, outputError] = await Promise.all([
      framemd5(input.ffmpeg, input.sourcePath, options, temp.source, input.signal),
      framemd5(input.ffmpeg, input.written, options, temp.output, input.signal),
    ]);
    const record: Record<string, unknown> = { level: 'lossless', passed: false, method: 'framemd5', audio_frame_samples: 4096 };
    if (sourceError) return { passed: false, detail: `cannot checksum the source's frames: ${sourceError}`, record };
    let verdict: Verdict;
    if (outputError) verdict = { passed: false, detail: `not lossless: the output does not decode: ${outputError}`, record };
    else {
      const compared = compareFramemd5(parseFramemd5(await readFile(temp.source, 'utf8')), parseFramemd5(await readFile(temp.output, 'utf8')));
      verdict = { passed: compared.equal, detail: compared.detail, record: { ...record, passed: compared.equal, detail: compared.detail } };
    }
    if (!verdict.passed) verdict.keepAs = notLosslessPath(input.output);
    const base = verdict.keepAs ?? input.output;
    const kept = { source: `${base}.source.framemd5`, output: `${base}.framemd5` };
    await rename(temp.source, kept.source);
    if (!outputError) await rename(temp.output, kept.output);
    verdict.record.source_framemd5 = kept.source;
    if (!outputError) verdict.record.output_framemd5 = kept.output;
    return verdict;
  } finally {
    await rm(temp.source, { force: true });
    await rm(temp.output, { force: true });
  }
}
