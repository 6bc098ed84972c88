/**
 * Scale of the converter and the YAML files (issue 9): 10,000 sources with a trivial `cp`
 * rule, converted, re-run with everything done, and stopped with Ctrl-C part-way through a
 * forced re-run; a 50,000-media transclusion manifest loaded; one media embedded in 40,000
 * pages written as multi-transclusion records. Baselines from the same run: the same `cp`
 * commands in a shell loop; JSON.parse of the same manifest as JSON; the same WARC without the
 * manifest.
 * Env: WARCKIT_BENCH_SCALE_FILES (default 10000), WARCKIT_BENCH_MANIFEST_MEDIA (default 50000).
 */
import { execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { convertMedia } from '../src/convert/convert.js';
import { shellQuote } from '../src/rules/template.js';
import { round, timed } from './timed.js';

const run = promisify(execFile);
const HERE = dirname(fileURLToPath(import.meta.url));
const BIN = resolve(HERE, '../../bin/warckit-convert.js');
const CASE = join(HERE, 'case.js');
const PREFIX = 'http://www.example.com/';
const RULES = "file_types:\n  - ext: '.flv'\n    conversion_rules:\n      - {name: copy, ext: txt, mime: text/plain, command: 'cp {input} {output}'}\n";


function ok(r: { code: number | null; stderr: string }, what: string, expected = 0): void {
  if (r.code !== expected) throw new Error(`${what} exited ${String(r.code)}: ${r.stderr.slice(-2000)}`);
}

/** SIGINT once `journal` has `lines` entries; seconds from the signal to the exit. */
async function ctrlC(args: string[], journal: string, lines: number): Promise<{ seconds: number; code: number | null; recorded: number }> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  let ended = false;
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => ((ended = true), done(code))));
  for (;;) {
    const text = await readFile(journal, 'utf8').catch(() => '');
    if (text.split('\n').length > lines) break;
    if (ended) throw new Error(`the run ended (exit ${String(await exited)}) before ${lines} sources were journaled: ${stderr.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const sent = performance.now();
  child.kill('SIGINT');
  const code = await exited;
  const seconds = (performance.now() - sent) / 1000;
  if (code !== 130) throw new Error(`Ctrl-C run exited ${String(code)}: ${stderr.slice(-2000)}`);
  return { seconds, code, recorded: lines };
}

async function convertScale(dir: string): Promise<Array<Record<string, unknown>>> {
  const files = Number(process.env.WARCKIT_BENCH_SCALE_FILES ?? 10000);
  const site = join(dir, 'site');
  for (let i = 0; i < files; i++) {
    const sub = join(site, `d${Math.floor(i / 1000)}`);
    if (i % 1000 === 0) await mkdir(sub, { recursive: true });
    await writeFile(join(sub, `clip-${i}.flv`), `not really a video ${i}\n`);
  }
  const rules = join(dir, 'cp.yaml');
  await writeFile(rules, RULES);
  // The exact commands warckit runs, as a shell loop would run them.
  const plan = await convertMedia({ urlPrefix: PREFIX, inputs: [site], rules, outputDir: join(dir, 'shell'), dryRun: true });
  for (const d of new Set(plan.conversions.map((c) => dirname(c.output)))) await mkdir(d, { recursive: true });
  await writeFile(join(dir, 'loop.sh'), `${plan.conversions.map((c) => shellQuote(c.argv)).join('\n')}\n`);
  const shell = await timed('bash', [join(dir, 'loop.sh')]);
  ok(shell, 'shell loop');
  const out = join(dir, 'out');
  const args = [PREFIX, site, '--rules', rules, '--output-dir', out, '-q'];
  const first = await timed(process.execPath, [BIN, ...args]);
  ok(first, 'warckit-convert');
  const again = await timed(process.execPath, [BIN, ...args]);
  ok(again, 'warckit-convert re-run');
  const stop = await ctrlC([...args, '--force'], join(out, 'warcit-conversion-results.yaml.journal'), 900);
  const base = { files, rule: 'cp {input} {output}' };
  return [
    { case: `baseline: ${files} cp commands in a shell loop`, ...base, wall_s: round(shell.wall_s) },
    { case: `warckit-convert, ${files} sources, cp rule`, ...base, wall_s: round(first.wall_s), baseline_wall_s: round(shell.wall_s), ratio_to_baseline: round(first.wall_s / shell.wall_s), target: 'under 60 s', meets_target: first.wall_s < 60 },
    { case: `warckit-convert re-run, ${files} sources all done`, ...base, wall_s: round(again.wall_s), ratio_to_baseline: round(again.wall_s / shell.wall_s), target: 'under 10 s', meets_target: again.wall_s < 10 },
    { case: `Ctrl-C of a --force re-run after 900 sources (results file of ${files})`, ...base, exit_s: round(stop.seconds), target: 'under 1 s', meets_target: stop.seconds < 1 },
  ];
}

async function manifestScale(dir: string): Promise<Array<Record<string, unknown>>> {
  const media = Number(process.env.WARCKIT_BENCH_MANIFEST_MEDIA ?? 50000);
  const doc: Record<string, Array<Record<string, string>>> = {};
  let yaml = 'transclusions:\n';
  for (let i = 0; i < media; i++) {
    const page = { url: `http://www.example.com/pages/page-${i}.html`, timestamp: '20090415120000', selector: 'object, embed' };
    doc[`http://www.example.com/media/clip-${i}.flv`] = [page];
    yaml += `  http://www.example.com/media/clip-${i}.flv:\n    - url: ${page.url}\n      timestamp: ${page.timestamp}\n      selector: '${page.selector}'\n`;
  }
  await writeFile(join(dir, 'manifest.yaml'), yaml);
  await writeFile(join(dir, 'manifest.json'), JSON.stringify({ transclusions: doc }));
  const measure = async (args: string[]): Promise<{ wall_s: number; peak_rss_mb: number }> => {
    let best = { wall_s: Infinity, peak_rss_mb: 0 };
    for (let i = 0; i < 3; i++) {
      const { stdout } = await run(process.execPath, [CASE, ...args], { maxBuffer: 1 << 24 });
      const m = JSON.parse(stdout) as { wall_s: number; peak_rss_mb: number };
      if (m.wall_s < best.wall_s) best = m;
    }
    return best;
  };
  const json = await measure(['read-json', join(dir, 'manifest.json')]);
  const loaded = await measure(['manifest', join(dir, 'manifest.yaml')]);
  return [
    { case: `baseline: JSON.parse of the same ${media}-media manifest`, media, ...json },
    { case: `loadTransclusionManifest, ${media} media`, media, ...loaded, baseline_wall_s: round(json.wall_s), ratio_to_baseline: round(loaded.wall_s / json.wall_s), target: 'under 3 s', meets_target: loaded.wall_s < 3 },
  ];
}

/** One media in 40,000 pages, `--transclusion-format transclusions`: 40,000 records to plan and write. */
async function pagesScale(dir: string): Promise<Array<Record<string, unknown>>> {
  const pages = Number(process.env.WARCKIT_BENCH_PAGES ?? 40000);
  await mkdir(join(dir, 'one', 'media'), { recursive: true });
  await writeFile(join(dir, 'one', 'media', 'clip.flv'), 'FLV clip');
  let yaml = `transclusions:\n  ${PREFIX}media/clip.flv:\n`;
  for (let i = 0; i < pages; i++) yaml += `    - {url: '${PREFIX}pages/page-${i}.html', timestamp: '20090415120000'}\n`;
  await writeFile(join(dir, 'pages.yaml'), yaml);
  const write = async (extra: Record<string, unknown>): Promise<{ wall_s: number; peak_rss_mb: number }> => {
    let best = { wall_s: Infinity, peak_rss_mb: 0 };
    for (let i = 0; i < 3; i++) {
      const options = { urlPrefix: PREFIX, inputs: [join(dir, 'one')], name: join(dir, 'pages-out'), mode: 'overwrite', ...extra };
      const { stdout } = await run(process.execPath, [CASE, 'warckit', JSON.stringify(options)], { maxBuffer: 1 << 24 });
      const m = JSON.parse(stdout) as { wall_s: number; peak_rss_mb: number };
      if (m.wall_s < best.wall_s) best = m;
    }
    return best;
  };
  const plain = await write({});
  const withPages = await write({ transclusions: join(dir, 'pages.yaml'), transclusionFormat: 'transclusions' });
  return [
    { case: 'baseline: the same WARC without the manifest', ...plain },
    { case: `writeWarc, one media in ${pages} pages (--transclusion-format transclusions)`, pages, ...withPages, baseline_wall_s: round(plain.wall_s), target: 'under 5 s', meets_target: withPages.wall_s < 5 },
  ];
}

export async function runScaleBench(): Promise<Array<Record<string, unknown>>> {
  const dir = await mkdtemp(join(tmpdir(), 'warckit-scale-bench-'));
  try {
    // The machine is shared: the load average says how much of the time was other people's.
    const withLoad = (rows: Array<Record<string, unknown>>) => rows.map((r) => ({ ...r, load_average_1m: loadavg()[0] }));
    return [...withLoad(await manifestScale(dir)), ...withLoad(await pagesScale(dir)), ...withLoad(await convertScale(dir))];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
