/**
 * One benchmark case, run in its own process so its peak RSS is its own. Prints one JSON
 * object: wall time of the work alone (Node start-up excluded) and peak RSS (VmHWM). run.ts
 * times these processes whole, start-up included, as it times the CLI.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, readFileSync } from 'node:fs';
import { open, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { loadTransclusionManifest } from '../src/transclusions/manifest.js';
import { writeWarc } from '../src/warc/build.js';

function peakRssMb(): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return match ? Number(match[1]) / 1024 : process.resourceUsage().maxRSS / 1024;
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const item of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (item.isFile()) out.push(join(item.parentPath ?? (item as unknown as { path: string }).path, item.name));
  }
  return out.sort();
}

const cases: Record<string, (args: string[]) => Promise<unknown>> = {
  /** Baseline: read the file once and SHA-1 it. */
  async 'read-sha1'([file]) {
    const hash = createHash('sha1');
    for await (const chunk of createReadStream(file!, { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
    return hash.digest('hex');
  },
  /** Baseline: read, SHA-1, and write the bytes to a file (what a `.warc` must do at least). */
  async 'read-sha1-write'([file, out]) {
    const hash = createHash('sha1');
    const source = createReadStream(file!, { highWaterMark: 1024 * 1024 });
    source.on('data', (chunk) => hash.update(chunk as Buffer));
    await pipeline(source, createWriteStream(out!));
    return hash.digest('hex');
  },
  /** Baseline: read, SHA-1, and zlib level 0 (stored, still gzip) to a file. */
  async 'read-sha1-zlib0'([file, out]) {
    const hash = createHash('sha1');
    const source = createReadStream(file!, { highWaterMark: 1024 * 1024 });
    source.on('data', (chunk) => hash.update(chunk as Buffer));
    await pipeline(source, createGzip({ level: 0 }), createWriteStream(out!));
    return hash.digest('hex');
  },
  /** Baseline: read every small file. */
  async 'read-all'([dir]) {
    let bytes = 0;
    for (const file of await listFiles(dir!)) bytes += (await readFile(file)).length;
    return bytes;
  },
  /** Second baseline: warcio.js's serializer, one record at a time. */
  async 'warcio-serializer'([dir, prefix, out]) {
    const { WARCRecord, WARCSerializer } = await import('warcio');
    const fh = await open(out!, 'w');
    for (const file of await listFiles(dir!)) {
      const data = await readFile(file);
      const record = WARCRecord.create({ url: prefix! + file.slice(dir!.length + 1), date: new Date().toISOString(), type: 'resource', warcHeaders: { 'Content-Type': 'application/octet-stream' } }, [data]);
      await fh.write(await WARCSerializer.serialize(record, { gzip: true }));
    }
    await fh.close();
    return null;
  },
  /** Baseline: read a file and JSON.parse it. */
  async 'read-json'([file]) {
    return Object.keys(JSON.parse(await readFile(file!, 'utf8')) as object).length;
  },
  /** warckit: load a transclusion manifest. */
  async manifest([file]) {
    return (await loadTransclusionManifest(file!)).transclusions.size;
  },
  /** warckit: writeWarc with the given options (JSON). */
  async warckit([json]) {
    const result = await writeWarc(JSON.parse(json!));
    return { records: result.records, bytes: result.bytes };
  },
};

const [name, ...args] = process.argv.slice(2);
const run = cases[name!];
if (!run) throw new Error(`unknown case ${name}`);
const start = performance.now();
const value = await run(args);
const wall = (performance.now() - start) / 1000;
process.stdout.write(JSON.stringify({ wall_s: wall, peak_rss_mb: peakRssMb(), value }));
