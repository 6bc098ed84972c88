/** Re-runs skip what is done and redo what changed; ZIP members; convert_stdout; a missing program. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { appendFile, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { test } from 'node:test';
import yazl from 'yazl';
import { convertMedia } from '../../src/convert/convert.js';
import { readConversionResults } from '../../src/convert/results.js';
import { loadRules } from '../../src/rules/load.js';
import { tempDir } from '../helpers/tmp.js';
import { makeClip } from './clips.js';

const P = 'http://www.example.com/';
const rulesText = (flacLevel: number): string => `
rules:
  - &flac {name: flac, ext: flac, command: 'ffmpeg -y -nostdin -i {input} -vn -c:a flac -compression_level ${flacLevel} {output}', mime: audio/flac}
  - &copy {name: copy, ext: mka, args: [ffmpeg, -y, -nostdin, -i, '{input}', -c, copy, '{output}'], mime: audio/x-matroska}
file_types:
  - {ext: .wav, conversion_rules: [*flac, *copy]}
`;

async function setup(): Promise<{ dir: string; site: string; out: string; rules: string }> {
  const dir = await tempDir();
  const site = join(dir, 'site');
  await makeClip(join(site, 'a.wav'), 'audio', 'wav');
  await makeClip(join(site, 'b.wav'), 'audio', 'wav', 2);
  const rules = join(dir, 'rules.yaml');
  await writeFile(rules, rulesText(5));
  return { dir, site, out: join(dir, 'out'), rules };
}

test('re-runs skip current outputs and redo those whose rule, source or output changed', async () => {
  const { site, out, rules } = await setup();
  const run = (): ReturnType<typeof convertMedia> => convertMedia({ urlPrefix: P, inputs: [site], outputDir: out, rules, jobs: 2 });
  const first = await run();
  assert.deepEqual([first.converted, first.skipped, first.failed], [4, 0, 0]);
  assert.deepEqual([(await run()).converted, (await run()).skipped], [0, 4]);

  const flacA = first.conversions.find((c) => c.url === `${P}a.wav.flac`)!.output;
  await appendFile(flacA, 'tampered'); // output changed since it was recorded
  let r = await run();
  assert.deepEqual(r.conversions.filter((c) => c.status === 'converted').map((c) => c.url), [`${P}a.wav.flac`]);

  await rm(first.conversions.find((c) => c.url === `${P}b.wav.mka`)!.output); // output gone
  r = await run();
  assert.deepEqual(r.conversions.filter((c) => c.status === 'converted').map((c) => c.url), [`${P}b.wav.mka`]);

  await makeClip(join(site, 'a.wav'), 'audio', 'wav', 3); // source changed
  r = await run();
  assert.deepEqual(r.conversions.filter((c) => c.status === 'converted').map((c) => c.url), [`${P}a.wav.flac`, `${P}a.wav.mka`]);

  await writeFile(rules, rulesText(8)); // the flac rule changed
  r = await run();
  assert.deepEqual(r.conversions.filter((c) => c.status === 'converted').map((c) => c.url), [`${P}a.wav.flac`, `${P}b.wav.flac`]);
  const recorded = await readConversionResults(r.resultsFile!);
  assert.match(String(recorded.conversions[`${P}a.wav`]![0]!.metadata.command), /compression_level 8/);
});

test('ZIP members are extracted to a temporary file, hashed, and converted to <archive>/<member>.<ext>', async () => {
  const { dir, site, out, rules } = await setup();
  const zipPath = join(dir, 'media.zip');
  const zip = new yazl.ZipFile();
  const data = await readFile(join(site, 'a.wav'));
  zip.addBuffer(data, 'www/sound/a.wav');
  await new Promise<void>((done, fail) => {
    zip.outputStream.pipe(createWriteStream(zipPath)).on('close', done).on('error', fail);
    zip.end();
  });
  const r = await convertMedia({ urlPrefix: P, inputs: [zipPath], outputDir: out, rules, jobs: 2 });
  assert.equal(r.failed, 0, r.failures.map((f) => f.stderrTail).join('\n'));
  assert.deepEqual(r.conversions.map((c) => c.output), [join(out, 'media.zip/www/sound/a.wav.flac'), join(out, 'media.zip/www/sound/a.wav.mka')]);
  const entry = r.conversions[0]!.result!;
  assert.equal(entry.source_sha256, createHash('sha256').update(data).digest('hex'));
  assert.equal(entry.source_size, data.length);
});

test("convert_stdout receives the commands' output; a missing program is a recorded failure", async () => {
  const { dir, site, out } = await setup();
  const log = join(dir, 'convert.log');
  const rules = join(dir, 'r.yaml');
  await writeFile(
    rules,
    `convert_stdout: ${log}
file_types:
  - ext: .wav
    conversion_rules:
      - {name: flac, ext: flac, command: 'ffmpeg -y -nostdin -i {input} -c:a flac {output}'}
      - {name: nope, ext: nope, command: 'warckit-no-such-program {input} {output}'}
`,
  );
  const set = await loadRules(rules);
  const r = await convertMedia({ urlPrefix: P, inputs: [join(site, 'a.wav')], outputDir: out, rules: set, jobs: 1 });
  assert.equal(r.converted, 1);
  assert.equal(r.failed, 1);
  const failure = r.failures[0]!;
  assert.equal(failure.exitCode, null);
  assert.deepEqual(failure.argv.slice(0, 1), ['warckit-no-such-program']);
  assert.match(failure.message, /cannot run warckit-no-such-program \(not found\)/);
  const text = await readFile(log, 'utf8');
  assert.match(text, /### http:\/\/www\.example\.com\/a\.wav -> http:\/\/www\.example\.com\/a\.wav\.flac/);
  assert.match(text, /Output #0, flac/);
});

/** Rules whose outputs are themselves sources of another rule: converting them again would go on at every run. */
const CHAINED = `
rules:
  - &flac {name: flac, ext: flac, command: 'ffmpeg -y -nostdin -i {input} -vn -c:a flac {output}', mime: audio/flac}
  - &copy {name: copy, ext: mka, args: [ffmpeg, -y, -nostdin, -i, '{input}', -c, copy, '{output}'], mime: audio/x-matroska}
file_types:
  - {ext: .wav, conversion_rules: [*flac]}
  - {ext: .flac, conversion_rules: [*copy]}
`;

test('an output directory that is the input itself, or inside it: its sources are converted, its outputs never converted again', async () => {
  const dir = await tempDir();
  const site = join(dir, 'site');
  await makeClip(join(site, 'a.wav'), 'audio', 'wav');
  await makeClip(join(site, 'c.flac'), 'audio', 'flac');
  const rules = join(dir, 'rules.yaml');
  await writeFile(rules, CHAINED);
  for (const outputDir of [site, join(site, 'conversions')]) {
    const run = (): ReturnType<typeof convertMedia> => convertMedia({ urlPrefix: P, inputs: [site], outputDir, rules, jobs: 2 });
    const first = await run();
    assert.deepEqual(first.conversions.map((c) => `${c.url} ${c.status}`).sort(), [`${P}a.wav.flac converted`, `${P}c.flac.mka converted`], outputDir);
    // A partial output a killed run left (its pid gone), named as a source of the .flac rule would be.
    const flac = first.conversions.find((c) => c.url.endsWith('.flac'))!.output;
    const partial = join(dirname(flac), `.${basename(flac)}.partial-99999999-0a1b2c.flac`);
    await writeFile(partial, 'cut short');
    const second = await run();
    assert.deepEqual(second.conversions.map((c) => `${c.url} ${c.status}`).sort(), [`${P}a.wav.flac skipped`, `${P}c.flac.mka skipped`], `${outputDir}: the outputs of the first run are not sources`);
    assert.equal(existsSync(partial), false, 'the partial output was removed, not converted');
    for (const c of first.conversions) await rm(c.output);
    await rm(first.resultsFile!);
  }
});

/** A site of one WAV converted with CHAINED rules into the site itself (`--output-dir site`). */
async function convertedIntoItself(): Promise<{ site: string; rules: string; first: Awaited<ReturnType<typeof convertMedia>> }> {
  const dir = await tempDir();
  const site = join(dir, 'site');
  await makeClip(join(site, 'a.wav'), 'audio', 'wav');
  const rules = join(dir, 'rules.yaml');
  await writeFile(rules, CHAINED);
  return { site, rules, first: await convertMedia({ urlPrefix: P, inputs: [site], outputDir: site, rules, jobs: 1 }) };
}

test('an output that would be written over one of the input files is refused before anything is done', async () => {
  const { site, rules, first } = await convertedIntoItself();
  const output = first.conversions[0]!.output;
  // Without the results file that records it, the output is a file like any other of the site: the archivist's, as far as anyone can tell.
  await rm(first.resultsFile!);
  await writeFile(output, 'the archivist\'s own file');
  await assert.rejects(convertMedia({ urlPrefix: P, inputs: [site], outputDir: site, rules, jobs: 1 }), (error: Error) => {
    assert.match(error.message, /nothing was converted/);
    assert.ok(error.message.includes(`is one of the files to convert, and the output of ${join(site, 'a.wav')} (rule flac) would be written over it: give another --output-dir`), error.message);
    return true;
  });
  assert.equal(await readFile(output, 'utf8'), "the archivist's own file");
});

test('outputs recorded only in the journal of a killed first run are its own: the next run with the output directory in the input goes on', async () => {
  const { site, rules, first } = await convertedIntoItself();
  // As a SIGKILL before the first fold leaves it: the journal holds the source's results, no YAML yet.
  const recorded = await readConversionResults(first.resultsFile!);
  await writeFile(`${first.resultsFile!}.journal`, Object.entries(recorded.conversions).map(([source, results]) => `${JSON.stringify({ source, results })}\n`).join(''));
  await rm(first.resultsFile!);
  const again = await convertMedia({ urlPrefix: P, inputs: [site], outputDir: site, rules, jobs: 1 });
  assert.deepEqual(again.conversions.map((c) => `${c.url} ${c.status}`), [`${P}a.wav.flac skipped`]);
});
