/** Short media clips from ffmpeg's lavfi sources, made by the tests themselves. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { locateTool } from '../../src/media/ffmpeg.js';

const run = promisify(execFile);

/** A clip of `seconds` with test-pattern video and/or a sine tone, in the container of `path`'s extension. */
export async function makeClip(path: string, options: { video?: boolean; audio?: boolean; seconds?: number; codecs?: string[] } = {}): Promise<void> {
  const { video = true, audio = true, seconds = 1, codecs = [] } = options;
  const ffmpeg = (await locateTool('ffmpeg')).path;
  const args = ['-v', 'error', '-y'];
  if (video) args.push('-f', 'lavfi', '-i', 'testsrc2=size=160x120:rate=25');
  if (audio) args.push('-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=22050');
  args.push('-t', String(seconds), ...codecs, path);
  await run(ffmpeg, args);
}
