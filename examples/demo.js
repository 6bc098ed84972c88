#!/usr/bin/env node
// `npm run demo`: the whole job on the example site, with the real CLIs.
//  1. warckit-convert: the page's FLV videos and WAV audio → poster, webm, mp4, mkv / webm, mp3, flac
//  2. warckit: the site + conversion records + transclusion metadata → demo-output/example.warc.gz
//  3. warckit-replay: the archived page with <video>/<audio> elements in place of the Flash embeds
// ffmpeg: FFMPEG_PATH, else the one on PATH, else the binary shipped by @ffmpeg-installer/ffmpeg.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'demo-output');
const prefix = 'http://www.example.com/';
const site = join(root, 'examples', 'site');
mkdirSync(out, { recursive: true });

function run(bin, args, options = {}) {
  console.log(`\n$ ${bin} ${args.map((a) => (/[\s'"]/.test(a) ? JSON.stringify(a) : a)).join(' ')}`);
  return execFileSync(process.execPath, [join(root, 'bin', `${bin}.js`), ...args], { stdio: options.capture ? ['ignore', 'pipe', 'inherit'] : 'inherit', cwd: root });
}

run('warckit-convert', [prefix, site, '--output-dir', join(out, 'conversions')]);
const results = join(out, 'conversions', 'warcit-conversion-results.yaml');
run('warckit', [prefix, site, '-n', join(out, 'example'), '-o', '--conversions', results, '--transclusions', join(root, 'examples', 'transclusions.yaml'), '--transclusion-format', 'both']);
const warc = join(out, 'example.warc.gz');
if (existsSync(join(root, 'bin', 'warckit-replay.js'))) {
  run('warckit-replay', ['lookup', warc, '--url', `${prefix}index.html`, '--timestamp', '20090415120000']);
  const html = run('warckit-replay', ['inject', warc, '--url', `${prefix}index.html`, '--timestamp', '20090415120000', '--html', join(site, 'index.html')], { capture: true });
  writeFileSync(join(out, 'index.html'), html);
  console.log(`\nInjected page: ${join(out, 'index.html')}`);
}
console.log(`WARC: ${warc}\nConversions and their results file: ${join(out, 'conversions')}`);
