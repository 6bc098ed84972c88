/** Probe conditions: parsed with errors that name the place, evaluated table-driven over MediaInfo. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { meetsProbeConditions, mimeMatches } from '../../src/rules/conditions.js';
import { parseRules } from '../../src/rules/load.js';
import { parseProbeJson } from '../../src/media/probe.js';

function media(format: string, streams: Array<Record<string, unknown>>, duration = '10.0') {
  return parseProbeJson(JSON.stringify({ format: { format_name: format, duration }, streams }), 'x');
}

const H264_AAC_FLV = media('flv', [
  { index: 0, codec_type: 'video', codec_name: 'h264', pix_fmt: 'yuv420p', width: 640, height: 360, avg_frame_rate: '30000/1001', field_order: 'progressive' },
  { index: 1, codec_type: 'audio', codec_name: 'aac', sample_fmt: 'fltp' },
]);
const AAC_ONLY_MP4 = media('mov,mp4,m4a,3gp,3g2,mj2', [
  { index: 0, codec_type: 'audio', codec_name: 'aac', sample_fmt: 'fltp' },
  { index: 1, codec_type: 'video', codec_name: 'mjpeg', disposition: { attached_pic: 1 } },
]);
const INTERLACED_DV = media('avi', [{ index: 0, codec_type: 'video', codec_name: 'dvvideo', pix_fmt: 'yuv411p', width: 720, height: 480, field_order: 'bb', avg_frame_rate: '30000/1001' }], '3600');

function conditions(yaml: string) {
  const set = parseRules(`file_types:\n  - ext: .x\n    probe: ${yaml}\n    conversion_rules: []\n`, 'c.yaml');
  return set.fileTypes[0]!.probe!;
}

test('probe conditions: streams, container, codecs (every stream of the kind), formats, ranges, interlacing', () => {
  const cases: Array<[string, typeof H264_AAC_FLV, boolean]> = [
    ['{video: true, format: [flv, mov], video_codec: h264, audio_codec: aac}', H264_AAC_FLV, true],
    ['{video: true, format: [flv, mov], video_codec: h264, audio_codec: aac}', AAC_ONLY_MP4, false],
    ['{video: false, audio: true}', AAC_ONLY_MP4, true], // cover art is no video
    ['{format: mov}', AAC_ONLY_MP4, true], // any of ffprobe's names for the container
    ['{format: mp3}', AAC_ONLY_MP4, false],
    ['{video_codec: [h264, vp8]}', AAC_ONLY_MP4, true], // no video stream: nothing breaks the rule
    ['{pix_fmt: [yuv420p]}', H264_AAC_FLV, true],
    ['{pix_fmt: [yuv420p]}', INTERLACED_DV, false],
    ['{sample_fmt: [s16, s16p]}', H264_AAC_FLV, false],
    ['{width: {min: 640}, height: {max: 360}}', H264_AAC_FLV, true],
    ['{width: {max: 639}}', H264_AAC_FLV, false],
    ['{width: 640}', H264_AAC_FLV, true],
    ['{frame_rate: {min: 29.97, max: 29.97}}', H264_AAC_FLV, true],
    ['{width: {min: 1}}', AAC_ONLY_MP4, false], // a size needs a video stream
    ['{duration: {max: 600}}', H264_AAC_FLV, true],
    ['{duration: {max: 600}}', INTERLACED_DV, false],
    ['{interlaced: true}', INTERLACED_DV, true],
    ['{interlaced: true}', H264_AAC_FLV, false],
    ['{interlaced: false}', H264_AAC_FLV, true],
  ];
  for (const [yaml, m, expected] of cases) assert.equal(meetsProbeConditions(conditions(yaml), m), expected, `${yaml} on ${m.formatName}`);
});

test('probe conditions in a rules file: misspelt keys, wrong types and empty ranges are errors naming the place', () => {
  const cases: Array<[string, RegExp]> = [
    ['{vidoe: true}', /c\.yaml: file_types\[0\]\.probe\.vidoe: unknown key \(did you mean video\?\)/],
    ['{video: yes please}', /file_types\[0\]\.probe\.video: expected true or false/],
    ['{video_codec: []}', /probe\.video_codec: expected a name or a non-empty list/],
    ['{video_codec: [h264, 3]}', /probe\.video_codec\[1\]: expected a name such as "h264"/],
    ['{width: {min: 10, max: 5}}', /probe\.width: min \(10\) is above max \(5\)/],
    ['{width: {least: 10}}', /probe\.width\.least: unknown key/],
    ['{duration: "long"}', /probe\.duration: expected a number or \{min, max\}/],
    ['[video]', /file_types\[0\]\.probe: expected a mapping of probed properties/],
  ];
  for (const [yaml, message] of cases) assert.throws(() => conditions(yaml), message, yaml);
});

test('sniffed MIME patterns: exact, family, anything; parameters ignored', () => {
  assert.equal(mimeMatches(['video/x-flv'], 'video/x-flv'), true);
  assert.equal(mimeMatches(['video/*'], 'video/mp4; codecs=avc1'), true);
  assert.equal(mimeMatches(['video/*'], 'audio/mpeg'), false);
  assert.equal(mimeMatches(['*'], 'text/plain'), true);
  assert.equal(mimeMatches(['video/*'], undefined), false);
  assert.throws(() => parseRules('file_types:\n  - {mime: "not a type", conversion_rules: []}\n', 'm.yaml'), /m\.yaml: file_types\[0\]\.mime: expected a MIME type/);
});
