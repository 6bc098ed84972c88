/**
 * Payloads are streamed: a 1 GB file goes into a WARC with the process's peak RSS under
 * 200 MB, gzip or not. Runs the CLI in a child process so its peak RSS is its own.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, open, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { readWarc } from '../helpers/warc-check.js';
import { tempDir } from '../helpers/tmp.js';

const GB = 1024 * 1024 * 1024;
const CLI = resolve('dist/src/cli/warckit.js');

async function peakRss(args: string[], cwd: string): Promise<number> {
  const script = `const { main } = await import(${JSON.stringify(CLI)});
    const code = await main(${JSON.stringify(args)});
    // VmHWM belongs to this process image (ru_maxrss would carry the parent's peak over exec).
    const hwm = Number(/VmHWM:\\s+(\\d+) kB/.exec((await import('node:fs')).readFileSync('/proc/self/status', 'utf8'))[1]);
    process.stdout.write(JSON.stringify({ code, maxRSS: hwm }));`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { cwd, maxBuffer: 1 << 20 });
  const { code, maxRSS } = JSON.parse(stdout) as { code: number; maxRSS: number };
  assert.equal(code, 0);
  return maxRSS * 1024;
}

for (const gzip of [false, true]) {
  test(`1 GB file → ${gzip ? '.warc.gz' : '.warc'} with peak RSS under 200 MB`, { timeout: 240_000 }, async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'in'));
    // Sparse, with some random-looking data at the ends so both gzip paths are exercised.
    const fh = await open(join(dir, 'in', 'big.bin'), 'w');
    await fh.truncate(GB);
    await fh.write(Buffer.from('start'.repeat(1000)), 0, 5000, 0);
    await fh.write(Buffer.from('end'.repeat(1000)), 0, 3000, GB - 3000);
    await fh.close();
    const rss = await peakRss(['http://x/', 'in', '-q', ...(gzip ? [] : ['--no-gzip'])], dir);
    const out = join(dir, gzip ? 'in.warc.gz' : 'in.warc');
    const { records, problems } = await readWarc(out, false);
    assert.deepEqual(problems, []);
    assert.equal(records.find((r) => r.type === 'resource')!.header('Content-Length'), String(GB));
    await rm(out);
    assert.ok(rss < 200 * 1024 * 1024, `peak RSS ${(rss / 1048576).toFixed(0)} MB`);
    process.stdout.write(`# ${gzip ? 'gzip' : 'plain'}: peak RSS ${(rss / 1048576).toFixed(0)} MB\n`);
  });
}
