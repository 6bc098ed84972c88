/**
 * What a file type may require of a file besides its name: a sniffed MIME type, and properties
 * from one ffprobe run (streams, container, codecs, size, frame rate, duration, interlacing).
 * Parsing and evaluation are pure; the probe itself is done by the converter.
 */
import type { MediaInfo, MediaStreamInfo } from '../media/probe.js';

/** An inclusive range; a bare number in the rules file means exactly that value. */
export interface NumberRange {
  min?: number;
  max?: number;
}

/**
 * Probed properties a file must have. Codec and format lists: every (moving) video stream,
 * or every audio stream, must be in the list (a file without such a stream meets it; add
 * `video: true` / `audio: true` to require one). Sizes, frame rate and interlacing are those
 * of the first video stream; duration is the container's.
 */
export interface ProbeConditions {
  video?: boolean;
  audio?: boolean;
  /** Container: one of ffprobe's format names (`flv`, `mov` for MOV/MP4/F4V, `avi`...). */
  format?: readonly string[];
  videoCodec?: readonly string[];
  audioCodec?: readonly string[];
  pixFmt?: readonly string[];
  sampleFmt?: readonly string[];
  width?: NumberRange;
  height?: NumberRange;
  frameRate?: NumberRange;
  duration?: NumberRange;
  interlaced?: boolean;
}

/** The keys of `probe:` in a rules file. */
export const PROBE_KEYS = ['video', 'audio', 'format', 'video_codec', 'audio_codec', 'pix_fmt', 'sample_fmt', 'width', 'height', 'frame_rate', 'duration', 'interlaced'] as const;

/** Reports a problem at a path inside the rules file (never returns). */
export type Fail = (path: string, detail: string) => never;

function kindOf(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}

function names(value: unknown, path: string, fail: Fail): string[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) fail(path, 'expected a name or a non-empty list of names');
  return list.map((v, i) => {
    if (typeof v !== 'string' || v === '') fail(Array.isArray(value) ? `${path}[${i}]` : path, `expected a name such as "h264", got ${kindOf(v)}`);
    return v.toLowerCase();
  });
}

function range(value: unknown, path: string, fail: Fail): NumberRange {
  if (typeof value === 'number' && Number.isFinite(value)) return { min: value, max: value };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, `expected a number or {min, max}, got ${kindOf(value)}`);
  const m = value as Record<string, unknown>;
  for (const key of Object.keys(m)) if (key !== 'min' && key !== 'max') fail(`${path}.${key}`, 'unknown key (expected min or max)');
  const out: NumberRange = {};
  for (const key of ['min', 'max'] as const) {
    if (m[key] === undefined || m[key] === null) continue;
    if (typeof m[key] !== 'number' || !Number.isFinite(m[key])) fail(`${path}.${key}`, `expected a number, got ${kindOf(m[key])}`);
    out[key] = m[key];
  }
  if (out.min === undefined && out.max === undefined) fail(path, 'expected min, max or both');
  if (out.min !== undefined && out.max !== undefined && out.min > out.max) fail(path, `min (${out.min}) is above max (${out.max})`);
  return out;
}

function bool(value: unknown, path: string, fail: Fail): boolean {
  if (typeof value !== 'boolean') fail(path, `expected true or false, got ${kindOf(value)}`);
  return value;
}

/** Check a `probe:` mapping (keys already known to be in {@link PROBE_KEYS}). */
export function parseProbeConditions(m: Record<string, unknown>, path: string, fail: Fail): ProbeConditions {
  const c: ProbeConditions = {};
  const at = (key: string): string => `${path}.${key}`;
  if (m.video !== undefined) c.video = bool(m.video, at('video'), fail);
  if (m.audio !== undefined) c.audio = bool(m.audio, at('audio'), fail);
  if (m.interlaced !== undefined) c.interlaced = bool(m.interlaced, at('interlaced'), fail);
  if (m.format !== undefined) c.format = names(m.format, at('format'), fail);
  if (m.video_codec !== undefined) c.videoCodec = names(m.video_codec, at('video_codec'), fail);
  if (m.audio_codec !== undefined) c.audioCodec = names(m.audio_codec, at('audio_codec'), fail);
  if (m.pix_fmt !== undefined) c.pixFmt = names(m.pix_fmt, at('pix_fmt'), fail);
  if (m.sample_fmt !== undefined) c.sampleFmt = names(m.sample_fmt, at('sample_fmt'), fail);
  if (m.width !== undefined) c.width = range(m.width, at('width'), fail);
  if (m.height !== undefined) c.height = range(m.height, at('height'), fail);
  if (m.frame_rate !== undefined) c.frameRate = range(m.frame_rate, at('frame_rate'), fail);
  if (m.duration !== undefined) c.duration = range(m.duration, at('duration'), fail);
  return c;
}

/** Moving video streams (cover pictures left out). */
export function videoStreams(media: MediaInfo): MediaStreamInfo[] {
  return media.streams.filter((s) => s.type === 'video' && !s.attachedPicture);
}

export function audioStreams(media: MediaInfo): MediaStreamInfo[] {
  return media.streams.filter((s) => s.type === 'audio');
}

/** The container's duration, else the longest stream's. */
export function mediaDuration(media: MediaInfo): number | undefined {
  if (media.duration !== undefined && media.duration > 0) return media.duration;
  const longest = Math.max(0, ...media.streams.map((s) => s.duration ?? 0));
  return longest > 0 ? longest : undefined;
}

const INTERLACED = new Set(['tt', 'bb', 'tb', 'bt']);

function inRange(value: number | undefined, r: NumberRange | undefined): boolean {
  if (!r) return true;
  if (value === undefined) return false;
  // Frame rates such as 29.97 are stated as 30000/1001: a hundredth of slack.
  return (r.min === undefined || value >= r.min - 0.005) && (r.max === undefined || value <= r.max + 0.005);
}

function every(streams: readonly MediaStreamInfo[], allowed: readonly string[] | undefined, pick: (s: MediaStreamInfo) => string | undefined): boolean {
  if (!allowed) return true;
  return streams.every((s) => allowed.includes((pick(s) ?? '').toLowerCase()));
}

/** Does the probed file meet every condition? */
export function meetsProbeConditions(c: ProbeConditions, media: MediaInfo): boolean {
  const video = videoStreams(media);
  const audio = audioStreams(media);
  const main = video[0];
  if (c.video !== undefined && c.video !== video.length > 0) return false;
  if (c.audio !== undefined && c.audio !== audio.length > 0) return false;
  if (c.format && !media.formatName.toLowerCase().split(',').some((f) => c.format!.includes(f))) return false;
  if (!every(video, c.videoCodec, (s) => s.codec) || !every(audio, c.audioCodec, (s) => s.codec)) return false;
  if (!every(video, c.pixFmt, (s) => s.pixFmt) || !every(audio, c.sampleFmt, (s) => s.sampleFmt)) return false;
  if (!inRange(main?.width, c.width) || !inRange(main?.height, c.height) || !inRange(main?.frameRate, c.frameRate)) return false;
  if (!inRange(mediaDuration(media), c.duration)) return false;
  if (c.interlaced !== undefined && c.interlaced !== INTERLACED.has(main?.fieldOrder ?? '')) return false;
  return true;
}

/** Does a sniffed MIME type match one of the patterns (`video/x-flv`, `video/*`, `*`)? */
export function mimeMatches(patterns: readonly string[], mime: string | undefined): boolean {
  if (!mime) return false;
  const type = mime.split(';')[0]!.trim().toLowerCase();
  return patterns.some((p) => p === '*' || p === type || (p.endsWith('/*') && type.startsWith(p.slice(0, -1))));
}
