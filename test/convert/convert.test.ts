/**
 * convertMedia end to end with the default rules: generated clips in FLV, MP4, AVI and WAV
 * (video+audio, audio only, video only), every output probed.
 */
import assert from 'node:assert/strict';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { after, before, test } from 'node:test';
import { parse } from 'yaml';
import { convertMedia, type ConvertResult } from '../../src/convert/convert.js';
import { readConversionResults } from '../../src/convert/results.js';
import { type ClipKind, decodedDuration, ffprobeJson, ffv1Header, makeClip, mp4TopLevelBoxes } from './clips.js';

const P = 'http://www.example.com/';
const FRAME = 1 / 25;

/** What the default rules make of each clip: outputs by extension, with their streams. */
const ENCODED_AV = { png: ['video:png'], webm: ['audio:opus', 'video:vp9'], mp4: ['audio:aac', 'video:h264'], mkv: ['audio:flac', 'video:ffv1'] };
const ENCODED_V = { png: ['video:png'], webm: ['video:vp9'], mp4: ['video:h264'], mkv: ['video:ffv1'] };
const AUDIO = { webm: ['audio:opus'], mp3: ['audio:mp3'], flac: ['audio:flac'] };
const CLIPS: Array<{ name: string; kind: ClipKind; format: string; outputs: Record<string, string[]>; copied?: boolean }> = [
  { name: 'flv/av.flv', kind: 'av', format: 'flv', outputs: ENCODED_AV }, // Sorenson Spark + MP3: not playable
  { name: 'flv/audio.flv', kind: 'audio', format: 'flv', outputs: { mp3: ['audio:mp3'] }, copied: true }, // MP3 alone: copied out
  { name: 'flv/video.flv', kind: 'video', format: 'flv', outputs: ENCODED_V },
  { name: 'mp4/av.mp4', kind: 'av', format: 'mp4', outputs: { png: ['video:png'], mp4: ['audio:aac', 'video:h264'] }, copied: true }, // H.264 + AAC: remuxed
  { name: 'mp4/audio.mp4', kind: 'audio', format: 'mp4', outputs: AUDIO }, // audio alone in a video container: audio rules
  { name: 'mp4/video.mp4', kind: 'video', format: 'mp4', outputs: { png: ['video:png'], mp4: ['video:h264'] }, copied: true },
  { name: 'avi/av.avi', kind: 'av', format: 'avi', outputs: ENCODED_AV },
  { name: 'avi/audio.avi', kind: 'audio', format: 'avi', outputs: { mp3: ['audio:mp3'] }, copied: true },
  { name: 'avi/video.avi', kind: 'video', format: 'avi', outputs: ENCODED_V },
  { name: 'wav/tone.wav', kind: 'audio', format: 'wav', outputs: AUDIO },
];

let dir: string;
let site: string;
let out: string;
let result: ConvertResult;

after(() => rm(dir, { recursive: true, force: true }));

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'warckit-convert-test-'));
  site = join(dir, 'site');
  out = join(dir, 'conversions');
  await Promise.all(CLIPS.map((c) => makeClip(join(site, c.name), c.kind, c.format)));
  await writeFile(join(site, 'readme.txt'), 'not media');
  result = await convertMedia({ urlPrefix: P, inputs: [site], outputDir: out, jobs: 2 });
});

async function duration(path: string): Promise<number> {
  return Number((await ffprobeJson(path)).format.duration);
}

function codecs(streams: Array<{ codec_type: string; codec_name: string }>): string[] {
  return streams.map((s) => `${s.codec_type}:${s.codec_name}`).sort();
}

test('every matching file is converted by what it is, others are left alone', () => {
  assert.equal(result.failed, 0, result.failures.map((f) => `${f.message}\n${f.stderrTail}`).join('\n'));
  assert.equal(result.notMedia, 0);
  assert.equal(result.files, CLIPS.length);
  assert.equal(result.converted, CLIPS.reduce((n, c) => n + Object.keys(c.outputs).length, 0));
  assert.equal(result.conversions.filter((c) => c.status === 'not-applicable').length, 0, 'alternatives not chosen are no outcome');
  assert.ok(!result.conversions.some((c) => c.source.endsWith('readme.txt')));
});

test("outputs follow warcit's layout and URLs", async () => {
  const mp4 = result.conversions.find((c) => c.url === `${P}flv/av.flv.mp4`);
  assert.ok(mp4, 'no conversion for site/flv/av.flv');
  assert.equal(mp4.source, `${P}flv/av.flv`);
  // <output_dir>/<basename of the input's parent>/<path relative to it>.<ext>
  assert.equal(mp4.output, join(out, dir.split('/').pop()!, 'site/flv/av.flv.mp4'));
  await stat(mp4.output);
});

for (const clip of CLIPS) {
  test(`${clip.name} (${clip.kind}): outputs have the expected codecs and duration`, async () => {
    const source = join(site, clip.name);
    const sourceDuration = await duration(source);
    const mine = result.conversions.filter((c) => c.sourcePath === source && c.status === 'converted');
    const byExt = new Map(mine.map((c) => [c.url.slice(c.url.lastIndexOf('.') + 1), c.output]));
    assert.deepEqual([...byExt.keys()].sort(), Object.keys(clip.outputs).sort());
    for (const [ext, expected] of Object.entries(clip.outputs)) {
      const probe = await ffprobeJson(byExt.get(ext)!);
      assert.deepEqual(codecs(probe.streams), [...expected].sort(), ext);
      if (ext === 'png') continue;
      // MP3's container duration counts whole frames with the encoder's padding; what plays is the decoded length.
      const d = ext === 'mp3' ? await decodedDuration(byExt.get(ext)!) : Number(probe.format.duration);
      assert.ok(Math.abs(d - sourceDuration) <= (clip.copied ? 0.03 : FRAME), `${ext}: ${d}s vs source ${sourceDuration}s`);
      if (ext !== 'mp3' && ext !== 'flac') {
        const video = probe.streams.find((s) => s.codec_type === 'video');
        if (video) assert.equal(video.pix_fmt, 'yuv420p', ext);
      }
    }
    if (byExt.has('mp4')) {
      const boxes = await mp4TopLevelBoxes(byExt.get('mp4')!);
      assert.ok(boxes.indexOf('moov') >= 0 && boxes.indexOf('moov') < boxes.indexOf('mdat'), `faststart: moov before mdat, got ${boxes.join(',')}`);
    }
    if (byExt.has('mkv')) assert.deepEqual(await ffv1Header(byExt.get('mkv')!), { version: 3, ec: 1 });
  });
}

test('the results file has warcit\'s structure plus digests, sizes, exit codes and the ffmpeg version', async () => {
  const text = await readFile(result.resultsFile!, 'utf8');
  assert.doesNotMatch(text, /[&*]id\d+/, 'no YAML anchors or aliases');
  const doc = parse(text) as { conversions: Record<string, Array<Record<string, unknown>>> };
  const list = doc.conversions[`${P}flv/av.flv`]!;
  assert.deepEqual(list.map((r) => r.url), ['png', 'webm', 'mp4', 'mkv'].map((e) => `${P}flv/av.flv.${e}`));
  const webm = list[1]!;
  assert.deepEqual(Object.keys(webm).slice(0, 5), ['url', 'output', 'metadata', 'type', 'success']);
  assert.equal(webm.type, 'conversion');
  assert.equal(webm.success, true);
  assert.deepEqual(Object.keys(webm.metadata as object), ['name', 'ext', 'command', 'mime', 'purpose'], 'metadata is the rule as loaded');
  assert.equal((webm.metadata as Record<string, unknown>).mime, 'video/webm');
  assert.equal(list[3]!.metadata && (list[3]!.metadata as Record<string, unknown>).skip_as_source, true);
  assert.equal(webm.exit_code, 0);
  assert.match(String(webm.tool_version), /^ffmpeg version /);
  assert.match(String(webm.output_sha256), /^[0-9a-f]{64}$/);
  assert.match(String(webm.source_sha256), /^[0-9a-f]{64}$/);
  assert.equal(webm.output_size, (await stat(String(webm.output))).size);
  assert.equal(webm.source_size, (await stat(join(site, 'flv/av.flv'))).size);
  assert.equal(typeof webm.duration_seconds, 'number');
  assert.ok(Array.isArray(webm.argv) && (webm.argv as string[]).includes(String(webm.output)));
  // the reader the WARC writer uses accepts it
  const read = await readConversionResults(result.resultsFile!);
  assert.equal(Object.keys(read.conversions).length, CLIPS.length);
});

test('a second run skips everything; --force redoes it', async () => {
  const again = await convertMedia({ urlPrefix: P, inputs: [site], outputDir: out, jobs: 2 });
  assert.equal(again.converted, 0);
  assert.equal(again.skipped, result.converted);
  const forced = await convertMedia({ urlPrefix: P, inputs: [join(site, 'wav')], outputDir: out, jobs: 2, force: true });
  assert.equal(forced.converted, 3);
  assert.equal(forced.skipped, 0);
  // a new source key (the input is now site/wav, so its URL is P + tone.wav); the others are kept
  const read = await readConversionResults(result.resultsFile!);
  assert.equal(Object.keys(read.conversions).length, CLIPS.length + 1);
  assert.equal(read.conversions[`${P}tone.wav`]?.length, 3);
  assert.equal(read.conversions[`${P}wav/tone.wav`]?.length, 3);
});
