/**
 * The library examples (examples/*.ts) as a user would build them: a strict project
 * (exactOptionalPropertyTypes, no skipLibCheck) importing 'warckit' through the package's
 * published types; the pipeline example's WARC read back by the independent reader.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { readWarc } from '../helpers/warc-check.js';
import { tempDir } from '../helpers/tmp.js';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..', '..');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

/** One compile of the examples (emitting dist/examples), traced to show where 'warckit' resolves. */
let compiled: Promise<{ ok: boolean; output: string }> | undefined;
function compileExamples(): Promise<{ ok: boolean; output: string }> {
  compiled ??= run(process.execPath, [tsc, '-p', join(root, 'examples', 'tsconfig.json'), '--traceResolution'], { cwd: root, maxBuffer: 64 * 1024 * 1024 }).then(
    ({ stdout, stderr }) => ({ ok: true, output: stdout + stderr }),
    (error: { stdout: string; stderr: string }) => ({ ok: false, output: error.stdout + error.stderr }),
  );
  return compiled;
}

test('the examples compile in a strict project against the published types', async () => {
  const config = JSON.parse(await readFile(join(root, 'examples', 'tsconfig.json'), 'utf8')) as { compilerOptions: Record<string, unknown> };
  assert.equal(config.compilerOptions.exactOptionalPropertyTypes, true);
  assert.equal(config.compilerOptions.skipLibCheck, false);
  assert.equal(config.compilerOptions.strict, true);
  const { ok, output } = await compileExamples();
  const diagnostics = output.split('\n').filter((line) => /\berror TS\d+|\bwarning\b/.test(line));
  assert.deepEqual(diagnostics, [], 'tsc -p examples/tsconfig.json reports nothing');
  assert.ok(ok, 'tsc -p examples/tsconfig.json exits 0');
  // 'warckit' resolved through package.json exports: the published types, not the sources.
  assert.match(output, /Module name 'warckit' was successfully resolved to '[^']*\/dist\/src\/index\.d\.ts'/);
});

test('the pipeline example writes a WARC of its own records and warckit\'s that the independent reader checks, and the replay example finds its media', async () => {
  const out = await tempDir();
  assert.ok((await compileExamples()).ok, 'the examples compile (dist/examples)');
  const { stdout } = await run(process.execPath, [join(root, 'dist', 'examples', 'pipeline.js'), out], { cwd: root });
  assert.match(stdout, /1 response record from the crawler, 7 from warckit \(4 conversions\)/);
  const warc = join(out, 'pipeline.warc.gz');
  const { records, problems } = await readWarc(warc);
  assert.deepEqual(problems, []);
  const listed = records.map((r) => `${r.type} ${r.targetUri}`);
  assert.equal(listed.length, 8);
  assert.deepEqual(listed.slice(0, 2), ['response http://www.example.com/index.html', 'resource http://www.example.com/media/intro.flv']);
  // the conversions in rule order, then the page's metadata (youtube-dl, then transclusions)
  assert.deepEqual(listed.slice(2, 6).sort(), ['mkv', 'mp4', 'png', 'webm'].map((ext) => `resource http://www.example.com/media/intro.flv.${ext}`));
  assert.equal(listed[6], 'resource urn:embeds:http://www.example.com/index.html');
  assert.match(listed[7]!, /^resource urn:transclusions:http:\/\/www\.example\.com\/index\.html\?warckit-record=[0-9a-f-]{36}$/);
  assert.ok(records.slice(2, 6).every((r) => r.header('WARC-Refers-To') === records[1]!.header('WARC-Record-ID')), 'each copy refers to the original');
  const video = await readFile(join(root, 'examples', 'site', 'media', 'intro.flv'));
  assert.ok(records[1]!.payload.equals(video), 'the video archived byte for byte');
  const lookup = await run(process.execPath, [join(root, 'dist', 'examples', 'replay-lookup.js'), warc, 'http://www.example.com/index.html', '20090415120000', join(root, 'examples', 'site', 'index.html')], { cwd: root });
  assert.match(lookup.stdout, /object ← http:\/\/www\.example\.com\/media\/intro\.flv/);
  assert.match(lookup.stdout, /<video controls data-warckit-media="http:\/\/www\.example\.com\/media\/intro\.flv"[^>]*><source src="\/coll\/20090415120000id_\/http:\/\/www\.example\.com\/media\/intro\.flv\.webm" type="video\/webm">/);
});
