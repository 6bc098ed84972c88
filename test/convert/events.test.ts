/**
 * convertMedia as a library: without a results file, with objects as inputs, telling each
 * conversion as it starts and ends, and how far a long ffmpeg conversion is (from -progress).
 */
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { convertMedia } from '../../src/convert/convert.js';
import type { ConvertEvent } from '../../src/convert/progress.js';
import { writeWarc } from '../../src/warc/build.js';
import { tempDir } from '../helpers/tmp.js';
import { readWarc } from '../helpers/warc-check.js';
import { makeClip } from './clips.js';

const P = 'http://www.example.com/';

test('no results file: nothing read, locked or written; outcomes returned and written into a WARC as objects', async () => {
  const dir = await tempDir();
  await makeClip(join(dir, 'site', 'a.wav'), 'audio', 'wav');
  await writeFile(join(dir, 'rules.yaml'), 'file_types:\n  - ext: .wav\n    conversion_rules:\n      - name: flac\n        ext: flac\n        mime: audio/flac\n        command: "ffmpeg -y -v error -i {input} {output}"\n');
  const events: ConvertEvent[] = [];
  const options = { urlPrefix: P, inputs: [join(dir, 'site')], rules: join(dir, 'rules.yaml'), outputDir: join(dir, 'out'), results: false as const, onEvent: (e: ConvertEvent) => events.push(e) };
  const converted = await convertMedia(options);
  assert.equal(converted.resultsFile, undefined);
  assert.equal(converted.converted, 1);
  assert.ok(!(await readdir(join(dir, 'out'), { recursive: true })).some((f) => String(f).endsWith('.yaml') || String(f).includes('.lock') || String(f).includes('.journal')), 'no results file, lock or journal');
  const starts = events.filter((e) => e.type === 'conversion-start');
  const ends = events.filter((e): e is Extract<ConvertEvent, { type: 'conversion' }> => e.type === 'conversion');
  assert.equal(starts.length, 1);
  assert.deepEqual(ends.map((e) => [e.outcome.status, e.outcome.url]), [['converted', `${P}a.wav.flac`]]);
  assert.equal((await convertMedia(options)).converted, 1, 'without a results file nothing counts as done');

  const warc = await writeWarc({ urlPrefix: P, inputs: [join(dir, 'site')], path: join(dir, 'a.warc.gz'), conversions: converted });
  assert.equal(warc.counts.conversion, 1);
  const { records, problems } = await readWarc(warc.path);
  assert.deepEqual(problems, []);
  assert.equal(records.find((r) => r.type === 'conversion')!.header('Content-Type'), 'audio/flac');
});

test('a long ffmpeg conversion reports its percentage and ETA as it goes', { timeout: 60_000 }, async () => {
  const dir = await tempDir();
  await makeClip(join(dir, 'site', 'long.wav'), 'audio', 'wav', 4);
  // -re reads at the clip's own pace: four seconds of real time to convert.
  await writeFile(join(dir, 'rules.yaml'), 'file_types:\n  - ext: .wav\n    conversion_rules:\n      - name: slow\n        ext: flac\n        command: "ffmpeg -y -re -i {input} {output}"\n');
  const fractions: number[] = [];
  const etas: number[] = [];
  await convertMedia({
    urlPrefix: P,
    inputs: [{ url: `${P}long.wav`, data: await readFile(join(dir, 'site', 'long.wav')) }],
    rules: join(dir, 'rules.yaml'),
    outputDir: join(dir, 'out'),
    results: false,
    onEvent: (e) => {
      if (e.type !== 'progress') return;
      for (const r of e.progress.running) {
        if (r.fraction !== undefined) fractions.push(r.fraction);
        if (r.etaSeconds !== undefined) etas.push(r.etaSeconds);
      }
    },
  });
  const between = fractions.filter((f) => f > 0 && f < 1);
  assert.ok(new Set(between).size >= 3, `fractions seen: ${fractions.join(', ')}`);
  assert.deepEqual([...between].sort((a, b) => a - b), between, 'they only grow');
  // Times depend on the machine's load: the ETA is finite and positive, and falls as the work is done.
  assert.ok(etas.length >= 2 && etas[0]! > 0 && etas.every((e) => Number.isFinite(e) && e >= 0), `ETAs ${etas.join(', ')}`);
  assert.ok(etas.at(-1)! < etas[0]!, `ETAs ${etas.join(', ')}`);
});
