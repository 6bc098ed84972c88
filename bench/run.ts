/**
 * `npm run bench`: generates its inputs in a temp dir and prints one JSON line per case,
 * with wall time, throughput, peak RSS, and the ratio to a baseline measured in the same run.
 * WARC outputs are read back by warcio.js and every digest is checked.
 * Env: WARCKIT_BENCH_MB (default 512), WARCKIT_BENCH_FILES (default 20000), WARCKIT_BENCH_SKIP
 * (comma list of groups: big, small, convert, copy, scale, replay, queue), WARCKIT_BENCH_REPEAT (best of N, default 3);
 * the replay group's knobs are in replay-bench.ts.
 */
import { execFile, spawn } from 'node:child_process';
import { randomBytes, randomFillSync } from 'node:crypto';
import { mkdir, mkdtemp, open, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { readWarc } from '../test/helpers/warc-check.js';
import { runReplayBench } from './replay-bench.js';

const run = promisify(execFile);
const CASE = join(dirname(fileURLToPath(import.meta.url)), 'case.js');
const MB = Number(process.env.WARCKIT_BENCH_MB ?? 512);
const FILES = Number(process.env.WARCKIT_BENCH_FILES ?? 20000);
const SKIP = new Set((process.env.WARCKIT_BENCH_SKIP ?? '').split(',').filter(Boolean));
const REPEAT = Number(process.env.WARCKIT_BENCH_REPEAT ?? 3);

interface Measured {
  wall_s: number;
  peak_rss_mb: number;
}

/** Start each run from the same state: earlier outputs removed and flushed, so no run pays for another's writeback. */
async function settle(): Promise<void> {
  await run('sync');
}

async function measureOnce(args: string[], before?: () => Promise<void>): Promise<Measured> {
  await before?.();
  await settle();
  const { stdout } = await run(process.execPath, [CASE, ...args], { maxBuffer: 1 << 24 });
  return JSON.parse(stdout) as Measured;
}

/** Best of REPEAT runs (the machine's noise only ever adds time); peak RSS is the worst seen. */
async function measure(args: string[], before?: () => Promise<void>): Promise<Measured> {
  let best: Measured | undefined;
  let rss = 0;
  for (let i = 0; i < REPEAT; i++) {
    const m = await measureOnce(args, before);
    rss = Math.max(rss, m.peak_rss_mb);
    if (!best || m.wall_s < best.wall_s) best = m;
  }
  return { wall_s: best!.wall_s, peak_rss_mb: rss };
}

async function measureCommand(cmd: string, args: string[], outFile: string): Promise<number> {
  let best = Infinity;
  for (let i = 0; i < REPEAT; i++) {
    await rm(outFile, { force: true });
    await settle();
    const start = performance.now();
    const fh = await open(outFile, 'w');
    await new Promise<void>((resolve, reject) => {
      const child = spawn(cmd, args, { stdio: ['ignore', fh.fd, 'inherit'] });
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} exited ${code}`))));
    });
    await fh.close();
    best = Math.min(best, (performance.now() - start) / 1000);
  }
  return best;
}

function emit(line: Record<string, unknown>): void {
  const rounded = Object.fromEntries(Object.entries(line).map(([k, v]) => [k, typeof v === 'number' ? Math.round(v * 1000) / 1000 : v]));
  process.stdout.write(`${JSON.stringify(rounded)}\n`);
}

async function checkWarc(path: string): Promise<string> {
  const { records, problems } = await readWarc(path, false);
  return problems.length ? `FAILED: ${problems.length} digest problems` : `ok (${records.length} records, warcio.js)`;
}

async function bigFile(dir: string): Promise<void> {
  const input = join(dir, 'big');
  await mkdir(input);
  const file = join(input, 'random.bin');
  const fh = await open(file, 'w');
  const chunk = Buffer.allocUnsafe(16 * 1024 * 1024);
  for (let written = 0; written < MB * 1024 * 1024; written += chunk.length) {
    randomFillSync(chunk);
    await fh.write(chunk, 0, Math.min(chunk.length, MB * 1024 * 1024 - written));
  }
  await fh.close();
  const size = (await stat(file)).size;
  const mbs = size / 1048576;
  const readSha = await measure(['read-sha1', file]);
  emit({ case: 'baseline: read + SHA-1', size_mb: mbs, ...readSha, throughput_mb_s: mbs / readSha.wall_s });
  const z0 = join(dir, 'z0.gz');
  const readShaZ0 = await measure(['read-sha1-zlib0', file, z0], () => rm(z0, { force: true }));
  emit({ case: 'baseline: read + SHA-1 + zlib level 0', size_mb: mbs, ...readShaZ0, throughput_mb_s: mbs / readShaZ0.wall_s });
  const gzip6 = await measureCommand('gzip', ['-6', '-c', file], join(dir, 'g6.gz'));
  emit({ case: 'baseline: gzip -6', size_mb: mbs, wall_s: gzip6, throughput_mb_s: mbs / gzip6 });

  const variants: Array<[string, Record<string, unknown>, number, string, number]> = [
    ['warckit .warc', { gzip: false }, readSha.wall_s, 'read + SHA-1', 1.3],
    ['warckit .warc.gz (auto)', { gzip: true }, readShaZ0.wall_s, 'read + SHA-1 + zlib level 0', 1.5],
    ['warckit .warc.gz (level 6)', { gzip: true, gzipLevel: 6 }, gzip6, 'gzip -6', 1.15],
  ];
  for (const [name, extra, baseline, baselineName, target] of variants) {
    const out = join(dir, 'out');
    const path = `${out}${extra.gzip ? '.warc.gz' : '.warc'}`;
    const options = { urlPrefix: 'http://example.com/', inputs: [input], name: out, mode: 'overwrite', ...extra };
    const m = await measure(['warckit', JSON.stringify(options)], () => rm(path, { force: true }));
    const ratio = m.wall_s / baseline;
    emit({ case: name, size_mb: mbs, ...m, throughput_mb_s: mbs / m.wall_s, baseline: baselineName, baseline_wall_s: baseline, ratio, target_ratio: target, meets_target: ratio <= target && m.peak_rss_mb < 200, check: await checkWarc(path) });
    await rm(path, { force: true });
  }
  await rm(input, { recursive: true, force: true });
}

async function smallFiles(dir: string): Promise<void> {
  const input = join(dir, 'small');
  let bytes = 0;
  for (let i = 0; i < FILES; i++) {
    const sub = join(input, `d${Math.floor(i / 500)}`);
    if (i % 500 === 0) await mkdir(sub, { recursive: true });
    const kind = i % 3;
    const data =
      kind === 0
        ? Buffer.from(`<!doctype html><html><head><title>Page ${i}</title><link rel="stylesheet" href="s${i}.css"></head><body>${'<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit. </p>'.repeat(20 + (i % 50))}</body></html>\n`)
        : kind === 1
          ? Buffer.from(`body.p${i} { margin: ${i % 17}px; color: #${(i * 2654435761).toString(16).slice(-6)}; }\n`.repeat(10 + (i % 30)))
          : Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), randomBytes(1000 + (i % 4000))]);
    await writeFile(join(sub, `f${i}.${['html', 'css', 'png'][kind]}`), data);
    bytes += data.length;
  }
  const mbs = bytes / 1048576;
  const readAll = await measure(['read-all', input]);
  emit({ case: `baseline: read ${FILES} small files`, files: FILES, size_mb: mbs, ...readAll, files_per_s: FILES / readAll.wall_s });
  const serializerOut = join(dir, 'serializer.warc.gz');
  const serializer = await measure(['warcio-serializer', input, 'http://example.com/', serializerOut], () => rm(serializerOut, { force: true }));
  emit({ case: `baseline: warcio.js serializer, one record at a time (${FILES} files, gzip)`, files: FILES, size_mb: mbs, ...serializer, files_per_s: FILES / serializer.wall_s });
  const out = join(dir, 'small-out');
  const options = { urlPrefix: 'http://example.com/', inputs: [input], name: out, mode: 'overwrite' };
  const m = await measure(['warckit', JSON.stringify(options)], () => rm(`${out}.warc.gz`, { force: true }));
  emit({
    case: `warckit .warc.gz (auto), ${FILES} small files`,
    files: FILES,
    size_mb: mbs,
    ...m,
    files_per_s: FILES / m.wall_s,
    ratio_to_read_all: m.wall_s / readAll.wall_s,
    speedup_over_warcio_serializer: serializer.wall_s / m.wall_s,
    target: 'at least 3x faster than warcio.js serializer',
    meets_target: serializer.wall_s / m.wall_s >= 3 && m.peak_rss_mb < 200,
    check: await checkWarc(`${out}.warc.gz`),
  });
  await rm(input, { recursive: true, force: true });
}

async function conversions(): Promise<void> {
  let mod: { runConvertBench?: () => Promise<Array<Record<string, unknown>>> };
  try {
    const path = './convert-bench.js'; // written alongside, may be absent
    mod = (await import(path)) as typeof mod;
  } catch {
    emit({ case: 'conversions', skipped: 'bench/convert-bench not built' });
    return;
  }
  for (const line of (await mod.runConvertBench?.()) ?? []) emit(line);
}

async function scale(): Promise<void> {
  const { runScaleBench } = await import('./scale-bench.js');
  for (const line of await runScaleBench()) emit(line);
}

const dir = await mkdtemp(join(tmpdir(), 'warckit-bench-'));
try {
  const os = await import('node:os');
  emit({ case: 'machine', cores: os.cpus().length, node: process.version, repeat: REPEAT, load_average_1m: os.loadavg()[0] });
  if (!SKIP.has('big')) await bigFile(dir);
  if (!SKIP.has('small')) await smallFiles(dir);
  if (!SKIP.has('convert')) await conversions();
  if (!SKIP.has('copy')) for (const line of await (await import('./copy-bench.js')).runCopyBench()) emit(line);
  if (!SKIP.has('scale')) await scale();
  if (!SKIP.has('replay')) for (const line of await runReplayBench()) emit(line);
  if (!SKIP.has('queue')) for (const line of await (await import('./queue-bench.js')).runQueueBench()) emit(line);
} finally {
  await rm(dir, { recursive: true, force: true });
}
