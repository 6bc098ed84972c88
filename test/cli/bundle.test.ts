/** The command-line bundle (scripts/build-cli.mjs) as `npm run build` leaves it in dist/cli. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const BUNDLE = join(ROOT, 'dist', 'cli');

test('the CLI bundle holds one copy of string-width, and no emoji property pattern that V8 expands at every start', async () => {
  const files = (await readdir(BUNDLE)).filter((name) => name.endsWith('.js'));
  const texts = await Promise.all(files.map((name) => readFile(join(BUNDLE, name), 'utf8')));
  const all = texts.join('\n');
  const copies = all.match(/^\/\/ node_modules\/(?:.*\/)?string-width\/index\.js$/gm) ?? [];
  assert.equal(copies.length, 1, `string-width copies: ${copies.join(', ')}`);
  assert.doesNotMatch(all, /\\p\{RGI_Emoji\}/);
  // Help output still lays out its columns with it.
  const help = await run(process.execPath, [join(ROOT, 'bin', 'warckit.js'), '--help'], { env: { ...process.env, COLUMNS: '100' } });
  assert.match(help.stdout, /^ {2}-d, --fixed-dt +WARC-Date/m);
});
