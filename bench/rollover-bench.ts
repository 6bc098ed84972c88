/**
 * Rollover (issue 12): a 3 GB input set (sources with a conversion each, and small pages)
 * written with `maxSize` 1 GB and `cdxj`, against one WARC of the same inputs. Checks: each
 * part at most 1 GB plus one record, every part read back by warcio.js with every digest
 * recomputed, and each part's CDXJ equal to warcio.js's CDXIndexer output for it.
 * Env: WARCKIT_BENCH_ROLLOVER_MB (default 3072), WARCKIT_BENCH_ROLLOVER_MAX (bytes, default 1e9),
 * WARCKIT_BENCH_ROLLOVER_REPEAT (best of N, the two runs interleaved, default 2).
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { sortLines } from '../src/replay/cdxj.js';
import { indexWarcBytes } from '../src/warc/index-file.js';
import { readWarc } from '../test/helpers/warc-check.js';
import { randomFile } from './random-file.js';
import { round } from './timed.js';

const run = promisify(execFile);
const CASE = join(dirname(fileURLToPath(import.meta.url)), 'case.js');
const PREFIX = 'http://www.example.com/';
const MB = Number(process.env.WARCKIT_BENCH_ROLLOVER_MB ?? 3072);
const MAX = Number(process.env.WARCKIT_BENCH_ROLLOVER_MAX ?? 1e9);
const REPEAT = Number(process.env.WARCKIT_BENCH_ROLLOVER_REPEAT ?? 2);
const SOURCES = 24;
const PAGES = 2000;

/** Sources (three quarters of the bytes) each with one conversion (the rest), and small pages; the results file naming the conversions. */
async function inputSet(dir: string): Promise<{ site: string; results: string; bytes: number }> {
  const site = join(dir, 'site');
  const out = join(dir, 'conversions');
  await mkdir(join(site, 'pages'), { recursive: true });
  await mkdir(out);
  const total = MB * 1024 * 1024;
  const sourceBytes = Math.floor((total * 0.75) / SOURCES);
  const outputBytes = Math.floor((total * 0.25) / SOURCES);
  const lines = ['conversions:'];
  for (let i = 0; i < SOURCES; i++) {
    await randomFile(join(site, `clip${i}.flv`), sourceBytes);
    const output = join(out, `clip${i}.flv.webm`);
    await randomFile(output, outputBytes);
    lines.push(`  ${PREFIX}clip${i}.flv:`, `  - {url: ${PREFIX}clip${i}.flv.webm, output: ${output}, success: true, metadata: {name: webm, mime: video/webm}}`);
  }
  for (let i = 0; i < PAGES; i++) await writeFile(join(site, 'pages', `p${i}.html`), `<!doctype html><title>${i}</title>${'<p>Lorem ipsum dolor sit amet.</p>'.repeat(40 + (i % 40))}`);
  const results = join(out, 'warcit-conversion-results.yaml');
  await writeFile(results, `${lines.join('\n')}\n`);
  return { site, results, bytes: SOURCES * (sourceBytes + outputBytes) };
}

async function timedCase(options: Record<string, unknown>): Promise<{ wall_s: number; peak_rss_mb: number }> {
  await run('sync');
  const { stdout } = await run(process.execPath, [CASE, 'warckit', JSON.stringify({ ...options, mode: 'overwrite' })], { maxBuffer: 1 << 24 });
  return JSON.parse(stdout) as { wall_s: number; peak_rss_mb: number };
}

/** Best of REPEAT runs of each, interleaved so that both see the same machine load. */
async function bestOfBoth(a: Record<string, unknown>, b: Record<string, unknown>, between: () => Promise<void>): Promise<Array<{ wall_s: number; peak_rss_mb: number }>> {
  const best: Array<{ wall_s: number; peak_rss_mb: number } | undefined> = [undefined, undefined];
  for (let i = 0; i < REPEAT; i++) {
    for (const [j, options] of [a, b].entries()) {
      const m = await timedCase(options);
      if (!best[j] || m.wall_s < best[j]!.wall_s) best[j] = m;
      if (j === 0 || i < REPEAT - 1) await between();
    }
  }
  return best as Array<{ wall_s: number; peak_rss_mb: number }>;
}

/** One part: its size against the limit (one record over allowed), warcio.js's digest check, and its CDXJ against warcio.js's indexer. */
async function checkPart(path: string): Promise<Record<string, unknown>> {
  const size = (await stat(path)).size;
  const { records, problems } = await readWarc(path, false);
  const lengths = records.map((r, i) => (i + 1 < records.length ? records[i + 1]!.offset : size) - r.offset);
  const largest = Math.max(...lengths);
  const expected = sortLines(await indexWarcBytes(path, size));
  const index = (await readFile(`${path}.cdxj`, 'utf8')).trimEnd().split('\n');
  const cdxjOk = index.length === expected.length && index.every((line, i) => line === expected[i]);
  return {
    part: path.slice(path.lastIndexOf('/') + 1),
    size_mb: round(size / 1048576),
    records: records.length,
    within_limit: size <= MAX || size - largest <= MAX,
    digests: problems.length ? `FAILED: ${problems.length} problems` : 'ok (warcio.js)',
    cdxj: cdxjOk ? `ok (${index.length} lines, equal to warcio.js CDXIndexer)` : 'FAILED: differs from warcio.js CDXIndexer',
  };
}

export async function runRolloverBench(): Promise<Array<Record<string, unknown>>> {
  const dir = await mkdtemp(join(tmpdir(), 'warckit-rollover-bench-'));
  const lines: Array<Record<string, unknown>> = [];
  try {
    const { site, results, bytes } = await inputSet(dir);
    const mbs = bytes / 1048576;
    const base = { urlPrefix: PREFIX, inputs: [site], conversions: results };
    const clear = async (): Promise<void> => {
      for (const name of await readdir(dir)) if (name.includes('.warc')) await rm(join(dir, name), { force: true });
    };
    const [single, rolled] = await bestOfBoth({ ...base, name: join(dir, 'single') }, { ...base, name: join(dir, 'rolled'), maxSize: MAX, cdxj: true }, clear);
    lines.push({ case: `rollover baseline: one WARC of ${round(mbs, 0)} MB`, size_mb: mbs, ...single!, throughput_mb_s: mbs / single!.wall_s, load_average_1m: loadavg()[0] });
    const parts = (await readdir(dir)).filter((n) => /^rolled-\d{5}\.warc\.gz$/.test(n)).sort();
    const checked = [];
    const checkStart = performance.now();
    for (const part of parts) checked.push(await checkPart(join(dir, part)));
    const ok = checked.every((c) => c.within_limit === true && String(c.digests).startsWith('ok') && String(c.cdxj).startsWith('ok'));
    lines.push({
      case: `rollover: --max-size ${MAX} --cdxj over ${round(mbs, 0)} MB`,
      size_mb: mbs,
      ...rolled!,
      throughput_mb_s: mbs / rolled!.wall_s,
      parts: parts.length,
      baseline: 'one WARC of the same inputs',
      baseline_wall_s: single!.wall_s,
      ratio: rolled!.wall_s / single!.wall_s,
      check: ok ? 'ok: every part within the size + one record, digests and CDXJ as warcio.js' : 'FAILED (see parts)',
      check_s: (performance.now() - checkStart) / 1000,
      load_average_1m: loadavg()[0],
    });
    for (const c of checked) lines.push({ case: 'rollover part', ...c });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return lines;
}
