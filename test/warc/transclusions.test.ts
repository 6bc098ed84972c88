/**
 * Conversion records and transclusion metadata in the WARC, from a results file in warcit's
 * exact format and a transclusion manifest: order, headers, JSON key for key as warcit
 * writes it, metadata_file verbatim, and what is reported rather than dropped.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { main } from '../../src/cli/warckit.js';
import { writeWarc } from '../../src/warc/build.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { readWarc } from '../helpers/warc-check.js';

const P = 'http://example.com/';

/** warcit's own example: one FLV with png/webm/mp4/mkv conversions, embedded in one page. */
async function example(dir: string) {
  await mkdir(join(dir, 'data', 'media'), { recursive: true });
  await mkdir(join(dir, 'conversions', 'data', 'media'), { recursive: true });
  await writeFile(join(dir, 'data', 'media', 'video_file.flv'), Buffer.from('FLV\x01\x05fake flv bytes'));
  await writeFile(join(dir, 'data', 'watch_video.html'), '<html><body><embed src="media/video_file.flv"></body></html>');
  const conv = (ext: string) => join(dir, 'conversions', 'data', 'media', `video_file.flv.${ext}`);
  for (const ext of ['png', 'webm', 'mp4', 'mkv']) await writeFile(conv(ext), `converted ${ext}`);
  // A results file exactly as warcit-converter writes it (yaml.dump, default_flow_style=False).
  const rule = (name: string, ext: string, command: string, mime: string, extra = '') =>
    `  - metadata:\n      command: ${command}\n      ext: ${ext}\n      mime: ${mime}\n      name: ${name}\n${extra}    output: ${conv(ext)}\n    success: true\n    type: conversion\n    url: ${P}media/video_file.flv.${ext}\n`;
  await writeFile(
    join(dir, 'results.yaml'),
    `conversions:\n  ${P}media/video_file.flv:\n` +
      rule('poster', 'png', 'ffmpeg -y -i {input} -frames:v 1 {output}', 'image/png', '      poster: true\n') +
      rule('webm', 'webm', 'ffmpeg -y -i {input} -c:v vp9 -c:a libopus -speed 4 {output}', 'video/webm') +
      rule('mp4', 'mp4', 'ffmpeg -y -i {input} -strict -2 {output}', 'video/mp4') +
      rule('ffv1_flac', 'mkv', 'ffmpeg -y -i {input} -c:v ffv1 -c:a flac {output}', 'video/x-matroska', '      skip_as_source: true\n') +
      `  ${P}media/missing.flv:\n  - metadata: {name: webm, ext: webm}\n    output: /nonexistent/missing.flv.webm\n    success: false\n    type: conversion\n    url: ${P}media/missing.flv.webm\n`,
  );
  await writeFile(
    join(dir, 'transclusions.yaml'),
    `transclusions:\n  ${P}media/video_file.flv:\n    url: http://www.example.com/watch_video.html\n    timestamp: 20160102\n    selector: 'object, embed'\n`,
  );
  return { conv };
}

/** warcit's JSON for that example, built here as warcit's code builds it. */
const WARCIT_FORMATS = [
  { command: 'ffmpeg -y -i {input} -frames:v 1 {output}', ext: 'png', mime: 'image/png', name: 'poster', poster: true, url: `${P}media/video_file.flv.png`, original_url: `${P}media/video_file.flv` },
  { command: 'ffmpeg -y -i {input} -c:v vp9 -c:a libopus -speed 4 {output}', ext: 'webm', mime: 'video/webm', name: 'webm', url: `${P}media/video_file.flv.webm`, original_url: `${P}media/video_file.flv` },
  { command: 'ffmpeg -y -i {input} -strict -2 {output}', ext: 'mp4', mime: 'video/mp4', name: 'mp4', url: `${P}media/video_file.flv.mp4`, original_url: `${P}media/video_file.flv` },
  { command: 'ffmpeg -y -i {input} -c:v ffv1 -c:a flac {output}', ext: 'mkv', mime: 'video/x-matroska', name: 'ffv1_flac', skip_as_source: true, url: `${P}media/video_file.flv.mkv`, original_url: `${P}media/video_file.flv` },
  { url: `${P}media/video_file.flv`, ext: 'flv', original: true, mime: 'video/x-flv' },
];

function pythonDumps(value: unknown): string | undefined {
  try {
    return execFileSync('python3', ['-c', 'import json,sys; sys.stdout.write(json.dumps(json.load(sys.stdin), indent=2, sort_keys=True))'], { input: JSON.stringify(value) }).toString();
  } catch {
    return undefined;
  }
}

test('resource, conversions, then youtube-dl metadata: in order, linked, JSON as warcit writes it', async () => {
  const dir = await tempDir();
  const { conv } = await example(dir);
  const result = await writeWarc({
    urlPrefix: P,
    inputs: [join(dir, 'data')],
    name: join(dir, 'out'),
    conversions: join(dir, 'results.yaml'),
    transclusions: join(dir, 'transclusions.yaml'),
    date: new Date('2016-01-02T00:00:00Z'),
  });
  const { records, problems } = await readWarc(result.path);
  assert.deepEqual(problems, []);
  const order = records.map((r) => `${r.type} ${r.targetUri ?? ''}`);
  assert.deepEqual(order, [
    'warcinfo ',
    `resource ${P}watch_video.html`,
    `resource ${P}media/video_file.flv`,
    `conversion ${P}media/video_file.flv.png`,
    `conversion ${P}media/video_file.flv.webm`,
    `conversion ${P}media/video_file.flv.mp4`,
    `conversion ${P}media/video_file.flv.mkv`,
    'resource urn:embeds:http://www.example.com/watch_video.html',
  ]);
  const original = records[2]!;
  const webm = records[4]!;
  assert.equal(webm.header('WARC-Refers-To'), original.header('WARC-Record-ID'));
  assert.equal(webm.header('WARC-Refers-To-Target-URI'), `${P}media/video_file.flv`);
  assert.equal(webm.header('WARC-Refers-To-Date'), '2016-01-02T00:00:00Z');
  assert.equal(webm.header('WARC-Refers-To-Target-Date'), '2016-01-02T00:00:00Z');
  assert.equal(webm.header('Content-Type'), 'video/webm');
  assert.equal(webm.header('WARC-Source-URI'), `file://${conv('webm')}`);
  assert.deepEqual(JSON.parse(webm.header('WARC-JSON-Metadata')!), { command: 'ffmpeg -y -i {input} -c:v vp9 -c:a libopus -speed 4 {output}', ext: 'webm', mime: 'video/webm', name: 'webm' });
  assert.equal(webm.payload.toString(), 'converted webm');

  const meta = records[7]!;
  assert.equal(meta.header('Content-Type'), 'application/vnd.youtube-dl_formats+json');
  assert.equal(meta.header('WARC-Date'), '2016-01-02T23:59:59Z');
  assert.match(meta.header('WARC-Creation-Date')!, /^\d{4}-/);
  const doc = JSON.parse(meta.payload.toString());
  const expected = { formats: WARCIT_FORMATS, selector: 'object, embed', webpage_timestamp: '20160102', webpage_url: 'http://www.example.com/watch_video.html' };
  assert.deepEqual(doc, expected, 'key for key');
  const python = pythonDumps(expected);
  if (python) assert.equal(meta.payload.toString(), python, 'byte for byte what json.dumps(indent=2, sort_keys=True) writes');
});

test('multi-transclusion format: one record per page and timestamp with every media', async () => {
  const dir = await tempDir();
  await example(dir);
  await writeFile(join(dir, 'data', 'media', 'song.wav'), 'RIFF....WAVEfmt ');
  await writeFile(
    join(dir, 'transclusions.yaml'),
    `transclusions:\n  ${P}media/video_file.flv:\n    - url: ${P}watch_video.html\n      timestamp: 20160102\n  ${P}media/song.wav:\n    - url: ${P}watch_video.html\n      timestamp: 20160102\n      selector: 'embed[src$="wav"]'\n    - url: ${P}other.html\n`,
  );
  const result = await writeWarc({ urlPrefix: P, inputs: [join(dir, 'data')], name: join(dir, 'multi'), conversions: join(dir, 'results.yaml'), transclusions: join(dir, 'transclusions.yaml'), transclusionFormat: 'both', now: () => new Date(Date.UTC(2019, 2, 1)) });
  const { records, problems } = await readWarc(result.path);
  assert.deepEqual(problems, []);
  const multi = records.filter((r) => r.targetUri?.startsWith('urn:transclusions:'));
  // song.wav sorts before video_file.flv: other.html's group closes first.
  // Each record has its own URI (its record ID as key), so later records for the same capture stay distinct in replay indexes.
  assert.deepEqual(
    multi.map((r) => r.targetUri),
    multi.map((r, i) => `urn:transclusions:${P}${i ? 'watch_video' : 'other'}.html?warckit-record=${r.header('WARC-Record-ID')!.replace(/^<urn:uuid:|>$/g, '')}`),
  );
  const doc = JSON.parse(multi[1]!.payload.toString());
  assert.deepEqual(Object.keys(doc.transclusions).sort(), [`${P}media/song.wav`, `${P}media/video_file.flv`]);
  assert.equal(doc.transclusions[`${P}media/song.wav`].selector, 'embed[src$="wav"]');
  assert.equal(doc.transclusions[`${P}media/video_file.flv`].formats.length, 5);
  assert.equal(doc.webpage_timestamp, '20160102');
  assert.equal(doc.creation_timestamp, '20190301000000');
  assert.equal(multi[1]!.header('Content-Type'), 'application/vnd.transclusions+json');
  // No timestamp in the manifest: the page is dated now, as warcit does.
  assert.equal(multi[0]!.header('WARC-Date'), '2019-03-01T00:00:00Z');
  assert.equal(records.filter((r) => r.targetUri?.startsWith('urn:embeds:')).length, 3, 'both formats written');
  // Multi records come right after the last media file of their page.
  const lastMedia = records.findIndex((r) => r.targetUri === `${P}media/video_file.flv`);
  assert.ok(records.indexOf(multi[1]!) > lastMedia);
});

test('metadata_file JSON is written verbatim (warcit crashes here)', async () => {
  const dir = await tempDir();
  await example(dir);
  const custom = '{"formats": [{"url": "http://example.com/custom.webm", "mime": "video/webm"}], "webpage_url": "x"}\n';
  await writeFile(join(dir, 'custom.json'), custom);
  await writeFile(join(dir, 'transclusions.yaml'), `transclusions:\n  ${P}media/video_file.flv:\n    url: http://www.example.com/watch_video.html\n    timestamp: 2016\n    metadata_file: custom.json\n`);
  const result = await writeWarc({ urlPrefix: P, inputs: [join(dir, 'data')], name: join(dir, 'mf'), transclusions: join(dir, 'transclusions.yaml') });
  const { records } = await readWarc(result.path);
  const meta = records.find((r) => r.targetUri === 'urn:embeds:http://www.example.com/watch_video.html')!;
  assert.equal(meta.payload.toString(), custom);
  assert.equal(meta.header('WARC-Date'), '2016-12-31T23:59:59Z', '2016 padded up to the end of the year, as warcio does');
});

test('a changed or missing conversion is not written and the run says so (exit 1); manifest media not among inputs is reported', async () => {
  const dir = await tempDir();
  const { conv } = await example(dir);
  // Our results carry a sha256: change the file after "conversion".
  const yaml = `conversions:\n  ${P}media/video_file.flv:\n  - metadata: {name: webm, ext: webm, mime: video/webm}\n    output: ${conv('webm')}\n    success: true\n    type: conversion\n    url: ${P}media/video_file.flv.webm\n    output_sha256: '${'0'.repeat(64)}'\n  - metadata: {name: mp4, ext: mp4}\n    output: ${join(dir, 'gone.mp4')}\n    success: true\n    type: conversion\n    url: ${P}media/video_file.flv.mp4\n`;
  await writeFile(join(dir, 'ours.yaml'), yaml);
  await writeFile(join(dir, 'tc.yaml'), `transclusions:\n  ${P}media/not-here.flv:\n    url: ${P}watch_video.html\n`);
  const { code, stderr } = await runCli(main, [P, join(dir, 'data'), '-n', join(dir, 'x'), '--conversions', join(dir, 'ours.yaml'), '--transclusions', join(dir, 'tc.yaml')]);
  assert.equal(code, 1);
  assert.match(stderr, /not writing conversion .*video_file\.flv\.webm: sha256 differs/);
  assert.match(stderr, /not writing conversion .*gone\.mp4: file missing/);
  assert.match(stderr, /transclusion manifest names http:\/\/example\.com\/media\/not-here\.flv, which is not among the inputs/);
  const { records } = await readWarc(join(dir, 'x.warc.gz'));
  assert.equal(records.filter((r) => r.type === 'conversion').length, 0);
});

test('bad results file or manifest: one line naming the file and the place inside it, nothing written', async () => {
  const dir = await tempDir();
  await example(dir);
  await writeFile(join(dir, 'bad1.yaml'), 'conversions:\n  http://x/a.flv:\n    url: 3\n');
  await writeFile(join(dir, 'bad2.yaml'), 'transclusions:\n  http://x/a.flv:\n    - timestamp: 2016\n');
  await writeFile(join(dir, 'bad3.yaml'), 'transclusions: [oops\n');
  const cases: Array<[string[], RegExp]> = [
    [['--conversions', join(dir, 'bad1.yaml')], /bad1\.yaml: conversions\["http:\/\/x\/a\.flv"\]: expected a list/],
    [['--transclusions', join(dir, 'bad2.yaml')], /bad2\.yaml: transclusions\["http:\/\/x\/a\.flv"\]\[0\]\.url: missing the URL of the page/],
    [['--transclusions', join(dir, 'bad3.yaml')], /bad3\.yaml: not valid YAML/],
    [['--conversions', join(dir, 'nope.yaml')], /nope\.yaml: does not exist/],
  ];
  for (const [flags, message] of cases) {
    const { code, stderr } = await runCli(main, [P, join(dir, 'data'), '-n', join(dir, 'bad'), ...flags]);
    assert.equal(code, 2);
    assert.match(stderr, message);
  }
  assert.ok(!(await readdir(dir)).some((f) => f.startsWith('bad.') || f.startsWith('.bad')));
});

test("conversion records take the rule's mime (audio/webm for an audio .webm); a mapfile row still wins; --conversions-as resource keeps every link", async () => {
  const dir = await tempDir();
  await example(dir);
  // The webm rule of an audio source: its output is named .webm, its rule says audio/webm.
  const results = (await readFile(join(dir, 'results.yaml'), 'utf8')).replace('mime: video/webm', 'mime: audio/webm');
  await writeFile(join(dir, 'results.yaml'), results);
  await writeFile(join(dir, 'map.csv'), `file,URL,timestamp,Content-Type\nvideo_file.flv.mp4,${P}media/video_file.flv.mp4,,video/x-custom\n`);
  const result = await writeWarc({ urlPrefix: P, inputs: [join(dir, 'data')], name: join(dir, 'mime'), conversions: join(dir, 'results.yaml'), mapfile: join(dir, 'map.csv'), conversionRecordType: 'resource' });
  const { records, problems } = await readWarc(result.path);
  assert.deepEqual(problems, []);
  const byUrl = (url: string) => records.find((r) => r.targetUri === url)!;
  assert.equal(byUrl(`${P}media/video_file.flv.webm`).header('Content-Type'), 'audio/webm');
  assert.equal(byUrl(`${P}media/video_file.flv.mp4`).header('Content-Type'), 'video/x-custom');
  assert.equal(byUrl(`${P}media/video_file.flv.png`).header('Content-Type'), 'image/png');
  const webm = byUrl(`${P}media/video_file.flv.webm`);
  assert.equal(webm.type, 'resource', 'wabac.js serves resource records, not conversion records');
  assert.equal(webm.header('WARC-Refers-To'), byUrl(`${P}media/video_file.flv`).header('WARC-Record-ID'));
  assert.equal(webm.header('WARC-Refers-To-Target-URI'), `${P}media/video_file.flv`);
  assert.match(webm.header('WARC-JSON-Metadata') ?? '', /"mime": "audio\/webm"/);
  assert.equal(records.filter((r) => r.type === 'conversion').length, 0);
});

test('several media of a page as youtube-dl records: the run warns that stock pywb shows one of them', async () => {
  const dir = await tempDir();
  await example(dir);
  await writeFile(join(dir, 'data', 'media', 'b.flv'), 'FLV second');
  const page = 'http://www.example.com/watch_video.html';
  await writeFile(join(dir, 'transclusions.yaml'), `transclusions:\n  ${P}media/video_file.flv: {url: ${page}, timestamp: 2016}\n  ${P}media/b.flv: {url: ${page}, timestamp: 2016}\n`);
  for (const [format, advice] of [['youtube-dl', /add --transclusion-format both/], ['both', /plays them all from the urn:transclusions: records also written/]] as const) {
    const out = await runCli(main, [P, join(dir, 'data'), '-n', join(dir, format), '--transclusions', join(dir, 'transclusions.yaml'), '--transclusion-format', format]);
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stderr, new RegExp(`${page} embeds 2 media at one capture time: pywb's stock transclusions\\.js replaces only one of them`));
    assert.match(out.stderr, advice);
  }
  const single = await runCli(main, [P, join(dir, 'data'), '-n', join(dir, 'multi'), '--transclusions', join(dir, 'transclusions.yaml'), '--transclusion-format', 'transclusions']);
  assert.doesNotMatch(single.stderr, /stock transclusions\.js/, 'no youtube-dl records, nothing to warn about');
});

test('manifest media spelt by hand (a space for %20, HTTP://EXAMPLE.COM:80) get their metadata under the input\'s URL; one naming no input is an error (exit 1) as written, a relative one with a hint; --ignore-unmatched-transclusions exits 0', async () => {
  const dir = await tempDir();
  await mkdir(join(dir, 'site', 'media'), { recursive: true });
  await writeFile(join(dir, 'site', 'media', 'tour of the lab.flv'), 'FLV tour');
  await writeFile(join(dir, 'site', 'media', 'intro.flv'), 'FLV intro');
  await writeFile(join(dir, 'site', 'page.html'), '<embed src="media/intro.flv"><embed src="media/tour of the lab.flv">');
  const page = `{url: ${P}page.html, timestamp: 2009}`;
  await writeFile(join(dir, 'tc.yaml'), `transclusions:\n  ${P}media/tour of the lab.flv: ${page}\n  HTTP://EXAMPLE.COM:80/media/intro.flv: ${page}\n`);
  const ok = await runCli(main, [P, join(dir, 'site'), '-n', join(dir, 'a'), '--transclusions', join(dir, 'tc.yaml'), '--transclusion-format', 'both']);
  assert.equal(ok.code, 0, ok.stderr);
  const { records } = await readWarc(join(dir, 'a.warc.gz'));
  const embeds = records.filter((r) => r.targetUri === `urn:embeds:${P}page.html`).map((r) => (JSON.parse(r.payload.toString()) as { formats: Array<{ url: string }> }).formats.at(-1)!.url);
  assert.deepEqual(embeds.sort(), [`${P}media/intro.flv`, `${P}media/tour%20of%20the%20lab.flv`], 'each names the media as archived');
  const group = records.find((r) => r.targetUri?.startsWith(`urn:transclusions:${P}page.html`))!;
  assert.match(group.payload.toString(), /tour%20of%20the%20lab\.flv/);

  await writeFile(join(dir, 'bad.yaml'), `transclusions:\n  media/intro.flv: ${page}\n  ${P}media/outro.flv: ${page}\n`);
  const bad = await runCli(main, [P, join(dir, 'site'), '-n', join(dir, 'b'), '--transclusions', join(dir, 'bad.yaml')]);
  assert.equal(bad.code, 1, bad.stderr);
  assert.match(bad.stderr, /transclusion manifest names media\/intro\.flv \(a relative URL: the inputs' URLs begin with http:\/\/example\.com\/\), which is not among the inputs/);
  assert.match(bad.stderr, /transclusion manifest names http:\/\/example\.com\/media\/outro\.flv, which is not among the inputs/);
  assert.match(bad.stderr, /2 transclusion manifest entr(y|ies) matched no input.*--ignore-unmatched-transclusions/);
  const ignored = await runCli(main, [P, join(dir, 'site'), '-n', join(dir, 'c'), '--transclusions', join(dir, 'bad.yaml'), '--ignore-unmatched-transclusions']);
  assert.equal(ignored.code, 0, ignored.stderr);
  assert.match(ignored.stderr, /outro\.flv, which is not among the inputs/, 'still said');
});

test('manifest media with no format a browser plays (MIDI background music, an FLV not converted): the run warns, naming each, that its player stays empty at replay; one with a WebM/MP4 conversion or an MP3 original is not named', async () => {
  const dir = await tempDir();
  await example(dir);
  await writeFile(join(dir, 'data', 'media', 'bgm.mid'), Buffer.from('MThd\x00\x00\x00\x06'));
  await writeFile(join(dir, 'data', 'media', 'song.mp3'), Buffer.from('ID3\x03\x00'));
  await writeFile(join(dir, 'data', 'media', 'b.flv'), 'FLV second');
  const page = 'http://www.example.com/watch_video.html';
  await writeFile(join(dir, 'transclusions.yaml'), ['video_file.flv', 'bgm.mid', 'song.mp3', 'b.flv'].reduce((yaml, name) => `${yaml}  ${P}media/${name}: {url: ${page}, timestamp: 2016}\n`, 'transclusions:\n'));
  const out = await runCli(main, [P, join(dir, 'data'), '-n', join(dir, 'out'), '--conversions', join(dir, 'results.yaml'), '--transclusions', join(dir, 'transclusions.yaml'), '--transclusion-format', 'transclusions']);
  assert.equal(out.code, 0, out.stderr); // a warning: the run did what it was asked
  assert.match(out.stderr, /http:\/\/example\.com\/media\/bgm\.mid has no format a browser plays \(audio\/[a-z-]*midi\): its player stays empty at replay; convert it to one \(MP4, WebM, MP3…\) and give --conversions/);
  assert.match(out.stderr, /http:\/\/example\.com\/media\/b\.flv has no format a browser plays \(video\/x-flv\)/);
  assert.doesNotMatch(out.stderr, /video_file\.flv has no format/);
  assert.doesNotMatch(out.stderr, /song\.mp3 has no format/);
});
