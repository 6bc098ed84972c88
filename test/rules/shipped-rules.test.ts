/**
 * The shipped rule sets on generated clips: the default rules remux what already plays (stream
 * hashes equal to the source's) and tell "not media"; preservation.yaml makes FFV1/FLAC proven
 * lossless; derivatives.yaml makes the three levels (mp4, a 4×4 contact sheet, a thumbnail).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { tmpdir } from 'node:os';
import { convertMedia, type ConvertResult } from '../../src/convert/convert.js';
import { readConversionResults } from '../../src/convert/results.js';
import { SHIPPED_RULES_DIR } from '../../src/rules/load.js';
import { ffprobeJson, mediaTools } from '../convert/clips.js';

const run = promisify(execFile);
const P = 'http://www.example.com/';

/** A clip from lavfi: testsrc2 (160x120, 25 fps) and a sine, with the codecs given. */
async function clip(path: string, seconds: number, codecs: string[], audio = true): Promise<void> {
  const { ffmpeg } = await mediaTools();
  await mkdir(dirname(path), { recursive: true });
  const inputs = ['-f', 'lavfi', '-i', 'testsrc2=size=160x120:rate=25', ...(audio ? ['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100'] : [])];
  await run(ffmpeg, ['-v', 'error', '-y', '-nostdin', ...inputs, '-t', String(seconds), ...codecs, path]);
}

/** `-f streamhash` of every stream, copied (the packets as stored, not decoded). */
async function streamHashes(path: string): Promise<string[]> {
  const { ffmpeg } = await mediaTools();
  const { stdout } = await run(ffmpeg, ['-v', 'error', '-i', path, '-map', '0', '-c', 'copy', '-f', 'streamhash', '-hash', 'sha256', '-']);
  return stdout.trim().split('\n').sort();
}

let dir: string;
let site: string;

after(() => rm(dir, { recursive: true, force: true }));

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'warckit-shipped-rules-'));
  site = join(dir, 'site');
  await clip(join(site, 'h264.flv'), 1, ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac']);
  await clip(join(site, 'raw.avi'), 1, ['-c:v', 'rawvideo', '-pix_fmt', 'yuv420p', '-c:a', 'pcm_s16le']);
  await clip(join(site, 'old.flv'), 1, ['-c:v', 'flv', '-c:a', 'libmp3lame', '-ar', '44100']);
  await clip(join(site, 'film.mp4'), 2, ['-c:v', 'mpeg4', '-q:v', '5', '-c:a', 'aac']);
  await writeFile(join(site, 'notes.flv'), 'These are my notes about the film, not the film itself.\n');
});

const byUrl = (r: ConvertResult, url: string) => r.conversions.find((c) => c.url === url);

test('default rules: H.264/AAC FLV remuxed (stream hashes equal to the source\'s); a text file named .flv is not media', async () => {
  const out = join(dir, 'default');
  const r = await convertMedia({ urlPrefix: P, inputs: [join(site, 'h264.flv'), join(site, 'notes.flv')], outputDir: out, jobs: 2 });
  assert.equal(r.failed, 0, r.failures.map((f) => f.message).join('\n'));
  assert.deepEqual(r.conversions.map((c) => `${c.status} ${c.url}`).sort(), [`converted ${P}h264.flv.mp4`, `converted ${P}h264.flv.png`, `not-media ${P}notes.flv`]);
  const mp4 = byUrl(r, `${P}h264.flv.mp4`)!;
  assert.equal(mp4.rule, 'mp4_copy');
  assert.deepEqual(await streamHashes(mp4.output), await streamHashes(join(site, 'h264.flv')), 'bit-identical streams');
  assert.equal(r.notMedia, 1);
  const results = await readConversionResults(r.resultsFile!);
  const notes = results.conversions[`${P}notes.flv`]!;
  assert.equal(notes.length, 1, 'one result, not one failure per rule');
  assert.match(String(notes[0]!.failure), /^not media: ffprobe cannot read it/);
  // the conversion event: tool, version, rule, purpose; and the characterization sidecar
  const entry = results.conversions[`${P}h264.flv`]!.find((e) => e.url === `${P}h264.flv.mp4`)!;
  const event = entry.event as Record<string, unknown>;
  assert.deepEqual([event.tool, event.rule, event.purpose, entry.purpose], ['ffmpeg', 'mp4_copy', 'access', 'access']);
  assert.match(String(event.tool_version), /^ffmpeg version /);
  assert.match(String(event.characterized_by), /^ffprobe version /);
  const sidecar = JSON.parse(await readFile(String(entry.characterization), 'utf8')) as { source: { sha256: string; ffprobe: { streams: unknown[] } }; outputs: Record<string, { sha256: string; ffprobe: { format: { format_name: string } } }> };
  assert.equal(sidecar.source.sha256, entry.source_sha256);
  assert.equal(sidecar.source.ffprobe.streams.length, 2);
  assert.equal(sidecar.outputs[`${P}h264.flv.mp4`]!.sha256, entry.output_sha256);
  assert.match(sidecar.outputs[`${P}h264.flv.mp4`]!.ffprobe.format.format_name, /mp4/);
});

test('preservation.yaml: uncompressed and at-risk sources get FFV1/FLAC proven lossless; a living lossy codec gets nothing', async () => {
  const out = join(dir, 'preservation');
  const rules = join(SHIPPED_RULES_DIR, 'preservation.yaml');
  const inputs = ['raw.avi', 'old.flv', 'h264.flv'].map((f) => join(site, f));
  const r = await convertMedia({ urlPrefix: P, inputs, outputDir: out, rules, jobs: 2 });
  assert.equal(r.failed, 0, r.failures.map((f) => f.message).join('\n'));
  assert.deepEqual(r.conversions.map((c) => `${c.rule} ${c.url}`).sort(), [`ffv1_audio_copy ${P}old.flv.mkv`, `ffv1_flac ${P}raw.avi.mkv`]);
  const results = await readConversionResults(r.resultsFile!);
  for (const [source, audio] of [['raw.avi', 'flac'], ['old.flv', 'mp3']] as const) {
    const entry = results.conversions[`${P}${source}`]![0]!;
    const verification = entry.verification as Record<string, unknown>;
    assert.equal(verification.level, 'lossless');
    assert.equal(verification.passed, true);
    assert.match(String(verification.detail), /^lossless: 25 video frames, \d+ audio frames identical/);
    for (const manifest of [entry.output + '.framemd5', entry.output + '.source.framemd5']) assert.ok((await stat(manifest)).size > 0, manifest);
    assert.equal(verification.output_framemd5, `${entry.output}.framemd5`);
    const probe = await ffprobeJson(entry.output);
    assert.deepEqual(probe.streams.map((s) => s.codec_name).sort(), ['ffv1', audio].sort());
  }
});

test('derivatives.yaml: level 1 mp4 (decode verified), a 4×4 contact sheet of stills from distinct times, a thumbnail from the middle', async () => {
  const out = join(dir, 'derivatives');
  const rules = join(SHIPPED_RULES_DIR, 'derivatives.yaml');
  const r = await convertMedia({ urlPrefix: P, inputs: [join(site, 'film.mp4')], outputDir: out, rules, jobs: 2 });
  assert.equal(r.failed, 0, r.failures.map((f) => f.message).join('\n'));
  assert.deepEqual(r.conversions.map((c) => c.url.slice(`${P}film.mp4`.length)).sort(), ['.mp4', '.sheet.png', '.thumb.png']);
  const results = (await readConversionResults(r.resultsFile!)).conversions[`${P}film.mp4`]!;
  for (const entry of results) assert.equal((entry.verification as Record<string, unknown>).passed, true, entry.url);
  assert.match(String((results.find((e) => e.url.endsWith('.mp4'))!.verification as Record<string, unknown>).source_seconds), /^2(\.0\d*)?$/);

  const sheet = byUrl(r, `${P}film.mp4.sheet.png`)!.output;
  const probe = await ffprobeJson(sheet);
  assert.equal(probe.streams.length, 1);
  const s = probe.streams[0] as unknown as { codec_name: string; width: number; height: number };
  assert.deepEqual([s.codec_name, s.width, s.height], ['png', 4 * 160, 4 * 120], 'one PNG of 4×4 tiles of 160×120');
  // each tile a different moment of testsrc2 (its clock and counter move every frame)
  const { ffmpeg } = await mediaTools();
  const tiles: string[] = [];
  for (let i = 0; i < 16; i++) {
    const { stdout } = await run(ffmpeg, ['-v', 'error', '-i', sheet, '-vf', `crop=160:120:${(i % 4) * 160}:${Math.floor(i / 4) * 120}`, '-f', 'md5', '-']);
    tiles.push(stdout.trim());
  }
  assert.equal(new Set(tiles).size, 16, 'sixteen distinct stills');
  const thumb = await ffprobeJson(byUrl(r, `${P}film.mp4.thumb.png`)!.output);
  assert.deepEqual(thumb.streams.map((x) => x.codec_name), ['png']);
});
