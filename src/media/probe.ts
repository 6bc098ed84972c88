/** ffprobe's JSON, reduced to what conversion and its tests need: streams, codecs, durations. */
import { runChild } from '../util/child-process.js';

export interface MediaStreamInfo {
  index: number;
  /** `video`, `audio`, `subtitle`, `data`, `attachment`. */
  type: string;
  codec: string;
  profile?: string;
  pixFmt?: string;
  /** Decoded sample format of audio (`s16`, `fltp`...). */
  sampleFmt?: string;
  width?: number;
  height?: number;
  sampleRate?: number;
  channels?: number;
  /** Seconds, when the container says. */
  duration?: number;
  /** Frames per second (avg_frame_rate, else r_frame_rate). */
  frameRate?: number;
  /** The frame rate as ffprobe states it (`30000/1001`), for commands. */
  frameRateText?: string;
  /** `progressive`, `tt`, `bb`, `tb`, `bt` (interlaced), when the decoder says. */
  fieldOrder?: string;
  /** A cover picture stored as a video stream (not a moving image). */
  attachedPicture: boolean;
}

export interface MediaInfo {
  /** ffprobe's format_name, e.g. `mov,mp4,m4a,3gp,3g2,mj2`. */
  formatName: string;
  duration?: number;
  streams: MediaStreamInfo[];
  hasVideo: boolean;
  hasAudio: boolean;
  /** ffprobe's JSON as it printed it (characterization is kept verbatim). */
  json: string;
  /** `ffprobe version …`, when the JSON carries it (`-show_program_version`). */
  toolVersion?: string;
}

/** ffprobe failed on the file (unreadable, not media) or returned something unexpected. */
export class ProbeError extends Error {
  override name = 'ProbeError';
  constructor(message: string, readonly file: string, readonly stderrTail = '') {
    super(message);
  }
}

function num(value: unknown): number | undefined {
  const n = typeof value === 'string' ? Number(value) : typeof value === 'number' ? value : NaN;
  return Number.isFinite(n) ? n : undefined;
}

function rate(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const [a, b] = value.split('/').map(Number);
  return a && b ? a / b : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Turn ffprobe `-show_format -show_streams -of json` output into {@link MediaInfo}. */
export function parseProbeJson(json: string, file: string): MediaInfo {
  let doc: { format?: Record<string, unknown>; streams?: Array<Record<string, unknown>>; program_version?: Record<string, unknown> };
  try {
    doc = JSON.parse(json) as typeof doc;
    if (typeof doc !== 'object' || doc === null) throw new Error('not an object');
  } catch {
    throw new ProbeError(`${file}: ffprobe output is not JSON`, file);
  }
  const listed = Array.isArray(doc.streams) ? doc.streams.filter((s): s is Record<string, unknown> => typeof s === 'object' && s !== null) : [];
  const streams = listed.map((s): MediaStreamInfo => {
    const disposition = (s.disposition ?? {}) as Record<string, unknown>;
    return {
      index: num(s.index) ?? 0,
      type: String(s.codec_type ?? 'unknown'),
      codec: String(s.codec_name ?? 'unknown'),
      profile: typeof s.profile === 'string' ? s.profile : undefined,
      pixFmt: typeof s.pix_fmt === 'string' ? s.pix_fmt : undefined,
      sampleFmt: text(s.sample_fmt),
      width: num(s.width),
      height: num(s.height),
      sampleRate: num(s.sample_rate),
      channels: num(s.channels),
      duration: num(s.duration),
      frameRate: rate(s.avg_frame_rate) ?? rate(s.r_frame_rate),
      frameRateText: rate(s.avg_frame_rate) ? text(s.avg_frame_rate) : rate(s.r_frame_rate) ? text(s.r_frame_rate) : undefined,
      fieldOrder: text(s.field_order),
      attachedPicture: disposition.attached_pic === 1,
    };
  });
  return {
    formatName: String(doc.format?.format_name ?? ''),
    duration: num(doc.format?.duration),
    streams,
    hasVideo: streams.some((s) => s.type === 'video' && !s.attachedPicture),
    hasAudio: streams.some((s) => s.type === 'audio'),
    json,
    ...(typeof doc.program_version?.version === 'string' ? { toolVersion: `ffprobe version ${doc.program_version.version}` } : {}),
  };
}

const MAX_JSON = 16 * 1024 * 1024;
/** ffprobe reads a file's head (and seeks for its length): minutes without an answer means it is hung on it. */
const PROBE_TIMEOUT_MS = 120_000;

export interface ProbeOptions {
  /** Path of ffprobe (see `locateTool`). */
  ffprobePath: string;
  signal?: AbortSignal;
}

/** Probe a media file; throws {@link ProbeError} with ffprobe's message when it is not readable media. */
export async function probeMedia(file: string, options: ProbeOptions): Promise<MediaInfo> {
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  let size = 0;
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  options.signal?.addEventListener('abort', stop, { once: true });
  if (options.signal?.aborted) stop();
  const result = await runChild([options.ffprobePath, '-v', 'error', '-show_program_version', '-show_format', '-show_streams', '-of', 'json', '-i', file], {
    signal: controller.signal,
    timeoutMs: PROBE_TIMEOUT_MS,
    onStdout: (c) => {
      size += c.length;
      if (size > MAX_JSON) controller.abort(); // ffprobe's JSON for one file is a few KB
      else stdout.push(c);
    },
    onStderr: (c) => stderr.push(c),
  });
  options.signal?.removeEventListener('abort', stop);
  if (result.timedOut) throw new ProbeError(`${file}: ffprobe gave no answer within ${PROBE_TIMEOUT_MS / 1000} s (stopped)`, file);
  if (result.canceled) throw new ProbeError(size > MAX_JSON ? `${file}: ffprobe output too large` : `${file}: probe cancelled`, file);
  if (result.exitCode !== 0) {
    const tail = Buffer.concat(stderr).toString('utf8').trim().split('\n').slice(-5).join('\n');
    const why = result.notFound ? `${options.ffprobePath} not found` : `exit ${String(result.exitCode ?? result.signal)}`;
    throw new ProbeError(`${file}: ffprobe failed (${why}): ${tail}`, file, tail);
  }
  return parseProbeJson(Buffer.concat(stdout).toString('utf8'), file);
}
