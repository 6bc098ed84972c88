/**
 * Conversion throughput: a batch of generated clips through the default rules with
 * `warckit-convert --jobs 1` and `--jobs 2`, against the same ffmpeg commands run directly
 * from a shell loop (one loop, and two loops side by side), plus a re-run where all is done.
 * Runs are interleaved and repeated (best of WARCKIT_BENCH_REPEAT, default 2), since other
 * work on the machine shows up as noise of tens of percent in a single run.
 * Env: WARCKIT_BENCH_CLIPS (default 12), WARCKIT_BENCH_CLIP_SECONDS (default 10), WARCKIT_BENCH_REPEAT.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { convertMedia } from '../src/convert/convert.js';
import { shellQuote } from '../src/rules/template.js';
import { makeClip } from '../test/convert/clips.js';
import { round, timed } from './timed.js';

const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../bin/warckit-convert.js');
const PREFIX = 'http://www.example.com/';



export async function runConvertBench(): Promise<Array<Record<string, unknown>>> {
  const clips = Number(process.env.WARCKIT_BENCH_CLIPS ?? 12);
  const seconds = Number(process.env.WARCKIT_BENCH_CLIP_SECONDS ?? 10);
  const dir = await mkdtemp(join(tmpdir(), 'warckit-convert-bench-'));
  try {
    const site = join(dir, 'site');
    for (let i = 0; i < clips; i += 2) {
      await Promise.all(
        [i, i + 1].filter((n) => n < clips).map((n) => makeClip(join(site, `clip-${String(n + 1).padStart(2, '0')}.flv`), 'av', 'flv', seconds, '320x240')),
      );
    }
    // The exact commands warckit runs, as a shell would run them.
    const plan = await convertMedia({ urlPrefix: PREFIX, inputs: [site], outputDir: join(dir, 'shell'), dryRun: true });
    for (const c of plan.conversions) await mkdir(dirname(c.output), { recursive: true });
    const lines = plan.conversions.map((c) => `${shellQuote(c.argv)} 2>/dev/null </dev/null`);
    await writeFile(join(dir, 'loop.sh'), `for i in 1; do\n${lines.join('\n')}\ndone\n`);
    const bySource = [0, 1].map((k) => plan.conversions.filter((c) => Number(/clip-(\d+)/.exec(c.source)![1]) % 2 === k).map((c) => `${shellQuote(c.argv)} 2>/dev/null </dev/null`));
    await writeFile(join(dir, 'loop2.sh'), `(\n${bySource[0]!.join('\n')}\n) &\n(\n${bySource[1]!.join('\n')}\n) &\nwait\n`);

    const files = clips;
    const conversions = plan.conversions.length;
    const base = { files, conversions, clip_seconds: seconds, clip_size: '320x240', rules: 'default', repeat: Number(process.env.WARCKIT_BENCH_REPEAT ?? 2) };
    const repeat = Math.max(1, Number(process.env.WARCKIT_BENCH_REPEAT ?? 2));
    const best: Record<'shell1' | 'shell2' | 'j1' | 'j2', { wall_s: number }> = { shell1: { wall_s: Infinity }, shell2: { wall_s: Infinity }, j1: { wall_s: Infinity }, j2: { wall_s: Infinity } };
    const keep = (key: keyof typeof best, r: { wall_s: number; code: number | null; stderr: string }, what: string): void => {
      if (r.code !== 0) throw new Error(`${what} exited ${String(r.code)}: ${r.stderr}`);
      if (r.wall_s < best[key].wall_s) best[key] = r;
    };
    for (let i = 0; i < repeat; i++) {
      await rm(join(dir, 'j1'), { recursive: true, force: true });
      await rm(join(dir, 'j2'), { recursive: true, force: true });
      keep('shell1', await timed('bash', [join(dir, 'loop.sh')]), 'shell loop');
      keep('j1', await timed(process.execPath, [BIN, PREFIX, site, '--output-dir', join(dir, 'j1'), '-j', '1', '-q']), 'warckit-convert -j 1');
      keep('shell2', await timed('bash', [join(dir, 'loop2.sh')]), 'two shell loops');
      keep('j2', await timed(process.execPath, [BIN, PREFIX, site, '--output-dir', join(dir, 'j2'), '-j', '2', '-q']), 'warckit-convert -j 2');
    }
    const again = await timed(process.execPath, [BIN, PREFIX, site, '--output-dir', join(dir, 'j2'), '-j', '2', '-q']);
    if (again.code !== 0) throw new Error(`warckit-convert re-run exited ${String(again.code)}: ${again.stderr}`);
    const { shell1, shell2, j1, j2 } = best;
    const row = (name: string, r: { wall_s: number }, baseline: { wall_s: number } | undefined, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
      case: name,
      ...base,
      wall_s: round(r.wall_s),
      throughput_files_per_s: round(files / r.wall_s),
      ...(baseline ? { baseline_wall_s: round(baseline.wall_s), ratio_to_baseline: round(r.wall_s / baseline.wall_s), overhead_pct: round((r.wall_s / baseline.wall_s - 1) * 100, 1) } : {}),
      ...extra,
    });
    return [
      row('convert-shell-loop-1', shell1, undefined, { note: 'baseline: the same ffmpeg commands, one shell loop' }),
      row('convert-shell-loop-2', shell2, undefined, { note: 'baseline: the same commands split by file over two shell loops' }),
      row('convert-jobs-1', j1, shell1, { jobs: 1 }),
      row('convert-jobs-2', j2, shell2, { jobs: 2, speedup_vs_jobs_1: round(j1.wall_s / j2.wall_s) }),
      row('convert-rerun-all-done', again, undefined, { jobs: 2, note: 'every conversion skipped: sources and outputs re-hashed' }),
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
