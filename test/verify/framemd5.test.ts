/** framemd5 options, parsing and comparison (pure). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseProbeJson } from '../../src/media/probe.js';
import { compareFramemd5, framemd5Options, parseFramemd5, pcmCodecFor } from '../../src/verify/framemd5.js';

const SOURCE = `#format: frame checksums
#version: 2
#hash: MD5
#tb 0: 1/25
#media_type 0: video
#codec_id 0: rawvideo
#dimensions 0: 160x120
#sar 0: 1/1
#tb 1: 1/44100
#media_type 1: audio
#codec_id 1: pcm_s16le
#sample_rate 1: 44100
#channel_layout_name 1: mono
#stream#, dts,        pts, duration,     size, hash
0,          0,          0,        1,    28800, aaaa
1,          0,          0,     4096,     8192, bbbb
0,          1,          1,        1,    28800, cccc
`;

test('framemd5 files are compared per stream and frame, timestamps and time bases aside', () => {
  const source = parseFramemd5(SOURCE);
  assert.deepEqual(source.map((s) => [s.index, s.mediaType, s.shape, s.hashes.length]), [[0, 'video', '160x120', 2], [1, 'audio', '44100 mono', 1]]);
  const retimed = SOURCE.replace('#tb 0: 1/25', '#tb 0: 1/1000').replace(/^0, +1, +1,/m, '0,         40,         40,');
  assert.deepEqual(compareFramemd5(source, parseFramemd5(retimed)), { equal: true, detail: "lossless: 2 video frames, 1 audio frames identical to the source's (framemd5)" });
  const cases: Array<[string, RegExp]> = [
    [SOURCE.replace('cccc', 'dddd'), /not lossless: video stream 0, frame 2 of 2 differs/],
    [SOURCE.replace(/^0, +1.*\n/m, ''), /video stream 0 has 2 frames in the source, 1 in the output/],
    [SOURCE.replace('160x120', '320x240'), /video stream 0 is 160x120 in the source, 320x240 in the output/],
    [SOURCE.replace(/^1,.*\n/m, '').replace(/^#(tb|media_type|codec_id|sample_rate|channel_layout_name) 1:.*\n/gm, ''), /the source has 1 audio stream\(s\), the output 0/],
  ];
  for (const [output, message] of cases) {
    const r = compareFramemd5(source, parseFramemd5(output));
    assert.equal(r.equal, false);
    assert.match(r.detail, message);
  }
  assert.equal(compareFramemd5([], []).equal, false, 'nothing to compare proves nothing');
});

test("framemd5 options decode to the source's own formats, audio in frames of a fixed size", () => {
  const media = parseProbeJson(
    JSON.stringify({
      format: { format_name: 'avi' },
      streams: [
        { codec_type: 'video', codec_name: 'rawvideo', pix_fmt: 'yuv422p' },
        { codec_type: 'audio', codec_name: 'mp3', sample_fmt: 'fltp' },
        { codec_type: 'audio', codec_name: 'pcm_s24le', sample_fmt: 's32' },
      ],
    }),
    'x',
  );
  assert.deepEqual(framemd5Options(media), ['-map', '0:V?', '-map', '0:a?', '-fps_mode', 'passthrough', '-c:v', 'rawvideo', '-pix_fmt:v:0', 'yuv422p', '-c:a:0', 'pcm_f32le', '-c:a:1', 'pcm_s32le', '-filter:a', 'asetnsamples=n=4096:p=0']);
  assert.deepEqual(['u8p', 's16', 'dblp', 'weird'].map(pcmCodecFor), ['pcm_u8', 'pcm_s16le', 'pcm_f64le', 'pcm_s32le']);
});
