/**
 * `npm run bench`: generates its inputs in a temp dir and prints one JSON line per case,
 * with wall time, CPU time, throughput, peak RSS, and the ratio to baselines measured in the
 * same run. The WARC cases time whole processes as a user runs them: `node bin/warckit.js …`,
 * Node's start-up and imports included, against whole-process baselines (a Node read + SHA-1,
 * `gzip -6`, `pigz -p2 -6`, Python warcit when installed, warcio.js's serializer). Cases are
 * interleaved and the best of WARCKIT_BENCH_REPEAT kept. WARC outputs are read back by warcio.js
 * and every digest is checked.
 * Env: WARCKIT_BENCH_MB (default 512), WARCKIT_BENCH_FILES (default 20000),
 * WARCKIT_BENCH_FILES_MAX (default 100000: the memory case; 0 skips it), WARCKIT_BENCH_WARCIT
 * (default /tmp/pybase/bin/warcit), WARCKIT_BENCH_SKIP (comma list of groups: big, small,
 * convert, copy, scale, replay, rollover, queue), WARCKIT_BENCH_REPEAT (best of N, default 3);
 * the replay, rollover and queue groups' knobs are in their own files.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { readWarc } from '../test/helpers/warc-check.js';
import { runReplayBench } from './replay-bench.js';
import { writeSmallCorpus } from './small-corpus.js';
import { randomFile } from './random-file.js';
import { bestOf, type ProcessRun, timeProcess } from './timed.js';

const run = promisify(execFile);
const HERE = dirname(fileURLToPath(import.meta.url));
const CASE = join(HERE, 'case.js');
const CLI = resolve(HERE, '../../bin/warckit.js');
const MB = Number(process.env.WARCKIT_BENCH_MB ?? 512);
const FILES = Number(process.env.WARCKIT_BENCH_FILES ?? 20000);
const FILES_MAX = Number(process.env.WARCKIT_BENCH_FILES_MAX ?? 100000);
const WARCIT = process.env.WARCKIT_BENCH_WARCIT ?? '/tmp/pybase/bin/warcit';
const SKIP = new Set((process.env.WARCKIT_BENCH_SKIP ?? '').split(',').filter(Boolean));
const REPEAT = Number(process.env.WARCKIT_BENCH_REPEAT ?? 3);
const PREFIX = 'http://example.com/';
/** Peak RSS any WARC case may reach. */
const RSS_LIMIT_MB = 200;

function emit(line: Record<string, unknown>): void {
  const rounded = Object.fromEntries(Object.entries(line).map(([k, v]) => [k, typeof v === 'number' ? Math.round(v * 1000) / 1000 : v]));
  process.stdout.write(`${JSON.stringify(rounded)}\n`);
}

/** A bench case in its own Node process (case.ts), timed whole. */
function nodeCase(args: string[], before?: () => Promise<unknown>): () => Promise<ProcessRun> {
  return () => timeProcess(process.execPath, [CASE, ...args], before ? { before } : {});
}

/** The warckit CLI as a user runs it. */
function warckit(args: string[], out: string): () => Promise<ProcessRun> {
  return () => timeProcess(process.execPath, [CLI, PREFIX, ...args, '-n', out, '-q'], { before: () => rm(`${out}.warc.gz`, { force: true }).then(() => rm(`${out}.warc`, { force: true })) });
}

async function checkWarc(path: string): Promise<string> {
  const { records, problems } = await readWarc(path, false);
  return problems.length ? `FAILED: ${problems.length} digest problems` : `ok (${records.length} records, warcio.js)`;
}

/** Whether `command` can be run (a baseline such as pigz may not be installed). */
async function installed(command: string): Promise<boolean> {
  try {
    await run(command, ['--version']);
    return true;
  } catch {
    return false;
  }
}

type OptionalTool = 'gzip6' | 'pigz';
type BigCase = 'readSha' | 'readShaWrite' | 'readShaZ0' | OptionalTool | 'plain' | 'auto' | 'level6';

async function bigFile(dir: string): Promise<void> {
  const tools = { gzip: await installed('gzip'), pigz: await installed('pigz') };
  const input = join(dir, 'big');
  await mkdir(input);
  const file = join(input, 'random.bin');
  await randomFile(file, MB * 1024 * 1024);
  const size = (await stat(file)).size;
  const mbs = size / 1048576;
  const out = join(dir, 'out');
  const z0 = join(dir, 'z0.gz');
  // gzip and pigz are left out when not installed: their rows say so.
  const m = (await bestOf(REPEAT, {
    readSha: nodeCase(['read-sha1', file]),
    readShaWrite: nodeCase(['read-sha1-write', file, z0], () => rm(z0, { force: true })),
    readShaZ0: nodeCase(['read-sha1-zlib0', file, z0], () => rm(z0, { force: true })),
    ...(tools.gzip ? { gzip6: () => timeProcess('gzip', ['-6', '-c', file], { stdoutFile: join(dir, 'g6.gz') }) } : {}),
    ...(tools.pigz ? { pigz: () => timeProcess('pigz', ['-p', '2', '-6', '-c', file], { stdoutFile: join(dir, 'p6.gz') }) } : {}),
    plain: warckit([input, '--no-gzip'], out),
    auto: warckit([input], out),
    level6: warckit([input, '--gzip-level', '6'], out),
  } as Record<BigCase, () => Promise<ProcessRun>>)) as Record<Exclude<BigCase, OptionalTool>, ProcessRun> & Partial<Record<OptionalTool, ProcessRun>>;
  const row = (name: string, r: ProcessRun, extra: Record<string, unknown> = {}): void => emit({ case: name, size_mb: mbs, ...r, throughput_mb_s: mbs / r.wall_s, ...extra });
  row('baseline: node read + SHA-1 (whole process)', m.readSha);
  row('baseline: node read + SHA-1 + write a copy (whole process)', m.readShaWrite);
  row('baseline: node read + SHA-1 + zlib level 0 (whole process)', m.readShaZ0);
  for (const [key, name] of [['gzip6', 'gzip -6'], ['pigz', 'pigz -p2 -6']] as const) {
    const r = m[key];
    if (r) row(`baseline: ${name}`, r);
    else emit({ case: `baseline: ${name}`, skipped: `${name.split(' ')[0]!} is not installed (Debian: apt-get install ${name.split(' ')[0]!})` });
  }
  const variants: Array<[string, ProcessRun, ProcessRun | undefined, string, number, string]> = [
    ['warckit .warc', m.plain, m.readSha, 'node read + SHA-1', 1.3, `${out}.warc`],
    ['warckit .warc.gz (auto)', m.auto, m.readShaZ0, 'node read + SHA-1 + zlib level 0', 1.5, `${out}.warc.gz`],
    ['warckit .warc.gz (level 6)', m.level6, m.gzip6, 'gzip -6', 1.15, `${out}.warc.gz`],
  ];
  for (const [name, r, baseline, baselineName, target, path] of variants) {
    const ratio = baseline ? r.wall_s / baseline.wall_s : undefined;
    const check = name.includes('level 6') ? await checkWarc(path) : 'checked below';
    row(name, r, {
      baseline: baselineName,
      ...(baseline ? { baseline_wall_s: baseline.wall_s, ratio } : {}),
      target_ratio: target,
      ...(name.includes('level 6') && m.pigz ? { ratio_to_pigz_p2: r.wall_s / m.pigz.wall_s } : {}),
      ...(name === 'warckit .warc' ? { ratio_to_read_sha1_write: r.wall_s / m.readShaWrite.wall_s } : {}),
      meets_target: ratio !== undefined ? ratio <= target && (r.peak_rss_mb ?? 0) < RSS_LIMIT_MB : `not measured: ${baselineName.split(' ')[0]!} is not installed`,
      check,
    });
  }
  // The last run of each kind is on disk: check the plain one too.
  await rm(`${out}.warc.gz`, { force: true });
  await timeProcess(process.execPath, [CLI, PREFIX, input, '--no-gzip', '-n', out, '-q']);
  emit({ case: 'warckit .warc: read back', check: await checkWarc(`${out}.warc`) });
  await rm(`${out}.warc`, { force: true });
  await rm(input, { recursive: true, force: true });
}

/** Python warcit as a baseline, or why not. */
async function warcitBaseline(): Promise<{ run?: (input: string, dir: string) => () => Promise<ProcessRun>; skipped?: string }> {
  if (!existsSync(WARCIT)) return { skipped: `${WARCIT} not found (set up with shared/tools/warcit-baseline/setup.sh, or set WARCKIT_BENCH_WARCIT)` };
  try {
    await run(WARCIT, ['--version']);
  } catch (error) {
    return { skipped: `${WARCIT} --version failed: ${(error as Error).message.split('\n')[0]}` };
  }
  return {
    run: (input, dir) => () => timeProcess(WARCIT, [PREFIX, input, '-n', 'warcit-out', '-q', '-o'], { cwd: dir, before: () => rm(join(dir, 'warcit-out.warc.gz'), { force: true }) }),
  };
}

async function smallFiles(dir: string): Promise<void> {
  const input = join(dir, 'small');
  const bytes = await writeSmallCorpus(input, FILES);
  const mbs = bytes / 1048576;
  const serializerOut = join(dir, 'serializer.warc.gz');
  const out = join(dir, 'small-out');
  const warcit = await warcitBaseline();
  const m = await bestOf(REPEAT, {
    readAll: nodeCase(['read-all', input]),
    serializer: nodeCase(['warcio-serializer', input, PREFIX, serializerOut], () => rm(serializerOut, { force: true })),
    ...(warcit.run ? { warcit: warcit.run(input, dir) } : {}),
    warckit: warckit([input], out),
  } as Record<'readAll' | 'serializer' | 'warcit' | 'warckit', () => Promise<ProcessRun>>);
  const shape = { files: FILES, size_mb: mbs, file_sizes: '1-20 KB: HTML, CSS, JS, PNG, JPEG' };
  emit({ case: `baseline: node reading ${FILES} small files (whole process)`, ...shape, ...m.readAll, files_per_s: FILES / m.readAll.wall_s });
  emit({ case: `baseline: warcio.js serializer, one record at a time (${FILES} files, gzip)`, ...shape, ...m.serializer, files_per_s: FILES / m.serializer.wall_s });
  if (m.warcit) emit({ case: `baseline: Python warcit 0.4 (${FILES} files, .warc.gz)`, ...shape, ...m.warcit, files_per_s: FILES / m.warcit.wall_s });
  else emit({ case: 'baseline: Python warcit', skipped: warcit.skipped });
  const r = m.warckit;
  const speedup = m.warcit ? m.warcit.wall_s / r.wall_s : undefined;
  emit({
    case: `warckit .warc.gz (auto), ${FILES} small files`,
    ...shape,
    ...r,
    files_per_s: FILES / r.wall_s,
    ratio_to_read_all: r.wall_s / m.readAll.wall_s,
    speedup_over_warcio_serializer: m.serializer.wall_s / r.wall_s,
    ...(speedup !== undefined ? { speedup_over_warcit: speedup, warcit_peak_rss_mb: m.warcit!.peak_rss_mb } : {}),
    target: 'at least 3x faster than Python warcit',
    meets_target: speedup !== undefined ? speedup >= 3 && (r.peak_rss_mb ?? 0) < RSS_LIMIT_MB : `not measured: ${warcit.skipped}`,
    check: await checkWarc(`${out}.warc.gz`),
  });
  if (FILES_MAX > FILES) await manyFiles(dir, input, bytes, r);
  await rm(input, { recursive: true, force: true });
}

/** Memory flat in the number of files: the small-files corpus grown to FILES_MAX files. */
async function manyFiles(dir: string, input: string, bytesBefore: number, atFiles: ProcessRun): Promise<void> {
  const mbs = (bytesBefore + (await writeSmallCorpus(input, FILES_MAX, FILES))) / 1048576;
  const out = join(dir, 'many-out');
  const { warckit: r } = await bestOf(REPEAT, { warckit: warckit([input], out) });
  const growth = (r.peak_rss_mb ?? 0) / (atFiles.peak_rss_mb ?? 1);
  emit({
    case: `warckit .warc.gz (auto), ${FILES_MAX} small files`,
    files: FILES_MAX,
    size_mb: mbs,
    ...r,
    files_per_s: FILES_MAX / r.wall_s,
    compared_with_files: FILES,
    time_per_file_ratio: r.wall_s / FILES_MAX / (atFiles.wall_s / FILES),
    peak_rss_mb_with_fewer_files: atFiles.peak_rss_mb,
    peak_rss_growth: growth,
    target: `peak RSS within 10 % of the ${FILES}-file run's`,
    meets_target: atFiles.peak_rss_mb !== undefined ? growth <= 1.1 : 'not measured: GNU time (/usr/bin/time) is not installed',
    check: await checkWarc(`${out}.warc.gz`),
  });
  await rm(`${out}.warc.gz`, { force: true });
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
  emit({ case: 'machine', cores: os.cpus().length, node: process.version, repeat: REPEAT, load_average_1m: loadavg()[0], gnu_time: existsSync('/usr/bin/time') });
  if (!SKIP.has('big')) await bigFile(dir);
  if (!SKIP.has('small')) await smallFiles(dir);
  if (!SKIP.has('convert')) await conversions();
  if (!SKIP.has('copy')) for (const line of await (await import('./copy-bench.js')).runCopyBench()) emit(line);
  if (!SKIP.has('scale')) await scale();
  if (!SKIP.has('replay')) for (const line of await runReplayBench()) emit(line);
  if (!SKIP.has('rollover')) for (const line of await (await import('./rollover-bench.js')).runRolloverBench()) emit(line);
  if (!SKIP.has('queue')) for (const line of await (await import('./queue-bench.js')).runQueueBench()) emit(line);
  emit({ case: 'machine, at the end', load_average_1m: loadavg()[0] });
} finally {
  await rm(dir, { recursive: true, force: true });
}
