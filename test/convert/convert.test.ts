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

const CLIPS: Array<{ name: string; kind: ClipKind; format: string }> = [
  { name: 'flv/av.flv', kind: 'av', format: 'flv' },
  { name: 'flv/audio.flv', kind: 'audio', format: 'flv' },
  { name: 'flv/video.flv', kind: 'video', format: 'flv' },
  { name: 'mp4/av.mp4', kind: 'av', format: 'mp4' },
  { name: 'mp4/audio.mp4', kind: 'audio', format: 'mp4' },
  { name: 'mp4/video.mp4', kind: 'video', format: 'mp4' },
  { name: 'avi/av.avi', kind: 'av', format: 'avi' },
  { name: 'avi/audio.avi', kind: 'audio', format: 'avi' },
  { name: 'avi/video.avi', kind: 'video', format: 'avi' },
  { name: 'wav/tone.wav', kind: 'audio', format: 'wav' },
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

test('every matching file is converted, others are left alone', () => {
  assert.equal(result.failed, 0, result.failures.map((f) => `${f.message}\n${f.stderrTail}`).join('\n'));
  assert.equal(result.files, CLIPS.length);
  // video files: poster (not for audio-only sources) + webm + mp4 + mkv; audio: webm + mp3 + flac
  const videoFiles = CLIPS.filter((c) => c.format !== 'wav');
  const expected = videoFiles.length * 4 - videoFiles.filter((c) => c.kind === 'audio').length + 3;
  assert.equal(result.converted, expected);
  assert.equal(result.conversions.filter((c) => c.status === 'not-applicable').length, 3);
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
    const hasVideo = clip.kind !== 'audio';
    const hasAudio = clip.kind !== 'video';
    const expect = (video: string | null, audio: string | null): string[] =>
      [hasVideo && video ? `video:${video}` : '', hasAudio && audio ? `audio:${audio}` : ''].filter(Boolean).sort();

    if (clip.format === 'wav') {
      assert.deepEqual([...byExt.keys()].sort(), ['flac', 'mp3', 'webm']);
      const checks: Array<[string, string]> = [['webm', 'opus'], ['mp3', 'mp3'], ['flac', 'flac']];
      for (const [ext, codec] of checks) {
        const probe = await ffprobeJson(byExt.get(ext)!);
        assert.deepEqual(codecs(probe.streams), [`audio:${codec}`], ext);
        // MP3's container duration counts whole frames with the encoder's padding; what plays is the decoded length.
        const d = ext === 'mp3' ? await decodedDuration(byExt.get(ext)!) : Number(probe.format.duration);
        assert.ok(Math.abs(d - sourceDuration) <= FRAME, `${ext}: ${d}s vs source ${sourceDuration}s`);
      }
      return;
    }
    assert.deepEqual([...byExt.keys()].sort(), hasVideo ? ['mkv', 'mp4', 'png', 'webm'] : ['mkv', 'mp4', 'webm']);
    const webm = await ffprobeJson(byExt.get('webm')!);
    assert.deepEqual(codecs(webm.streams), expect('vp9', 'opus'));
    const mp4 = await ffprobeJson(byExt.get('mp4')!);
    assert.deepEqual(codecs(mp4.streams), expect('h264', 'aac'));
    const mkv = await ffprobeJson(byExt.get('mkv')!);
    assert.deepEqual(codecs(mkv.streams), expect('ffv1', 'flac'));
    for (const [ext, probe] of [['webm', webm], ['mp4', mp4], ['mkv', mkv]] as const) {
      const d = Number(probe.format.duration);
      assert.ok(Math.abs(d - sourceDuration) <= FRAME, `${ext}: ${d}s vs source ${sourceDuration}s`);
    }
    const boxes = await mp4TopLevelBoxes(byExt.get('mp4')!);
    assert.ok(boxes.indexOf('moov') >= 0 && boxes.indexOf('moov') < boxes.indexOf('mdat'), `faststart: moov before mdat, got ${boxes.join(',')}`);
    if (hasVideo) {
      assert.equal(webm.streams.find((s) => s.codec_type === 'video')!.pix_fmt, 'yuv420p');
      assert.equal(mp4.streams.find((s) => s.codec_type === 'video')!.pix_fmt, 'yuv420p');
      assert.deepEqual(await ffv1Header(byExt.get('mkv')!), { version: 3, ec: 1 });
      const png = await ffprobeJson(byExt.get('png')!);
      assert.deepEqual(codecs(png.streams), ['video:png']);
    }
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
  assert.deepEqual(Object.keys(webm.metadata as object), ['name', 'ext', 'command', 'mime'], 'metadata is the rule as loaded');
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
