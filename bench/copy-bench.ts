/**
 * Stream copy against re-encoding (issue 10): a batch of H.264/AAC FLV clips through the
 * default rules (poster + the streams copied into MP4) against the rules warckit shipped before
 * (poster, webm, mp4, FFV1/FLAC, all re-encoded: the default file without its probe-based file
 * types), and the MP4 alone: `-c copy` against the default rules' H.264/AAC encode, through
 * warckit-convert and as the bare ffmpeg commands in a shell loop (no start-up, no probing).
 * Output quality: each MP4's streams hashed as stored (`-f streamhash`) against the source's.
 * Runs interleaved, best of WARCKIT_BENCH_REPEAT (default 2).
 * Env: WARCKIT_BENCH_COPY_CLIPS (default 8), WARCKIT_BENCH_COPY_SECONDS (default 30),
 * WARCKIT_BENCH_COPY_SIZE (default 640x360).
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { dump, load } from 'js-yaml';
import { convertMedia } from '../src/convert/convert.js';
import { readConversionResults } from '../src/convert/results.js';
import { shellQuote } from '../src/rules/template.js';
import { DEFAULT_RULES_PATH } from '../src/rules/load.js';
import { mediaTools } from '../test/convert/clips.js';
import { round, timed } from './timed.js';

const run = promisify(execFile);
const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../bin/warckit-convert.js');
const PREFIX = 'http://www.example.com/';

async function h264Clip(path: string, seconds: number, size: string): Promise<void> {
  const { ffmpeg } = await mediaTools();
  await mkdir(dirname(path), { recursive: true });
  await run(ffmpeg, ['-v', 'error', '-y', '-nostdin', '-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=25`, '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100', '-t', String(seconds), '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', path]);
}

async function streamHashes(path: string): Promise<string> {
  const { ffmpeg } = await mediaTools();
  const { stdout } = await run(ffmpeg, ['-v', 'error', '-i', path, '-map', '0', '-c', 'copy', '-f', 'streamhash', '-hash', 'sha256', '-']);
  return stdout.trim().split('\n').sort().join('\n');
}

/** The default rules as warckit shipped them before: the same file without its probe-based file types. */
async function rulesBefore(): Promise<string> {
  const doc = load(await readFile(DEFAULT_RULES_PATH, 'utf8')) as { rules: unknown; file_types: Array<Record<string, unknown>> };
  return dump({ rules: doc.rules, file_types: doc.file_types.filter((ft) => ft.probe === undefined) }, { noRefs: true, lineWidth: -1 });
}

/** One rule of the default file by name, alone for `.flv`. */
async function oneRule(name: string): Promise<string> {
  const doc = load(await readFile(DEFAULT_RULES_PATH, 'utf8')) as { rules: Array<Record<string, unknown>> };
  const rule = doc.rules.find((r) => r.name === name)!;
  return dump({ file_types: [{ ext: '.flv', conversion_rules: [rule] }] }, { noRefs: true, lineWidth: -1 });
}

/** Sources whose MP4 has streams bit-identical to theirs. */
async function identicalMp4s(resultsFile: string, sources: ReadonlyMap<string, string>): Promise<number> {
  const results = await readConversionResults(resultsFile);
  let same = 0;
  for (const [url, list] of Object.entries(results.conversions)) {
    const mp4 = list.find((r) => r.url.endsWith('.mp4') && r.success);
    if (mp4 && (await streamHashes(mp4.output)) === sources.get(url)) same++;
  }
  return same;
}

export async function runCopyBench(): Promise<Array<Record<string, unknown>>> {
  const clips = Number(process.env.WARCKIT_BENCH_COPY_CLIPS ?? 8);
  const seconds = Number(process.env.WARCKIT_BENCH_COPY_SECONDS ?? 30);
  const size = process.env.WARCKIT_BENCH_COPY_SIZE ?? '640x360';
  const repeat = Math.max(1, Number(process.env.WARCKIT_BENCH_REPEAT ?? 2));
  const dir = await mkdtemp(join(tmpdir(), 'warckit-copy-bench-'));
  try {
    const site = join(dir, 'site');
    const sources = new Map<string, string>();
    for (let i = 0; i < clips; i++) {
      const name = `clip-${String(i + 1).padStart(2, '0')}.flv`;
      await h264Clip(join(site, name), seconds, size);
      sources.set(`${PREFIX}${name}`, await streamHashes(join(site, name)));
    }
    const rules: Record<string, string | undefined> = { copy: undefined, before: join(dir, 'before.yaml'), copyMp4: join(dir, 'copy-mp4.yaml'), encodeMp4: join(dir, 'encode-mp4.yaml') };
    await writeFile(rules.before!, await rulesBefore());
    await writeFile(rules.copyMp4!, await oneRule('mp4_copy'));
    await writeFile(rules.encodeMp4!, await oneRule('mp4'));
    // The bare commands, as a shell would run them: the MP4 rule alone, copy and re-encode.
    const loops: Record<string, string> = {};
    for (const key of ['copyMp4', 'encodeMp4']) {
      const plan = await convertMedia({ urlPrefix: PREFIX, inputs: [site], outputDir: join(dir, `shell-${key}`), rules: rules[key]!, dryRun: true });
      for (const c of plan.conversions) await mkdir(dirname(c.output), { recursive: true });
      loops[key] = join(dir, `${key}.sh`);
      await writeFile(loops[key]!, `${plan.conversions.map((c) => `${shellQuote(c.argv)} 2>/dev/null </dev/null`).join('\n')}\n`);
    }
    const argsFor = (key: string): string[] => [BIN, PREFIX, site, '--output-dir', join(dir, key), '-j', '2', '-q', ...(rules[key] ? ['--rules', rules[key]!] : [])];
    const best: Record<string, number> = {};
    for (let i = 0; i < repeat; i++) {
      for (const key of Object.keys(rules)) {
        await rm(join(dir, key), { recursive: true, force: true });
        const r = await timed(process.execPath, argsFor(key));
        if (r.code !== 0) throw new Error(`warckit-convert (${key}) exited ${String(r.code)}: ${r.stderr.slice(-2000)}`);
        best[key] = Math.min(best[key] ?? Infinity, r.wall_s);
      }
      for (const [key, script] of Object.entries(loops)) {
        const r = await timed('bash', [script]);
        if (r.code !== 0) throw new Error(`shell loop (${key}) exited ${String(r.code)}`);
        best[`shell-${key}`] = Math.min(best[`shell-${key}`] ?? Infinity, r.wall_s);
      }
    }
    const identical: Record<string, number> = {};
    for (const key of Object.keys(rules)) identical[key] = await identicalMp4s(join(dir, key, 'warcit-conversion-results.yaml'), sources);
    const base = { files: clips, clip_seconds: seconds, clip: `H.264/AAC in FLV, ${size}, 25 fps`, jobs: 2, repeat, load_average_1m: round(loadavg()[0] ?? 0, 2) };
    const command = (key: string): string => `warckit-convert ${PREFIX} <site> --output-dir <out> -j 2 -q${rules[key] ? ` --rules <${key}.yaml>` : ''}`;
    return [
      { case: 'copy: default rules (poster + streams copied into MP4)', ...base, wall_s: round(best.copy!), mp4_streams_identical_to_source: `${identical.copy}/${clips}`, command: command('copy') },
      { case: 'baseline: rules before the copy path (poster, webm, mp4, FFV1 re-encoded)', ...base, wall_s: round(best.before!), mp4_streams_identical_to_source: `${identical.before}/${clips}`, command: command('before') },
      { case: 'copy vs the rules before: speed-up', ...base, speedup: round(best.before! / best.copy!, 1) },
      { case: 'MP4 alone: -c copy', ...base, wall_s: round(best.copyMp4!), mp4_streams_identical_to_source: `${identical.copyMp4}/${clips}`, command: command('copyMp4') },
      { case: 'MP4 alone baseline: H.264/AAC re-encode (default mp4 rule)', ...base, wall_s: round(best.encodeMp4!), mp4_streams_identical_to_source: `${identical.encodeMp4}/${clips}`, command: command('encodeMp4') },
      { case: 'MP4 alone: speed-up of the copy', ...base, speedup: round(best.encodeMp4! / best.copyMp4!, 1) },
      { case: 'MP4 alone, bare ffmpeg commands in one shell loop: -c copy', ...base, jobs: 1, wall_s: round(best['shell-copyMp4']!) },
      { case: 'MP4 alone, bare ffmpeg commands in one shell loop: re-encode', ...base, jobs: 1, wall_s: round(best['shell-encodeMp4']!) },
      { case: 'MP4 alone, bare ffmpeg commands: speed-up of the copy', ...base, jobs: 1, speedup: round(best['shell-encodeMp4']! / best['shell-copyMp4']!, 1) },
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
