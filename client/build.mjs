#!/usr/bin/env node
// Bundle the browser client (client/src, plus the pure lookup/render modules it shares with
// the library) into one plain script: dist/client/warckit-transclusions.js.
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
await build({
  entryPoints: [join(root, 'client', 'src', 'index.ts')],
  outfile: join(root, 'dist', 'client', 'warckit-transclusions.js'),
  bundle: true,
  format: 'iife',
  target: ['es2017'],
  platform: 'browser',
  legalComments: 'none',
  banner: { js: '/* warckit transclusion client for pywb and ReplayWeb.page — https://www.npmjs.com/package/warckit */' },
  logLevel: 'warning',
});
