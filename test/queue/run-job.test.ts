/** A worker's job without Redis: its paths checked on this machine, a dead try's partials removed, the local run's conversion code. */
import assert from 'node:assert/strict';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import pLimit from 'p-limit';
import { ruleDigest } from '../../src/convert/plan.js';
import { JOB_VERSION, type SourceJobData } from '../../src/queue/job.js';
import { rulesIdentity } from '../../src/queue/rules-file.js';
import { removeJobPartials } from '../../src/queue/partials.js';
import { JobSetupError, runSourceJob } from '../../src/queue/run-job.js';
import { loadRules } from '../../src/rules/load.js';
import { silentLogger } from '../../src/util/logger.js';
import { tempDir } from '../helpers/tmp.js';

const P = 'http://www.example.com/';
const RULES = `
rules:
  - &copy {name: copy, ext: txt, args: [cp, '{input}', '{output}']}
file_types:
  - {ext: .dat, conversion_rules: [*copy]}
`;

async function fixture(): Promise<{ dir: string; job: SourceJobData }> {
  const dir = await tempDir();
  await mkdir(join(dir, 'site'));
  await mkdir(join(dir, 'out'));
  await writeFile(join(dir, 'site', 'a.dat'), 'hello');
  await writeFile(join(dir, 'rules.yaml'), RULES);
  const ruleSet = await loadRules(join(dir, 'rules.yaml'));
  const rule = ruleSet.fileTypes[0]!.conversionRules[0]!;
  const job: SourceJobData = {
    v: JOB_VERSION,
    run: 'r1',
    rules: await rulesIdentity(ruleSet),
    outputDir: join(dir, 'out'),
    force: false,
    source: { url: `${P}a.dat`, path: join(dir, 'site', 'a.dat'), relativePath: 'a.dat', rootDir: dir, size: 5, mtime: new Date().toISOString(), filePath: join(dir, 'site', 'a.dat') },
    items: [{ rule: 'copy', ruleDigest: ruleDigest(rule), url: `${P}a.dat.txt`, output: join(dir, 'out', 'site', 'a.dat.txt'), sourcePath: join(dir, 'site', 'a.dat'), conditional: false }],
    previous: [],
  };
  return { dir, job };
}

const ctx = () => ({ limit: pLimit(1), logger: silentLogger, signal: new AbortController().signal, progress: () => undefined });

test('a job runs its source\'s conversions and sends back each outcome with its result', async () => {
  const { job } = await fixture();
  const result = await runSourceJob(job, ctx());
  assert.equal(result.outcomes.length, 1);
  assert.equal(result.outcomes[0]!.status, 'converted');
  assert.equal(result.outcomes[0]!.result?.success, true);
  assert.equal(result.outcomes[0]!.result?.source_sha256, '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824');
  // The job's earlier results make it a skip, as in a local re-run.
  const again = await runSourceJob({ ...job, previous: [result.outcomes[0]!.result!] }, ctx());
  assert.equal(again.outcomes[0]!.status, 'skipped');
});

test('paths missing on this worker\'s storage fail the job, naming them', async () => {
  const { dir, job } = await fixture();
  const gone = join(dir, 'elsewhere', 'a.dat');
  await assert.rejects(runSourceJob({ ...job, source: { ...job.source, filePath: gone } }, ctx()), (e: Error) => e instanceof JobSetupError && e.message.includes(gone) && /not found on this worker/.test(e.message) && /shared storage/.test(e.message));
  await assert.rejects(runSourceJob({ ...job, outputDir: join(dir, 'no-out') }, ctx()), (e: Error) => e instanceof JobSetupError && e.message.includes(join(dir, 'no-out')));
  await assert.rejects(runSourceJob({ ...job, rules: { ...job.rules, file: join(dir, 'nope.yaml') } }, ctx()), (e: Error) => e.message.includes(join(dir, 'nope.yaml')));
});

test('rules that differ on the worker are refused, not used', async () => {
  const { job } = await fixture();
  await assert.rejects(runSourceJob({ ...job, rules: { ...job.rules, sha256: '0'.repeat(64) } }, ctx()), /differ on this worker/);
  await assert.rejects(runSourceJob({ ...job, items: [{ ...job.items[0]!, ruleDigest: 'f'.repeat(64) }] }, ctx()), /no rule copy as the producer planned it/);
});

test('a dead try\'s partial outputs of the job\'s own outputs are removed; others\' are kept', async () => {
  const dir = await tempDir();
  const names = ['.a.flv.webm.partial-123-abcdef.webm', '.a.flv.webm.partial-99-0a0b0c.webm', '.aa.flv.webm.partial-123-abcdef.webm', '.a.flv.mp4.partial-123-abcdef.mp4', 'a.flv.webm', '.a.flv.webm.partial-notmine'];
  for (const n of names) await writeFile(join(dir, n), 'x');
  const removed = await removeJobPartials([join(dir, 'a.flv.webm')]);
  assert.deepEqual(removed.map((p) => p.slice(dir.length + 1)).sort(), ['.a.flv.webm.partial-123-abcdef.webm', '.a.flv.webm.partial-99-0a0b0c.webm']);
  assert.deepEqual((await readdir(dir)).sort(), ['.a.flv.mp4.partial-123-abcdef.mp4', '.a.flv.webm.partial-notmine', '.aa.flv.webm.partial-123-abcdef.webm', 'a.flv.webm']);
});

test('the producer\'s --stall-seconds travels with the job and wins over the worker\'s own', { timeout: 30_000 }, async () => {
  const { dir, job } = await fixture();
  const hang = `
rules:
  - &hang {name: copy, ext: txt, args: ['${process.execPath}', '-e', 'setTimeout(Object, 60000)', '{input}', '{output}']}
file_types:
  - {ext: .dat, conversion_rules: [*hang]}
`;
  await writeFile(join(dir, 'rules.yaml'), hang);
  const ruleSet = await loadRules(join(dir, 'rules.yaml'));
  const hung: SourceJobData = { ...job, rules: await rulesIdentity(ruleSet), items: [{ ...job.items[0]!, ruleDigest: ruleDigest(ruleSet.fileTypes[0]!.conversionRules[0]!) }], stallSeconds: 1 };
  const started = Date.now();
  const result = await runSourceJob(hung, { ...ctx(), stallMs: 600_000 });
  assert.ok(Date.now() - started < 15_000, `stopped after ${Date.now() - started} ms`);
  assert.equal(result.outcomes[0]!.status, 'failed');
  assert.match(String(result.outcomes[0]!.result?.failure), /stalled: nothing printed and no output written for 1 s/);
});
