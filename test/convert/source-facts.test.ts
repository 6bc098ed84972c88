/** One ffprobe run per source, none on a re-run whose source is unchanged (the sidecar answers). */
import assert from 'node:assert/strict';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { convertMedia } from '../../src/convert/convert.js';
import { probeValues } from '../../src/convert/source-facts.js';
import { parseProbeJson } from '../../src/media/probe.js';
import { tempDir } from '../helpers/tmp.js';
import { makeClip, mediaTools } from './clips.js';

const P = 'http://www.example.com/';

test('each source is probed once per run, and not at all when its sidecar records the same sha256', async () => {
  const dir = await tempDir();
  const site = join(dir, 'site');
  await makeClip(join(site, 'a.mp4'), 'av', 'mp4');
  await makeClip(join(site, 'b.wav'), 'audio', 'wav');
  const { ffprobe } = await mediaTools();
  const calls = join(dir, 'calls.log');
  const counting = join(dir, 'ffprobe');
  await writeFile(counting, `#!/bin/sh\nfor a; do last="$a"; done\necho "$last" >> '${calls}'\nexec '${ffprobe}' "$@"\n`);
  await chmod(counting, 0o755);
  const out = join(dir, 'out');
  const run = () => convertMedia({ urlPrefix: P, inputs: [site], outputDir: out, ffprobePath: counting, jobs: 2 });
  const first = await run();
  assert.equal(first.converted, 5);
  const probed = (await readFile(calls, 'utf8')).trim().split('\n');
  const sources = probed.filter((f) => f.startsWith(site));
  assert.deepEqual(sources.sort(), [join(site, 'a.mp4'), join(site, 'b.wav')], 'one probe per source');
  assert.equal(probed.length - sources.length, 5, 'one per output (characterization)');
  await writeFile(calls, '');
  const again = await run();
  assert.equal(again.skipped, 5);
  assert.equal(await readFile(calls, 'utf8'), '', 'a re-run with everything done probes nothing');
});

test('probe placeholders: seconds as decimals, the first video stream\'s size and rate as ffprobe states it', () => {
  const media = parseProbeJson(
    JSON.stringify({ format: { format_name: 'mov', duration: '10.010000' }, streams: [{ codec_type: 'video', codec_name: 'h264', width: 640, height: 360, avg_frame_rate: '30000/1001' }] }),
    'x',
  );
  assert.deepEqual(probeValues(media), { duration: '10.01', middle: '5.005', width: '640', height: '360', frame_rate: '30000/1001' });
  assert.deepEqual(probeValues(undefined), {});
});

test('a file type by sniffed MIME type alone: files of any name, chosen by their first bytes, without probing', async () => {
  const dir = await tempDir();
  const site = join(dir, 'site');
  await makeClip(join(site, 'clip.dat'), 'av', 'mp4');
  await writeFile(join(site, 'notes.dat'), 'plain words\n');
  const rules = join(dir, 'rules.yaml');
  await writeFile(rules, "file_types:\n  - mime: video/*\n    conversion_rules:\n      - {name: keep, ext: copy, command: 'cp {input} {output}'}\n");
  const r = await convertMedia({ urlPrefix: P, inputs: [site], outputDir: join(dir, 'out'), rules, ffprobePath: '/nonexistent/ffprobe' });
  assert.deepEqual(r.conversions.map((c) => `${c.status} ${c.url}`), [`converted ${P}clip.dat.copy`]);
  assert.equal(r.files, 1);
});
