#!/usr/bin/env node
// `npm run demo`: the whole job on the example site, with the real CLIs.
//  1. warckit-convert: the page's FLV videos and WAV audio → poster, webm, mp4, mkv / webm, mp3, flac
//  2. warckit: the site + converted copies + transclusion metadata → demo-output/example.warc.gz,
//     dated like the page's capture (-d), ready for pywb and ReplayWeb.page (README: Replay)
//  3. warckit-replay: an index of the metadata, what the page gets, and the archived page with
//     <video>/<audio> elements in place of the Flash embeds
// ffmpeg: FFMPEG_PATH, else the one on PATH, else the binary shipped by @ffmpeg-installer/ffmpeg.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'demo-output');
const prefix = 'http://www.example.com/';
const site = join(root, 'examples', 'site');
mkdirSync(out, { recursive: true });

function run(bin, args) {
  console.log(`\n$ ${bin} ${args.map((a) => (/[\s'"]/.test(a) ? JSON.stringify(a) : a)).join(' ')}`);
  execFileSync(process.execPath, [join(root, 'bin', `${bin}.js`), ...args], { stdio: 'inherit', cwd: root });
}

run('warckit-convert', [prefix, site, '--output-dir', join(out, 'conversions')]);
const results = join(out, 'conversions', 'warcit-conversion-results.yaml');
const when = '20090415120000';
run('warckit', [prefix, site, '-n', join(out, 'example'), '-o', '-d', when, '--conversions', results, '--transclusions', join(root, 'examples', 'transclusions.yaml'), '--transclusion-format', 'both', '--conversions-as', 'resource']);
const warc = join(out, 'example.warc.gz');
const index = join(out, 'example.cdxj');
run('warckit-replay', ['index', warc, '-o', index]);
run('warckit-replay', ['lookup', index, '--url', `${prefix}index.html`, '--timestamp', when]);
run('warckit-replay', ['inject', index, '--url', `${prefix}index.html`, '--timestamp', when, '--html', join(site, 'index.html'), '-o', join(out, 'index.html')]);
console.log(`\nInjected page: ${join(out, 'index.html')}`);
console.log(`Browser client for pywb and ReplayWeb.page: ${join(root, 'dist', 'client', 'warckit-transclusions.js')} (README: Replay)`);
console.log(`WARC: ${warc}\nConversions and their results file: ${join(out, 'conversions')}`);
