/**
 * Hostile output names across the tools: an output flag pointing at a FIFO or a link to
 * standard output (as `-o /dev/null` and `-o /dev/stdout` would, run as root) is refused at
 * once, naming it, and what it points at is left as it was. Finished files are moved into
 * place by rename, which would replace a device or link with a regular file.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { lstat, readdir, readlink, symlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { main as convertMain } from '../../src/cli/convert.js';
import { main as replayMain } from '../../src/cli/replay.js';
import { main as warcMain } from '../../src/cli/warckit.js';
import { runCli } from '../helpers/cli.js';
import { runOnScratchMount, scratchMountsAvailable } from '../helpers/scratch-mount.js';
import { makeSite } from '../helpers/site.js';
import { tempDir } from '../helpers/tmp.js';

const P = 'http://www.example.com/';
const WARCKIT_BIN = resolve('bin/warckit.js');
const CONVERT_BIN = resolve('bin/warckit-convert.js');

test('--results, --log and -o naming a FIFO or a link to stdout: exit 2 at once naming it; the FIFO and the link stay; nothing converted or written', async () => {
  const dir = await tempDir();
  await makeSite(join(dir, 'site'));
  await writeFile(join(dir, 'site', 'clip.flv'), 'not really a clip');
  await writeFile(join(dir, 'cp.yaml'), "file_types:\n  - ext: '.flv'\n    conversion_rules:\n      - {name: copy, ext: txt, command: 'cp {input} {output}'}\n");
  const fifo = join(dir, 'fifo');
  execFileSync('mkfifo', [fifo]);
  const stdout = join(dir, 'stdout');
  await symlink('/proc/self/fd/1', stdout);
  const site = join(dir, 'site');
  const runs: Array<[string, Promise<{ code: number; stderr: string }>]> = [
    ['convert --results fifo', runCli(convertMain, [P, site, '--rules', join(dir, 'cp.yaml'), '--output-dir', join(dir, 'out'), '--results', fifo])],
    ['convert --results link', runCli(convertMain, [P, site, '--rules', join(dir, 'cp.yaml'), '--output-dir', join(dir, 'out'), '--results', stdout])],
    ['warckit --log fifo', runCli(warcMain, [P, site, '-n', join(dir, 'a'), '--log', fifo])],
    ['warckit --log link', runCli(warcMain, [P, site, '-n', join(dir, 'b'), '--log', stdout])],
    ['replay client -o fifo', runCli(replayMain, ['client', '-o', fifo])],
    ['replay client -o link', runCli(replayMain, ['client', '-o', stdout])],
  ];
  for (const [what, run] of runs) {
    const { code, stderr } = await run;
    assert.equal(code, 2, `${what}: ${stderr}`);
    assert.match(stderr, /(fifo is a FIFO \(named pipe\), not a regular file: refusing to replace it|stdout is a symbolic link \(to \/proc\/self\/fd\/1\): refusing to write through it)/, what);
  }
  assert.ok((await lstat(fifo)).isFIFO());
  assert.equal(await readlink(stdout), '/proc/self/fd/1');
  assert.deepEqual((await readdir(dir)).sort(), ['cp.yaml', 'fifo', 'site', 'stdout'], 'no WARC, no conversions, nothing partial');
});

test('a full disk from the first byte: the WARC and the results file each fail naming the file (no space left on device), and no empty lock file is left behind', { skip: scratchMountsAvailable() ? false : 'no user/mount namespaces (unshare -rm)' }, async () => {
  const dir = await tempDir();
  await makeSite(join(dir, 'site'));
  await writeFile(join(dir, 'site', 'clip.flv'), 'not really a clip');
  await writeFile(join(dir, 'cp.yaml'), "file_types:\n  - ext: '.flv'\n    conversion_rules:\n      - {name: copy, ext: txt, command: 'cp {input} {output}'}\n");
  const full = join(dir, 'full');
  const runs: Array<[string, string[], RegExp]> = [
    ['warckit', [WARCKIT_BIN, P, 'site', '-n', join(full, 'out')], /out\.warc\.gz.*no space left on device/],
    ['warckit-convert', [CONVERT_BIN, P, 'site', '--rules', 'cp.yaml', '--output-dir', join(dir, 'out'), '--results', join(full, 'results.yaml')], /results\.yaml.*no space left on device/],
  ];
  for (const [what, argv, message] of runs) {
    const r = runOnScratchMount({ mountPoint: full, sizeKb: 64, leaveFreeKb: 0, argv: [process.execPath, ...argv], cwd: dir });
    assert.equal(r.code, 2, `${what}: ${r.stderr}`);
    assert.match(r.stderr, message, what);
    assert.doesNotMatch(r.stderr, /ENOSPC/, `${what}: said in words`);
    assert.deepEqual(r.after, ['filler'], `${what}: nothing left on the full disk`);
  }
});

test('an output directory that cannot be made (under /proc, where Node\'s own mkdir -p spins for ever at full CPU) or that is a file: exit 2 at once, naming it', async () => {
  const dir = await tempDir();
  await makeSite(join(dir, 'site'));
  await writeFile(join(dir, 'site', 'clip.flv'), 'not really a clip');
  await writeFile(join(dir, 'cp.yaml'), "file_types:\n  - ext: '.flv'\n    conversion_rules:\n      - {name: copy, ext: txt, command: 'cp {input} {output}'}\n");
  await writeFile(join(dir, 'afile'), 'a file');
  const cases: Array<[string, RegExp]> = [
    ['/proc/warckit-no-such-dir/out', /\/proc\/warckit-no-such-dir\/out.*(no such directory|permission denied|read-only)/],
    [join(dir, 'afile'), /afile.*a parent is not a directory/],
    [join(dir, 'afile', 'below'), /afile.*a parent is not a directory/],
  ];
  for (const [outputDir, message] of cases) {
    const r = spawnSync(process.execPath, [CONVERT_BIN, P, 'site', '--rules', 'cp.yaml', '--output-dir', outputDir], { cwd: dir, encoding: 'utf8', timeout: 10_000, killSignal: 'SIGKILL' });
    assert.equal(r.signal, null, `${outputDir}: still running after 10 s`);
    assert.equal(r.status, 2, `${outputDir}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.doesNotMatch(r.stderr, /EEXIST|ENOENT/, 'said in words');
  }
});
