/**
 * `verify: lossless` compares per-frame checksums (ffmpeg's `framemd5` muxer) of the source and
 * the output. Both are decoded to the source's own pixel and sample formats, and audio is cut
 * into frames of a fixed number of samples, so that only a difference in what is decoded —
 * never in how a codec frames it — changes a line. Pure: arguments, parsing, comparison.
 */
import { audioStreams, videoStreams } from '../rules/conditions.js';
import type { MediaInfo } from '../media/probe.js';

/** Samples per audio frame in the checksums (codecs frame audio differently: 1152, 4608...). */
export const AUDIO_FRAME_SAMPLES = 4096;

const PCM_FOR_SAMPLE_FMT: Record<string, string> = {
  u8: 'pcm_u8',
  s16: 'pcm_s16le',
  s32: 'pcm_s32le',
  s64: 'pcm_s64le',
  flt: 'pcm_f32le',
  dbl: 'pcm_f64le',
};

/** The raw codec that keeps a decoded sample format exactly (planar or not). */
export function pcmCodecFor(sampleFmt: string | undefined): string {
  return PCM_FOR_SAMPLE_FMT[(sampleFmt ?? '').replace(/p$/, '')] ?? 'pcm_s32le';
}

/**
 * ffmpeg output options that write framemd5 of every video and audio stream, decoded to the
 * source's formats. The same options go with the source and the output.
 */
export function framemd5Options(source: MediaInfo): string[] {
  const args = ['-map', '0:V?', '-map', '0:a?', '-fps_mode', 'passthrough', '-c:v', 'rawvideo'];
  videoStreams(source).forEach((s, i) => {
    if (s.pixFmt) args.push(`-pix_fmt:v:${i}`, s.pixFmt);
  });
  audioStreams(source).forEach((s, i) => args.push(`-c:a:${i}`, pcmCodecFor(s.sampleFmt)));
  if (audioStreams(source).length) args.push('-filter:a', `asetnsamples=n=${AUDIO_FRAME_SAMPLES}:p=0`);
  return args;
}

/** One stream of a framemd5 file: what it is and its frames' checksums, in order. */
export interface Framemd5Stream {
  index: number;
  mediaType: string;
  /** `160x120`, `44100 Hz stereo`: what must match besides the frames. */
  shape: string;
  hashes: string[];
}

/** Read a framemd5 file: `#media_type 0: video`, `#dimensions 0: 160x120`, then `stream, dts, pts, duration, size, md5` lines. */
export function parseFramemd5(text: string): Framemd5Stream[] {
  const streams = new Map<number, Framemd5Stream>();
  const get = (index: number): Framemd5Stream => {
    let s = streams.get(index);
    if (!s) streams.set(index, (s = { index, mediaType: '', shape: '', hashes: [] }));
    return s;
  };
  for (const line of text.split('\n')) {
    const header = /^#(media_type|dimensions|sample_rate|channel_layout_name|channel_layout) (\d+): (.*)$/.exec(line);
    if (header) {
      const s = get(Number(header[2]));
      if (header[1] === 'media_type') s.mediaType = header[3]!.trim();
      else s.shape = s.shape ? `${s.shape} ${header[3]!.trim()}` : header[3]!.trim();
      continue;
    }
    if (line.startsWith('#') || !line.trim()) continue;
    const fields = line.split(',').map((f) => f.trim());
    if (fields.length < 6) continue;
    get(Number(fields[0])).hashes.push(`${fields[4]}:${fields[5]}`);
  }
  return [...streams.values()].sort((a, b) => a.index - b.index);
}

/** Whether an output's frames are the source's, and the first difference. */
export interface Framemd5Comparison {
  equal: boolean;
  /** What was compared, or the first difference. */
  detail: string;
}

/** Compare the checksums of a source and an output, stream by stream, frame by frame. */
export function compareFramemd5(source: readonly Framemd5Stream[], output: readonly Framemd5Stream[]): Framemd5Comparison {
  const count = (list: readonly Framemd5Stream[], type: string): number => list.filter((s) => s.mediaType === type).length;
  if (source.length === 0) return { equal: false, detail: 'the source has no video or audio frames to compare' };
  for (const type of ['video', 'audio']) {
    if (count(source, type) !== count(output, type)) return { equal: false, detail: `not lossless: the source has ${count(source, type)} ${type} stream(s), the output ${count(output, type)}` };
  }
  const frames: string[] = [];
  for (let i = 0; i < source.length; i++) {
    const a = source[i]!;
    const b = output[i]!;
    const name = `${a.mediaType} stream ${a.index}`;
    if (a.mediaType !== b.mediaType) return { equal: false, detail: `not lossless: stream ${a.index} is ${a.mediaType} in the source, ${b.mediaType} in the output` };
    if (a.shape !== b.shape) return { equal: false, detail: `not lossless: ${name} is ${a.shape} in the source, ${b.shape} in the output` };
    const n = Math.min(a.hashes.length, b.hashes.length);
    for (let f = 0; f < n; f++) {
      if (a.hashes[f] !== b.hashes[f]) return { equal: false, detail: `not lossless: ${name}, frame ${f + 1} of ${a.hashes.length} differs from the source's` };
    }
    if (a.hashes.length !== b.hashes.length) return { equal: false, detail: `not lossless: ${name} has ${a.hashes.length} frames in the source, ${b.hashes.length} in the output` };
    frames.push(`${a.hashes.length} ${a.mediaType} frames`);
  }
  return { equal: true, detail: `lossless: ${frames.join(', ')} identical to the source's (framemd5)` };
}
