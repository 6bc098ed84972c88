import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseProbeJson, probeMedia, ProbeError } from '../../src/media/probe.js';
import { makeClip, mediaTools } from '../convert/clips.js';
import { tempDir } from '../helpers/tmp.js';

test('parseProbeJson keeps codecs, durations and whether there is moving video', () => {
  const info = parseProbeJson(
    JSON.stringify({
      format: { format_name: 'mov,mp4,m4a', duration: '1.500000' },
      streams: [
        { index: 0, codec_type: 'audio', codec_name: 'aac', sample_rate: '44100', channels: 2, duration: '1.49' },
        { index: 1, codec_type: 'video', codec_name: 'mjpeg', disposition: { attached_pic: 1 }, avg_frame_rate: '0/0' },
      ],
    }),
    'x.m4a',
  );
  assert.equal(info.duration, 1.5);
  assert.equal(info.hasAudio, true);
  assert.equal(info.hasVideo, false, 'cover art is not video');
  assert.deepEqual(info.streams[0], { index: 0, type: 'audio', codec: 'aac', profile: undefined, pixFmt: undefined, sampleFmt: undefined, width: undefined, height: undefined, sampleRate: 44100, channels: 2, duration: 1.49, frameRate: undefined, frameRateText: undefined, fieldOrder: undefined, attachedPicture: false });
  assert.throws(() => parseProbeJson('nope', 'x'), ProbeError);
});

test('probeMedia on generated clips; a file of noise is a ProbeError with ffprobe\'s message', async () => {
  const dir = await tempDir();
  const { ffprobe } = await mediaTools();
  await makeClip(join(dir, 'a.mp4'), 'av', 'mp4');
  const info = await probeMedia(join(dir, 'a.mp4'), { ffprobePath: ffprobe });
  assert.deepEqual(info.streams.map((s) => `${s.type}:${s.codec}`).sort(), ['audio:aac', 'video:h264']);
  const video = info.streams.find((s) => s.type === 'video')!;
  assert.equal(video.width, 160);
  assert.equal(video.frameRate, 25);
  assert.ok(Math.abs(info.duration! - 1) < 0.1);
  await writeFile(join(dir, 'noise.flv'), Buffer.alloc(4096, 7));
  await assert.rejects(probeMedia(join(dir, 'noise.flv'), { ffprobePath: ffprobe }), (e: Error) => e instanceof ProbeError && /ffprobe failed \(exit \d+\)/.test(e.message));
});
