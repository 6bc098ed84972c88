/**
 * Replay lookups at collection scale: a WARC with WARCKIT_BENCH_LOOKUP_RECORDS metadata records
 * (default 100,000: pages embedding WARCKIT_BENCH_LOOKUP_MEDIA media files, youtube-dl records)
 * among WARCKIT_BENCH_LOOKUP_MB of media (default 2048), written by writeWarc. Measured: a
 * lookup that scans the WARCs (what every lookup cost before indexes, and still the cost for
 * WARCs given directly), building the CDXJ index (time, size), and lookups through the index,
 * in-process (per lookup) and as a `warckit-replay lookup` command (Node start-up included).
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { writeTransclusionIndex } from '../src/replay/index-write.js';
import { TransclusionLookup } from '../src/replay/transclusion-lookup.js';
import { writeWarc } from '../src/warc/build.js';
import { randomFile } from './random-file.js';

const run = promisify(execFile);
const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../bin/warckit-replay.js');
const RECORDS = Number(process.env.WARCKIT_BENCH_LOOKUP_RECORDS ?? 100_000);
const MEDIA = Number(process.env.WARCKIT_BENCH_LOOKUP_MEDIA ?? 20);
const MEDIA_MB = Number(process.env.WARCKIT_BENCH_LOOKUP_MB ?? 2048);
const LOOKUPS = 1000;
const P = 'http://www.example.com/';

/** The collection: MEDIA files of media, each embedded in RECORDS/MEDIA pages, one youtube-dl record per page. */
async function makeCollection(dir: string): Promise<{ warc: string; write_s: number }> {
  const site = join(dir, 'site');
  await mkdir(join(site, 'media'), { recursive: true });
  const perMedia = Math.ceil(RECORDS / MEDIA);
  const lines = ['transclusions:'];
  for (let m = 0; m < MEDIA; m++) {
    await randomFile(join(site, 'media', `clip${m}.flv`), Math.floor((MEDIA_MB * 1024 * 1024) / MEDIA));
    lines.push(`  ${P}media/clip${m}.flv:`);
    for (let p = 0; p < perMedia && m * perMedia + p < RECORDS; p++) lines.push(`    - {url: '${P}page${m * perMedia + p}.html', timestamp: '2009${String((p % 12) + 1).padStart(2, '0')}15120000'}`);
  }
  await writeFile(join(dir, 'transclusions.yaml'), `${lines.join('\n')}\n`);
  const started = performance.now();
  const result = await writeWarc({ urlPrefix: P, inputs: [site], name: join(dir, 'collection'), transclusions: join(dir, 'transclusions.yaml'), date: new Date('2009-01-01T00:00:00Z') });
  const write_s = (performance.now() - started) / 1000;
  await rm(site, { recursive: true, force: true });
  return { warc: result.path, write_s };
}

function pageAt(i: number): string {
  return `${P}page${(i * 7919) % RECORDS}.html`;
}

export async function runReplayBench(): Promise<Array<Record<string, unknown>>> {
  const out: Array<Record<string, unknown>> = [];
  const dir = await mkdtemp(join(tmpdir(), 'warckit-bench-replay-'));
  try {
    const { warc, write_s } = await makeCollection(dir);
    const warcMb = (await stat(warc)).size / 1048576;
    out.push({ case: `replay collection: ${RECORDS} metadata records among ${MEDIA_MB} MB of media (writeWarc)`, warc_mb: warcMb, wall_s: write_s });

    // Before indexes: every lookup scanned every record of every WARC.
    let started = performance.now();
    const scanning = await TransclusionLookup.open([warc]);
    const scanned = await scanning.lookup(pageAt(1), '2009');
    await scanning.close();
    const scan_s = (performance.now() - started) / 1000;
    out.push({ case: 'lookup by scanning the WARC (no index)', wall_s: scan_s, found: Boolean(scanned) });

    const index = join(dir, 'collection.cdxj');
    started = performance.now();
    const built = await writeTransclusionIndex([warc], index);
    const index_s = (performance.now() - started) / 1000;
    out.push({ case: 'warckit-replay index', wall_s: index_s, records: built.records, index_mb: (await stat(index)).size / 1048576, problems: built.problems.length });

    const lookup = await TransclusionLookup.open([index]);
    const times: number[] = [];
    let found = 0;
    for (let i = 0; i < LOOKUPS; i++) {
      const t = performance.now();
      if (await lookup.lookup(pageAt(i), `2009${String((i % 12) + 1).padStart(2, '0')}01`)) found++;
      times.push(performance.now() - t);
    }
    await lookup.close();
    times.sort((a, b) => a - b);
    const mean = times.reduce((a, b) => a + b, 0) / times.length;
    out.push({
      case: `lookup through the index, in-process (${LOOKUPS} pages)`,
      mean_ms: mean,
      p95_ms: times[Math.floor(times.length * 0.95)]!,
      max_ms: times.at(-1)!,
      found,
      speedup_over_scanning: (scan_s * 1000) / mean,
      target: 'under 50 ms per lookup',
      meets_target: times[Math.floor(times.length * 0.95)]! < 50 && found === LOOKUPS,
    });

    const cli: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      await run(process.execPath, [BIN, 'lookup', index, '--url', pageAt(i), '--timestamp', '2009']);
      cli.push((performance.now() - t) / 1000);
    }
    const node = performance.now();
    await run(process.execPath, ['-e', '0']);
    out.push({ case: 'warckit-replay lookup <index> (a whole command)', best_wall_s: Math.min(...cli), node_startup_s: (performance.now() - node) / 1000 });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return out;
}
