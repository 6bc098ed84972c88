#!/usr/bin/env node
// Bundle the command-line tools (dist/src/cli/*.js, as tsc compiled them) into dist/cli/, one
// module per tool with shared chunks. Node 20 takes about a millisecond to resolve, load and link
// each ES module: the 120 modules a run used to load (yargs alone is 45) cost 0.15 s of every
// start. What only some runs need (warcio.js for --cdxj, file-type, jschardet, csv…) stays a
// separate chunk, imported when asked for, as before. Packages that load native or
// platform-specific files at run time stay in node_modules.
import { build } from 'esbuild';
import { rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'dist', 'cli');
const from = (path) => join(root, 'dist', 'src', path);

// yargs, cliui and wrap-ansi each bring a copy of string-width (help-text widths). yargs' copy (8.x)
// holds the regular expression /^\p{RGI_Emoji}$/v: V8 checks a regular expression literal when it
// parses the script, and expanding that property into its emoji strings costs about 190 million
// instructions (tens of milliseconds) of every start, help or not. All three get cliui's copy
// (7.x, the same function; its emoji pattern is plain and compiled only when a width is asked).
const cliuiRequire = createRequire(createRequire(join(root, 'package.json')).resolve('cliui'));
const stringWidth = cliuiRequire.resolve('string-width');
const oneStringWidth = {
  name: 'one-string-width',
  setup(b) {
    b.onResolve({ filter: /^string-width$/ }, () => ({ path: stringWidth }));
  },
};

await rm(out, { recursive: true, force: true });
const result = await build({
  entryPoints: {
    warckit: from('cli/warckit.js'),
    'warckit-convert': from('cli/convert.js'),
    'warckit-replay': from('cli/replay.js'),
    'warckit-verify': from('cli/verify.js'),
    'warckit-worker': from('cli/worker.js'),
    // Loaded by URL beside the module that starts it (small-records.ts): same directory.
    'small-records-worker': from('warc/small-records-worker.js'),
  },
  outdir: out,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  // No lowering: tsc already compiled our code for Node 20, and packages ship what their engines
  // run. With any named target esbuild turns regular expressions with \p{…} into `new RegExp`
  // calls, each compiled as its module loads (45 of them in string-width: 40 ms of every start).
  target: 'esnext',
  keepNames: true,
  external: ['bullmq', 'ioredis', '@ffmpeg-installer/*', '@ffprobe-installer/*'],
  // CommonJS packages in the bundle require Node's built-ins.
  banner: { js: "import { createRequire as __warckitRequire } from 'node:module'; const require = __warckitRequire(import.meta.url);" },
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
  plugins: [oneStringWidth],
});
// WARCKIT_BUNDLE_META=<file>: write esbuild's metafile there, to see what each chunk holds.
if (process.env.WARCKIT_BUNDLE_META) (await import('node:fs')).writeFileSync(process.env.WARCKIT_BUNDLE_META, JSON.stringify(result.metafile));
