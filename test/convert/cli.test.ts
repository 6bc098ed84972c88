/**
 * warckit-convert's command line: hostile file names, a corrupt file among good ones, dry
 * run, rules errors, the WARC writer reading our results and warcit's, and Ctrl-C.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdir, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { main } from '../../src/cli/convert.js';
import { main as warckitMain } from '../../src/cli/warckit.js';
import { readConversionResults } from '../../src/convert/results.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { readWarc } from '../helpers/warc-check.js';
import { ffprobeJson, makeClip } from './clips.js';

const P = 'http://www.example.com/';
const BIN = resolve('bin/warckit-convert.js');

/** One cheap rule, so name handling is tested without waiting on encoders. */
const MKV_COPY_RULES = `
output_dir: ./conversions
url_prefix: http://
rules:
  - &mkv
    name: mkv
    ext: mkv
    command: 'ffmpeg -y -nostdin -i {input} -c copy {output}'
    mime: video/x-matroska
file_types:
  - ext: .flv
    conversion_rules: [*mkv]
`;

async function walkFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const item of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (item.isFile()) out.push(join(item.parentPath ?? (item as unknown as { path: string }).path, item.name));
  }
  return out.sort();
}

test('file names with spaces, quotes, $, ;, non-ASCII letters or a leading dash are just file names', async () => {
  const dir = await tempDir();
  const site = join(dir, 'site');
  const names = ['a b.flv', "it's.flv", 'say "hi".flv', '$HOME.flv', 'a;b.flv', 'vidéo ñ.flv', '-y.flv', 'x;rm -rf y.flv', '$(touch pwned).flv'];
  await makeClip(join(site, 'a b.flv'), 'av', 'flv');
  const clip = await readFile(join(site, 'a b.flv'));
  await Promise.all(names.map((n) => writeFile(join(site, n), clip)));
  await writeFile(join(site, 'y'), 'canary');
  const rules = join(dir, 'rules.yaml');
  await writeFile(rules, MKV_COPY_RULES);
  const out = join(dir, 'out');
  const { code, stderr } = await runCli(main, [P, site, '--rules', rules, '--output-dir', out, '-j', '2']);
  assert.equal(code, 0, stderr);
  await stat(join(site, 'y'));
  await assert.rejects(stat(join(dir, 'pwned')));
  await assert.rejects(stat('pwned'));
  const results = await readConversionResults(join(out, 'warcit-conversion-results.yaml'));
  for (const name of names) {
    const output = join(out, dir.split('/').pop()!, 'site', `${name}.mkv`);
    const probe = await ffprobeJson(output);
    assert.deepEqual(probe.streams.map((s) => s.codec_name).sort(), ['flv1', 'mp3'], name);
    const entry = Object.values(results.conversions).flat().find((r) => r.output === output);
    assert.ok(entry?.success, `${name}: recorded`);
    assert.ok(entry.argv?.includes(join(site, name)), `${name}: one argv entry for the input`);
  }
  assert.deepEqual((await walkFiles(out)).filter((f) => f.includes('.partial-')), []);
});

test('a corrupt file is not media (one result, no ffmpeg failures); a failing command is a recorded failure with exit code and stderr tail; exit status 1', async () => {
  const dir = await tempDir();
  const site = join(dir, 'site');
  await makeClip(join(site, 'good.flv'), 'av', 'flv');
  await makeClip(join(site, 'tone.wav'), 'audio', 'wav');
  const noise = Buffer.alloc(20_000);
  for (let i = 0; i < noise.length; i++) noise[i] = (i * 7919 + 13) % 251;
  await writeFile(join(site, 'broken.flv'), noise);
  const out = join(dir, 'out');
  const { code, stderr } = await runCli(main, [P, site, '--output-dir', out, '-j', '2']);
  assert.equal(code, 1);
  assert.match(stderr, /broken\.flv: not media: ffprobe cannot read it \(.*Invalid data/);
  assert.match(stderr, /7 converted, 0 skipped \(up to date\), 0 failed, 1 not media, 3 file\(s\)/);
  const results = await readConversionResults(join(out, 'warcit-conversion-results.yaml'));
  const broken = results.conversions[`${P}broken.flv`]!;
  assert.equal(broken.length, 1);
  assert.deepEqual([broken[0]!.type, broken[0]!.success, broken[0]!.output], ['not-media', false, '']);
  assert.match(String(broken[0]!.failure), /^not media: /);
  assert.ok(results.conversions[`${P}good.flv`]!.every((r) => r.success));
  const outDir = dirname(results.conversions[`${P}good.flv`]![0]!.output);
  assert.deepEqual((await readdir(outDir)).filter((f) => f.startsWith('broken')), ['broken.flv.ffprobe.json'], 'nothing converted, the characterization kept');
  assert.ok(results.conversions[`${P}tone.wav`]!.every((r) => r.success));
  // a re-run converts nothing and still says so
  const again = await runCli(main, [P, site, '--output-dir', out, '-q']);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /0 converted, 7 skipped \(up to date\), 0 failed, 1 not media/);

  const rules = join(dir, 'failing.yaml');
  await writeFile(rules, "file_types:\n  - {ext: .flv, conversion_rules: [{name: bad, ext: mkv, command: 'ffmpeg -y -nostdin -i {input} -c:v no-such-encoder {output}'}]}\n");
  const failing = await runCli(main, [P, join(site, 'good.flv'), '--output-dir', join(dir, 'out2'), '--rules', rules]);
  assert.equal(failing.code, 1);
  assert.match(failing.stderr, /good\.flv: bad failed \(exit code \d+\)/);
  const r = (await readConversionResults(join(dir, 'out2', 'warcit-conversion-results.yaml'))).conversions[`${P}good.flv`]![0]!;
  assert.equal(r.success, false);
  assert.ok(typeof r.exit_code === 'number' && r.exit_code !== 0);
  assert.match(String(r.stderr_tail), /no-such-encoder/);
  await assert.rejects(stat(r.output), 'no output under the final name');
});

test('--dry-run prints each command and writes nothing; -v prints argv as it runs', async () => {
  const dir = await tempDir();
  const site = join(dir, 'site');
  await makeClip(join(site, 'a b.flv'), 'av', 'flv');
  const out = join(dir, 'out');
  const dry = await runCli(main, [P, site, '--output-dir', out, '--dry-run']);
  assert.equal(dry.code, 0);
  const lines = dry.stdout.trim().split('\n');
  assert.equal(lines.length, 4);
  assert.match(lines[1]!, /ffmpeg -y -nostdin -i '.*\/site\/a b\.flv' -c:v libvpx-vp9 .* '.*\/out\/.*\/site\/a b\.flv\.webm'$/);
  await assert.rejects(stat(out));
  const rules = join(dir, 'rules.yaml');
  await writeFile(rules, MKV_COPY_RULES);
  const verbose = await runCli(main, [P, site, '--rules', rules, '--output-dir', out, '-v']);
  assert.equal(verbose.code, 0);
  assert.match(verbose.stderr, /\[DEBUG\] Running: \S*ffmpeg -y -nostdin -i '.*a b\.flv' -c copy '.*\.a b\.flv\.mkv\.partial-[\w-]+\.mkv'/);
});

test('rules errors name the file and the path inside it; nothing runs', async () => {
  const dir = await tempDir();
  const site = join(dir, 'site');
  await makeClip(join(site, 'a.flv'), 'audio', 'flv');
  const rules = join(dir, 'bad.yaml');
  await writeFile(rules, 'file_types:\n  - ext: .flv\n    conversion_rules:\n      - {name: x, ext: mp4, command: 42}\n');
  const out = join(dir, 'out');
  const { code, stderr } = await runCli(main, [P, site, '--rules', rules, '--output-dir', out]);
  assert.equal(code, 2);
  assert.equal(stderr, `warckit-convert: ${rules}: file_types[0].conversion_rules[0].command: expected a command line such as "ffmpeg -y -i {input} {output}", got a number (42)\n`);
  await assert.rejects(stat(out));
  for (const jobs of ['0', 'two', '1.5']) {
    const badJobs = await runCli(main, [P, site, '-j', jobs]);
    assert.equal(badJobs.code, 2);
    assert.match(badJobs.stderr, new RegExp(`^warckit-convert: --jobs: expected a positive whole number, got "${jobs.replace('.', '\\.')}"$`, 'm'));
  }
  for (const wait of ['0', 'soon', '-5']) {
    const badWait = await runCli(main, [P, site, '--queue', 'redis://127.0.0.1:1/0', '--queue-wait-seconds', wait]);
    assert.equal(badWait.code, 2);
    assert.match(badWait.stderr, new RegExp(`^warckit-convert: --queue-wait-seconds: expected a number of seconds above 0, got "${wait}"$`, 'm'));
  }
  const help = await runCli(main, ['--help']);
  for (const flag of ['--rules', '--output-dir', '--results', '--dry-run', '--jobs', '--force', '--quiet', '--verbose', '--ffmpeg', '--ffprobe']) assert.ok(help.stdout.includes(flag), flag);
});

test("the WARC writer accepts our results file and one in warcit's exact format", async () => {
  const dir = await tempDir();
  const site = join(dir, 'site');
  await makeClip(join(site, 'clip.flv'), 'av', 'flv');
  const rules = join(dir, 'rules.yaml');
  await writeFile(rules, MKV_COPY_RULES);
  const out = join(dir, 'out');
  assert.equal((await runCli(main, [P, site, '--rules', rules, '--output-dir', out, '-q'])).code, 0);
  const ours = join(out, 'warcit-conversion-results.yaml');
  const w1 = await runCli(warckitMain, [P, site, '-n', join(dir, 'ours'), '--conversions', ours, '-q']);
  assert.equal(w1.code, 0, w1.stderr);
  const r1 = (await readWarc(join(dir, 'ours.warc.gz'))).records;
  assert.ok(r1.some((r) => r.type === 'conversion' && r.targetUri === `${P}clip.flv.mkv`));

  // As PyYAML dumps warcit's results: the rule dict shared by reference becomes an anchor.
  const output = join(out, dir.split('/').pop()!, 'site', 'clip.flv.mkv');
  const warcitYaml = `conversions:
  ${P}clip.flv:
  - metadata: &id001
      command: ffmpeg -y -i {input} -c copy {output}
      ext: mkv
      mime: video/x-matroska
      name: mkv
      skip_as_source: true
    output: ${output}
    success: true
    type: conversion
    url: ${P}clip.flv.mkv
  ${P}other.flv:
  - metadata: *id001
    output: /nonexistent/other.flv.mkv
    success: false
    type: conversion
    url: ${P}other.flv.mkv
`;
  const theirs = join(dir, 'warcit-results.yaml');
  await writeFile(theirs, warcitYaml);
  const read = await readConversionResults(theirs);
  assert.equal(read.conversions[`${P}clip.flv`]![0]!.metadata.skip_as_source, true);
  const w2 = await runCli(warckitMain, [P, site, '-n', join(dir, 'theirs'), '--conversions', theirs, '-q']);
  assert.equal(w2.code, 0, w2.stderr);
  const r2 = (await readWarc(join(dir, 'theirs.warc.gz'))).records;
  assert.ok(r2.some((r) => r.type === 'conversion' && r.targetUri === `${P}clip.flv.mkv`));
});

test('Ctrl-C kills ffmpeg, leaves no incomplete output under a final name, and a valid results file', async () => {
  const dir = await tempDir();
  const site = join(dir, 'site');
  await makeClip(join(site, 'a.flv'), 'av', 'flv');
  await makeClip(join(site, 'b.flv'), 'av', 'flv', 20, '640x480');
  const out = join(dir, 'out');
  const child = spawn(process.execPath, [BIN, P, site, '--output-dir', out, '-j', '1', '-q'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  // wait until b.flv's webm is being written
  const deadline = Date.now() + 60_000;
  for (;;) {
    const files = await walkFiles(out).catch(() => []);
    if (files.some((f) => f.includes('.b.flv.webm.partial-'))) break;
    if (Date.now() > deadline) assert.fail(`no partial output for b.flv appeared; stderr: ${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGINT');
  assert.equal(await exited, 130, stderr);
  assert.match(stderr, /interrupted/);
  const files = await walkFiles(out);
  assert.deepEqual(files.filter((f) => f.includes('.partial-')), [], 'temporary outputs removed');
  const doc = parse(await readFile(join(out, 'warcit-conversion-results.yaml'), 'utf8')) as { conversions: Record<string, unknown[]> };
  assert.equal(doc.conversions[`${P}a.flv`]?.length, 4, 'the finished source is recorded');
  const results = await readConversionResults(join(out, 'warcit-conversion-results.yaml'));
  for (const r of results.conversions[`${P}a.flv`]!) assert.equal((await stat(r.output)).size, r.output_size);
  // the interrupted source: what finished before Ctrl-C is recorded and complete; the webm being written is not there
  const bDone = results.conversions[`${P}b.flv`] ?? [];
  assert.ok(!bDone.some((r) => r.url.endsWith('.webm')));
  for (const f of files.filter((f) => f.includes('b.flv'))) {
    const r = bDone.find((x) => x.output === f);
    assert.ok(r?.success, `${f} exists under its final name but is not recorded`);
    assert.equal((await stat(f)).size, r.output_size);
  }
  // no ffmpeg left running on our files
  const procs = await readdir('/proc').catch(() => []);
  for (const pid of procs.filter((p) => /^\d+$/.test(p))) {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    assert.ok(!cmdline.includes(out), `process ${pid} still running: ${cmdline.replace(/\0/g, ' ')}`);
  }
  await mkdir(out, { recursive: true });
});

test('a FIFO named like media and a symbolic link to a directory among the inputs: not read, and said so (they were passed over in silence)', async () => {
  const dir = await tempDir();
  const site = join(dir, 'site');
  await mkdir(site);
  execFileSync('mkfifo', [join(site, 'x.flv')]);
  await mkdir(join(dir, 'elsewhere'));
  await symlink(join(dir, 'elsewhere'), join(site, 'linked'));
  await writeFile(join(dir, 'cp.yaml'), "file_types:\n  - ext: '.flv'\n    conversion_rules:\n      - {name: copy, ext: txt, command: 'cp {input} {output}'}\n");
  const run = await runCli(main, [P, site, '--rules', join(dir, 'cp.yaml'), '--output-dir', join(dir, 'out')]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, new RegExp(`${join(site, 'x.flv')}: not read: a FIFO \\(named pipe\\), not a regular file`));
  assert.match(run.stderr, new RegExp(`${join(site, 'linked')}: a symbolic link to a directory \\(${join(dir, 'elsewhere')}\\), not followed \\(nor by warcit\\): give it as an input to convert what it holds`));
});
