/**
 * The proofs on real files: an FFV1 output with a byte flipped fails `verify: lossless` (kept
 * under a name that says so, with its manifests); a cut-off output fails `verify: decode`.
 */
import assert from 'node:assert/strict';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { convertMedia } from '../../src/convert/convert.js';
import { readConversionResults } from '../../src/convert/results.js';
import { probeMedia } from '../../src/media/probe.js';
import { checkDecodes, decodeMedia } from '../../src/verify/media-checks.js';
import { makeClip, mediaTools } from '../convert/clips.js';
import { flipperRules } from '../helpers/flipper.js';
import { tempDir } from '../helpers/tmp.js';

const P = 'http://www.example.com/';

test('verify: lossless fails an output with one byte flipped; it is kept as <name>.not-lossless.<ext> with both framemd5 manifests', async () => {
  const dir = await tempDir();
  await makeClip(join(dir, 'site', 'raw.avi'), 'video', 'avi');
  const rules = await flipperRules(dir);
  const out = join(dir, 'out');
  const r = await convertMedia({ urlPrefix: P, inputs: [join(dir, 'site')], outputDir: out, rules, jobs: 1 });
  assert.equal(r.failed, 1);
  assert.match(r.failures[0]!.message, /raw\.avi: ffv1_flipped failed \(not lossless: /);
  const entry = (await readConversionResults(r.resultsFile!)).conversions[`${P}raw.avi`]![0]!;
  assert.equal(entry.success, false);
  await assert.rejects(stat(entry.output), 'nothing under the final name');
  const kept = String(entry.kept_as);
  assert.match(kept, /raw\.avi\.not-lossless\.mkv$/);
  assert.ok((await stat(kept)).size > 0);
  const verification = entry.verification as Record<string, unknown>;
  assert.deepEqual([verification.level, verification.passed], ['lossless', false]);
  assert.equal(verification.source_framemd5, `${kept}.source.framemd5`);
  assert.ok((await readFile(`${kept}.source.framemd5`, 'utf8')).includes('#media_type 0: video'));
  const left = await readdir(join(out, dir.split('/').pop()!, 'site'));
  assert.ok(!left.some((f) => f.includes('.partial-')), `no temporary files left: ${left.join(', ')}`);
});

test('verify: decode fails an output cut short, and one that lasts less than the source', async () => {
  const dir = await tempDir();
  const { ffmpeg, ffprobe } = await mediaTools();
  const source = join(dir, 'a.mp4');
  await makeClip(source, 'av', 'mp4', 2);
  const media = await probeMedia(source, { ffprobePath: ffprobe });
  const whole = await decodeMedia(ffmpeg, source);
  assert.ok(whole.clean && Math.abs(whole.seconds! - 2) < 0.05 && whole.frames === 50, JSON.stringify(whole));
  const sourceSeconds = async (): Promise<number | undefined> => whole.seconds;

  const ok = await checkDecodes({ ffmpeg, written: source, source: media, sourceSeconds });
  assert.equal(ok.passed, true, ok.detail);

  const cut = join(dir, 'cut.mp4');
  const bytes = await readFile(source);
  await writeFile(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
  const broken = await checkDecodes({ ffmpeg, written: cut, source: media, sourceSeconds });
  assert.equal(broken.passed, false);
  assert.match(broken.detail, /does not decode cleanly: /);

  const short = join(dir, 'short.mp4');
  await makeClip(short, 'av', 'mp4', 1);
  const shorter = await checkDecodes({ ffmpeg, written: short, source: media, sourceSeconds });
  assert.equal(shorter.passed, false);
  assert.match(shorter.detail, /lasts 1\.\d+ s against the source's 2\.\d+ s \(more than one frame apart\)/);
});
