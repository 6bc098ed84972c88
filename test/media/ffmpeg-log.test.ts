import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inputStreamsFromLog, lastTellingLine, OutputWriteFailureWatch } from '../../src/media/ffmpeg-log.js';

const banner = 'ffmpeg version 5.1.6-0+deb12u1 Copyright (c) 2000-2024 the FFmpeg developers\n  built with gcc 12\n';

test("reads the first input's stream kinds from ffmpeg's log", () => {
  const cases: Array<[string, ReturnType<typeof inputStreamsFromLog>]> = [
    [
      `${banner}Input #0, flv, from 'av.flv':\n  Duration: 00:00:01.02\n  Stream #0:0: Audio: mp3, 44100 Hz, mono\n  Stream #0:1: Video: flv1, yuv420p, 160x120\nStream mapping:\n  Stream #0:1 -> #0:0\nOutput #0, webm, to 'x.webm':\n  Stream #0:0: Video: vp9\n`,
      { hasVideo: true, hasAudio: true },
    ],
    [`Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'a.m4a':\n  Stream #0:0[0x1](und): Audio: aac (LC) (mp4a / 0x6134706D)\n  Stream #0:1[0x0]: Video: mjpeg (Baseline), yuvj420p, 600x600, 90k tbn (attached pic)\nStream mapping:\n`, { hasVideo: false, hasAudio: true }],
    [`Input #0, avi, from 'v.avi':\n  Stream #0:0: Video: mpeg4 (Simple Profile)\nOutput #0, matroska, to 'x.mkv':\n  Stream #0:0: Audio: flac\n`, { hasVideo: true, hasAudio: false }],
    [`${banner}v.flv: Invalid data found when processing input\n`, undefined],
    [`Input #0, flv, from 'v.flv':\n  Stream #0:0: Video: flv1`, undefined],
  ];
  for (const [log, expected] of cases) assert.deepEqual(inputStreamsFromLog(log), expected, log.slice(0, 60));
});

test('OutputWriteFailureWatch: finds ffmpeg\'s write-failure line in any chunking, in 5.1 and 6.1+ wordings, and not in a file name', () => {
  const log51 = "Input #0, wav, from 'Error writing trailer of x.wav':\nframe=  40 size=  512kB\rError writing trailer of /o/.a.mkv.partial-1-abc.mkv: No space left on device\nError closing file /o/.a.mkv.partial-1-abc.mkv: No space left on device\n";
  for (const size of [1, 3, 7, 64, log51.length]) {
    const watch = new OutputWriteFailureWatch();
    const bytes = Buffer.from(log51);
    for (let i = 0; i < bytes.length; i += size) watch.push(bytes.subarray(i, i + size));
    assert.equal(watch.failure(), 'Error writing trailer of /o/.a.mkv.partial-1-abc.mkv: No space left on device', `chunks of ${size}`);
  }
  const log61 = new OutputWriteFailureWatch();
  log61.push(Buffer.from('[out#0/matroska @ 0x55d0] Error writing trailer: No space left on device'));
  assert.equal(log61.failure(), '[out#0/matroska @ 0x55d0] Error writing trailer: No space left on device', 'a last line without a newline counts');
  const frame = new OutputWriteFailureWatch();
  frame.push(Buffer.from('av_interleaved_write_frame(): Input/output error\n'));
  assert.match(frame.failure() ?? '', /Input\/output error/);
  const clean = new OutputWriteFailureWatch();
  clean.push(Buffer.from("Input #0, wav, from 'Error closing file.wav':\nOutput #0, matroska, to 'out.mkv':\nsize=  12kB time=00:00:03.00\n"));
  assert.equal(clean.failure(), undefined);
});

test('lastTellingLine: the last line that says something, past ffmpeg\'s closing "Conversion failed!" and blank lines', () => {
  assert.equal(lastTellingLine('Input #0…\n[vp9 @ 0x1] Invalid data found\nConversion failed!\n\n'), '[vp9 @ 0x1] Invalid data found');
  assert.equal(lastTellingLine('only this'), 'only this');
  assert.equal(lastTellingLine('Conversion failed!\n'), undefined);
  assert.equal(lastTellingLine(''), undefined);
});
