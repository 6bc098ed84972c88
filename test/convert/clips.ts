/** Test fixtures: tiny clips from ffmpeg's lavfi sources, and helpers to inspect outputs. */
import { execFile } from 'node:child_process';
import { mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { locateTool } from '../../src/media/ffmpeg.js';

const run = promisify(execFile);

export type ClipKind = 'av' | 'audio' | 'video';

let tools: Promise<{ ffmpeg: string; ffprobe: string }> | undefined;

/** ffmpeg and ffprobe as the converter finds them (Debian's, or the npm-shipped ones). */
export function mediaTools(): Promise<{ ffmpeg: string; ffprobe: string }> {
  tools ??= Promise.all([locateTool('ffmpeg'), locateTool('ffprobe')]).then(([a, b]) => ({ ffmpeg: a.path, ffprobe: b.path }));
  return tools;
}

const CODECS: Record<string, string[]> = {
  flv: ['-c:v', 'flv', '-c:a', 'libmp3lame', '-ar', '44100'],
  mp4: ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac'],
  avi: ['-c:v', 'mpeg4', '-c:a', 'libmp3lame'],
  wav: ['-c:a', 'pcm_s16le'],
  mkv: ['-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'flac'],
};

/** Write a clip: `seconds` of testsrc2 (160x120, 25 fps) and/or a 440 Hz sine. The container follows the extension unless `format` is given. */
export async function makeClip(path: string, kind: ClipKind, format: string, seconds = 1, size = '160x120'): Promise<void> {
  const { ffmpeg } = await mediaTools();
  await mkdir(dirname(path), { recursive: true });
  const inputs: string[] = [];
  if (kind !== 'audio') inputs.push('-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=25`);
  if (kind !== 'video') inputs.push('-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100');
  const codecs = (CODECS[format] ?? []).filter((_, i, all) => {
    const flag = i % 2 === 0 ? all[i] : all[i - 1];
    return !((kind === 'audio' && flag?.startsWith('-c:v')) || (kind === 'video' && (flag?.startsWith('-c:a') || flag === '-ar')));
  });
  await run(ffmpeg, ['-v', 'error', '-y', '-nostdin', ...inputs, '-t', String(seconds), ...codecs, '-f', format === 'mkv' ? 'matroska' : format, path]);
}

export interface ProbedStream {
  codec_type: string;
  codec_name: string;
  pix_fmt?: string;
  profile?: string;
}

export async function ffprobeJson(path: string): Promise<{ format: { duration?: string; format_name: string }; streams: ProbedStream[] }> {
  const { ffprobe } = await mediaTools();
  const { stdout } = await run(ffprobe, ['-v', 'error', '-show_format', '-show_streams', '-of', 'json', path]);
  return JSON.parse(stdout) as { format: { duration?: string; format_name: string }; streams: ProbedStream[] };
}

/** Top-level MP4 box types in file order (to check faststart: moov before mdat). */
export async function mp4TopLevelBoxes(path: string): Promise<string[]> {
  const fh = await open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    const boxes: string[] = [];
    let offset = 0;
    const head = Buffer.alloc(16);
    while (offset + 8 <= size) {
      await fh.read(head, 0, 16, offset);
      let boxSize = head.readUInt32BE(0);
      const type = head.toString('latin1', 4, 8);
      if (boxSize === 1) boxSize = Number(head.readBigUInt64BE(8));
      else if (boxSize === 0) boxSize = size - offset;
      boxes.push(type);
      if (boxSize < 8) break;
      offset += boxSize;
    }
    return boxes;
  } finally {
    await fh.close();
  }
}

/** The FFV1 global header as ffmpeg's decoder logs it: `{version, ec}` (ec = slice CRCs). */
export async function ffv1Header(path: string): Promise<{ version: number; ec: number } | undefined> {
  const { ffmpeg } = await mediaTools();
  const { stderr } = await run(ffmpeg, ['-hide_banner', '-v', 'debug', '-debug', 'pict', '-i', path, '-map', '0:v:0', '-frames:v', '1', '-f', 'null', '-']);
  const match = /global: ver:(\d+)\.\d+,.* ec:(\d+)/.exec(stderr);
  return match ? { version: Number(match[1]), ec: Number(match[2]) } : undefined;
}

/** Seconds of audio a decoder actually produces (encoder delay and padding trimmed). */
export async function decodedDuration(path: string): Promise<number> {
  const { ffmpeg } = await mediaTools();
  const { stderr } = await run(ffmpeg, ['-hide_banner', '-nostdin', '-i', path, '-map', '0:a:0', '-f', 'null', '-']);
  const times = [...stderr.matchAll(/time=(\d+):(\d+):(\d+(?:\.\d+)?)/g)];
  const last = times[times.length - 1];
  if (!last) throw new Error(`no time= in ffmpeg output for ${path}`);
  return Number(last[1]) * 3600 + Number(last[2]) * 60 + Number(last[3]);
}
