/**
 * What the three CLIs do for someone typing at them: help with examples and described
 * positionals, did-you-mean for flags and commands, swapped arguments said as such, warnings
 * for a URL prefix warcit would join badly, and --json lines for pipelines.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { main as convert } from '../../src/cli/convert.js';
import { main as replay } from '../../src/cli/replay.js';
import { main as warckit } from '../../src/cli/warckit.js';
import { runCli } from '../helpers/cli.js';
import { makeClip } from '../helpers/media.js';
import { makeSite } from '../helpers/site.js';
import { tempDir } from '../helpers/tmp.js';
import { readWarc } from '../helpers/warc-check.js';

const P = 'http://www.example.com/';
const CLIS = { warckit, 'warckit-convert': convert, 'warckit-replay': replay };

test('--help: an Examples section and the positional arguments described', async () => {
  for (const [name, main] of Object.entries(CLIS)) {
    const { code, stdout } = await runCli(main, ['--help']);
    assert.equal(code, 0);
    assert.match(stdout, /\nExamples:\n/, name);
    if (name !== 'warckit-replay') {
      assert.match(stdout, /\nPositionals:\n\s+url_prefix\s+\S/, name);
      assert.match(stdout, /\n\s+inputs\s+Files, directories/, name);
    } else assert.match(stdout, /\n\s+warckit-replay lookup <inputs\.\.>\s/);
  }
  const lookup = await runCli(replay, ['lookup', '--help']);
  assert.match(lookup.stdout, /Positionals:\n\s+inputs\s+WARC files/);
});

test('a misspelt flag or command gets a did-you-mean, exit 2', async () => {
  const cases: Array<[typeof warckit, string[], RegExp]> = [
    [warckit, [P, 'site', '--fixed-date', '2011'], /^warckit: unknown option --fixed-date \(did you mean --fixed-dt\?\)$/m],
    [warckit, [P, 'site', '--no-warcnifo'], /unknown option --no-warcnifo \(did you mean --no-warcinfo\?\)/],
    [warckit, [P, 'site', '-x'], /unknown option -x/],
    [convert, [P, 'site', '--output-dri', 'x'], /unknown option --output-dri \(did you mean --output-dir\?\)/],
    [replay, ['lokup', 'x.cdxj', '--url', P, '--timestamp', '2009'], /^warckit-replay: unknown command "lokup" \(did you mean lookup\?\)$/m],
    [replay, ['lookup', 'x.cdxj', '--ulr', P], /unknown option --ulr \(did you mean --url\?\)/],
  ];
  for (const [main, argv, message] of cases) {
    const { code, stderr } = await runCli(main, argv);
    assert.equal(code, 2, argv.join(' '));
    assert.match(stderr, message);
    assert.match(stderr, /Run warckit(-convert|-replay)? --help for usage\./);
  }
});

test('arguments in the wrong order are said to be, exit 2, nothing written', async () => {
  const dir = await tempDir();
  await makeSite(join(dir, 'site'));
  const swapped = await runCli(warckit, [join(dir, 'site'), P, '-n', join(dir, 'x')]);
  assert.equal(swapped.code, 2);
  assert.match(swapped.stderr, /the URL prefix comes first: warckit <url_prefix> <inputs\.\.\.> \(got the input .*site first and the URL http:\/\/www\.example\.com\/ after it\)/);
  const convertSwapped = await runCli(convert, [join(dir, 'site'), P, '--dry-run']);
  assert.match(convertSwapped.stderr, /the URL prefix comes first: warckit-convert/);
  const command = await runCli(replay, ['site.cdxj', 'lookup', '--url', P, '--timestamp', '2009']);
  assert.equal(command.code, 2);
  assert.match(command.stderr, /the command comes first: lookup site\.cdxj/);
});

test('a URL prefix without a scheme or a trailing slash is warned about (warcit joins it as given)', async () => {
  const dir = await tempDir();
  await makeSite(join(dir, 'site'), { 'index.html': '<p>x</p>' });
  const noSlash = await runCli(warckit, ['http://www.example.com', join(dir, 'site'), '-n', join(dir, 'a')]);
  assert.equal(noSlash.code, 0);
  assert.match(noSlash.stderr, /\[WARNING\] the URL prefix http:\/\/www\.example\.com does not end with "\/": files get URLs such as http:\/\/www\.example\.comindex\.html/);
  const noScheme = await runCli(warckit, ['www.example.com/', join(dir, 'site'), '-n', join(dir, 'b')]);
  assert.match(noScheme.stderr, /\[WARNING\] the URL prefix www\.example\.com\/ has no scheme: .*did you mean http:\/\/www\.example\.com\/\?/);
  const fine = await runCli(warckit, [P, join(dir, 'site'), '-n', join(dir, 'c')]);
  assert.doesNotMatch(fine.stderr, /WARNING/);
});

test('--json: warckit prints each record and a summary; warckit-convert each planned conversion and a summary', async () => {
  const dir = await tempDir();
  await makeSite(join(dir, 'site'));
  await makeClip(join(dir, 'site', 'clip.flv'));
  const out = await runCli(warckit, [P, join(dir, 'site'), '-n', join(dir, 'j'), '--json']);
  assert.equal(out.code, 0);
  const lines = out.stdout.trim().split('\n').map((l) => JSON.parse(l) as { event: string; [key: string]: unknown });
  const records = lines.filter((l) => l.event === 'record');
  assert.equal(records.length, 13);
  assert.ok(records.every((r) => typeof r.offset === 'number' && typeof r.recordId === 'string'));
  assert.equal(records.find((r) => r.targetUri === `${P}clip.flv`)!.source, join(dir, 'site', 'clip.flv'));
  const summary = lines.at(-1)!;
  assert.equal(summary.event, 'summary');
  assert.deepEqual(summary.counts, { warcinfo: 1, resource: 10, revisit: 2 });
  assert.equal(summary.exitCode, 0);
  assert.equal(out.stderr, '', 'nothing for people on stderr');

  await writeFile(join(dir, 'site', 'fake.flv'), 'FLV');
  const planned = await runCli(convert, [P, join(dir, 'site'), '--dry-run', '--json', '--output-dir', join(dir, 'conv')]);
  const convertLines = planned.stdout.trim().split('\n').map((l) => JSON.parse(l) as { event: string; [key: string]: unknown });
  assert.deepEqual([...new Set(convertLines.map((l) => l.event))].sort(), ['not-media', 'planned', 'summary']);
  assert.ok(convertLines.some((l) => l.event === 'not-media' && l.sourcePath === join(dir, 'site', 'fake.flv')));
  assert.equal(convertLines.at(-1)!.event, 'summary');
  assert.equal(planned.stderr, '', 'nothing for people on stderr');
  assert.ok(convertLines.some((l) => l.event === 'planned' && l.url === `${P}clip.flv.webm` && Array.isArray(l.argv)));
  const failed = await runCli(warckit, [P, join(dir, 'nothere'), '-n', join(dir, 'k'), '--json']);
  assert.equal(failed.code, 2);
  assert.deepEqual(JSON.parse(failed.stdout.trim()), { event: 'error', message: `${join(dir, 'nothere')}: no such file or directory`, exitCode: 2 });
});

test('"--" ends the options: a file named -y.flv is an input after it, not an unknown flag (warckit and warckit-convert)', async () => {
  const dir = await tempDir();
  await writeFile(join(dir, '-y.flv'), 'FLV bytes');
  const run = (bin: string, argv: string[]) => spawnSync(process.execPath, [resolve(`bin/${bin}.js`), ...argv], { cwd: dir, encoding: 'utf8' });
  const written = run('warckit', ['-q', '-n', 'w', P, '--', '-y.flv']);
  assert.equal(written.status, 0, written.stderr);
  const { records } = await readWarc(join(dir, 'w.warc.gz'));
  assert.deepEqual(records.filter((r) => r.type === 'resource').map((r) => r.targetUri), [`${P}-y.flv`]);
  const before = run('warckit', ['-q', '-n', 'v', '--', P, '-y.flv']);
  assert.equal(before.status, 0, `everything after "--", the URL prefix too: ${before.stderr}`);
  const planned = run('warckit-convert', ['--dry-run', '--output-dir', 'out', P, '--', '-y.flv']);
  assert.equal(planned.status, 0, planned.stderr);
  assert.match(planned.stdout + planned.stderr, /-y\.flv/);
  assert.equal(run('warckit', ['-q', '-n', 'x', P, '-y.flv']).status, 2, 'without "--" it is an option, as in every tool');
});

test('run from a directory that was removed meanwhile: each tool says so in one line and exits 2 (no stack trace)', async () => {
  const dir = await tempDir();
  for (const name of ['warckit', 'warckit-convert', 'warckit-replay', 'warckit-verify', 'warckit-worker']) {
    const bin = resolve('bin', `${name}.js`);
    const r = spawnSync('/bin/sh', ['-c', `mkdir gone && cd gone && rmdir ../gone && exec "$0" "$1" --help`, process.execPath, bin], { cwd: dir, encoding: 'utf8' });
    assert.equal(r.status, 2, `${name}: ${r.stderr}`);
    assert.equal(r.stderr, `${name}: the current directory no longer exists (it was removed): change to one that does\n`);
  }
});
