/** The warckit CLI: warcit's command lines, exit codes, and one-line errors that lose nothing. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { main } from '../../src/cli/warckit.js';
import { runCli } from '../helpers/cli.js';
import { makeSite } from '../helpers/site.js';
import { tempDir } from '../helpers/tmp.js';
import { readWarc } from '../helpers/warc-check.js';

const P = 'http://www.example.com/';
const BIN = resolve('bin/warckit.js');

async function siteIn(dir: string): Promise<string> {
  await makeSite(join(dir, 'site'));
  return join(dir, 'site');
}

test('writes the WARC named after the first input and says where records went', async () => {
  const dir = await tempDir();
  const site = await siteIn(dir);
  const { code, stderr } = await runCli(main, [P, site, '-n', join(dir, 'site'), '-d', '2011-02']);
  assert.equal(code, 0);
  assert.match(stderr, new RegExp(`Wrote 12 records to ${join(dir, 'site.warc.gz')} \\(1 warcinfo, 9 resource, 2 revisit\\)`));
  const { records, problems } = await readWarc(join(dir, 'site.warc.gz'));
  assert.deepEqual(problems, []);
  assert.match(records[0]!.payload.toString(), new RegExp(`cmdline: warckit ${P} ${site} -n ${join(dir, 'site')} -d 2011-02`));
});

test('refuses to overwrite without -o, appends with -a, replaces with -o', async () => {
  const dir = await tempDir();
  const site = await siteIn(dir);
  const name = join(dir, 'out');
  assert.equal((await runCli(main, [P, site, '-n', name, '-q'])).code, 0);
  const before = await readFile(`${name}.warc.gz`);
  const refused = await runCli(main, [P, site, '-n', name]);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /out\.warc\.gz already exists: use -a\/--append to add to it or -o\/--overwrite to replace it/);
  assert.ok((await readFile(`${name}.warc.gz`)).equals(before), 'existing WARC untouched');
  assert.equal((await runCli(main, [P, site, '-n', name, '-a', '-q'])).code, 0);
  const appended = await readWarc(`${name}.warc.gz`);
  assert.equal(appended.records.length, 24);
  assert.deepEqual(appended.problems, []);
  assert.equal((await runCli(main, [P, site, '-n', name, '-o', '-q', '--no-warcinfo'])).code, 0);
  assert.equal((await readWarc(`${name}.warc.gz`)).records.length, 11);
});

test('a WARC name that fits the file system (250 bytes) is written, appended to and replaced, though its lock, marker and temporary names would not fit; a longer one is refused naming it', async () => {
  const dir = await tempDir();
  const site = await siteIn(dir);
  const name = join(dir, 'w'.repeat(242)); // w….warc.gz: 250 bytes; w….warc.gz.appending: 260
  for (const flags of [[], ['-a'], ['-o']]) {
    const run = await runCli(main, [P, site, '-n', name, '-q', ...flags]);
    assert.equal(run.code, 0, `${flags.join(' ')}: ${run.stderr}`);
  }
  const { records, problems } = await readWarc(`${name}.warc.gz`);
  assert.deepEqual(problems, []);
  assert.equal(records.length, 12);
  assert.deepEqual(await readdir(dir), ['site', `${'w'.repeat(242)}.warc.gz`], 'no lock, marker or partial left');
  const tooLong = await runCli(main, [P, site, '-n', join(dir, 'x'.repeat(250))]);
  assert.equal(tooLong.code, 2);
  assert.match(tooLong.stderr, /x{250}\.warc\.gz: its name is too long for the file system \(at most 255 bytes a name\)/);
});

test('bad input: one clear line naming the file, exit 2, no WARC and no temp file left', async () => {
  const dir = await tempDir();
  const site = await siteIn(dir);
  await writeFile(join(dir, 'nofile.csv'), 'URL,timestamp\nhttp://x/,2011\n');
  await writeFile(join(dir, 'badcol.csv'), 'file,Url\nindex.html,http://x/\n');
  await writeFile(join(dir, 'dup.csv'), 'file,URL\nindex.html,http://x/\n');
  await writeFile(join(dir, 'broken.zip'), 'PK\x03\x04 this is not really a zip file at all');
  const cases: Array<[string[], RegExp]> = [
    [[P, join(dir, 'missing dir')], /missing dir: no such file or directory/],
    [[P, site, '--mapfile', join(dir, 'nofile.csv')], /nofile\.csv: missing "file" column/],
    [[P, site, '--mapfile', join(dir, 'badcol.csv')], /badcol\.csv: unknown column "Url"/],
    [[P, site, '--mapfile', join(dir, 'nothere.csv')], /nothere\.csv: the mapfile does not exist/],
    [[P, site, '--mapfile', join(dir, 'dup.csv')], /dup\.csv: line 2: row for "index\.html" matches a second file/],
    [[P, join(dir, 'broken.zip')], /broken\.zip: (not a readable|broken) ZIP file/],
    [[P, site, '-d', 'someday'], /--fixed-dt: expected a timestamp/],
    [[P, site, '--gzip-level', '11'], /^warckit: --gzip-level: expected auto or a level from 0 to 9, got 11$/m],
    [[P, site, '-n', join(dir, 'site.zip', 'sub', 'x')], /cannot write .*: (no such directory|a parent is not a directory)/],
  ];
  for (const [argv, message] of cases) {
    const name = argv.includes('-n') ? [] : ['-n', join(dir, 'fail')];
    const { code, stderr } = await runCli(main, [...argv, ...name]);
    assert.equal(code, 2, `${argv.join(' ')} → exit 2`);
    assert.match(stderr, message);
    assert.equal(stderr.trim().split('\n').length, 1, `one line: ${stderr}`);
  }
  assert.deepEqual((await readdir(dir)).sort(), ['badcol.csv', 'broken.zip', 'dup.csv', 'nofile.csv', 'site']);
});

test('an output directory that cannot be written is named', async () => {
  const dir = await tempDir();
  const site = await siteIn(dir);
  let target = '/sys/warckit-test';
  if (process.getuid?.() !== 0) {
    await mkdir(join(dir, 'ro'));
    await chmod(join(dir, 'ro'), 0o555);
    target = join(dir, 'ro', 'out');
  }
  const { code, stderr } = await runCli(main, [P, site, '-n', target]);
  assert.equal(code, 2);
  assert.match(stderr, /cannot write .*warckit-test\.warc\.gz|cannot write .*out\.warc\.gz/);
  assert.match(stderr, /permission denied|read-only/);
});

test('an unreadable file stops the run with its name (non-root only: root reads everything)', { skip: process.getuid?.() === 0 ? 'running as root' : false }, async () => {
  const dir = await tempDir();
  const site = await siteIn(dir);
  await chmod(join(site, 'style.css'), 0);
  const { code, stderr } = await runCli(main, [P, site, '-n', join(dir, 'x')]);
  assert.equal(code, 2);
  assert.match(stderr, /style\.css: cannot read \(permission denied\)/);
  await assert.rejects(stat(join(dir, 'x.warc.gz')));
});

test('--help explains every flag; unknown flags are refused', async () => {
  const help = await runCli(main, ['--help']);
  assert.equal(help.code, 0);
  for (const flag of ['--fixed-dt', '--name', '--append', '--overwrite', '--use-magic', '--no-xhtml', '--mime-overrides', '--include', '--exclude', '--no-warcinfo', '--no-gzip', '--charset', '--index-files', '--mapfile', '--log', '--conversions', '--transclusions', '--transclusion-format', '--warc-version', '--digest', '--gzip-level', '--quiet', '--verbose']) {
    assert.ok(help.stdout.includes(flag), flag);
  }
  const bad = await runCli(main, [P, 'x', '--frobnicate']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /unknown option --frobnicate/);
});

test('the installed binary runs (warcit command line, renamed)', async () => {
  const dir = await tempDir();
  const site = await siteIn(dir);
  const { stderr } = await promisify(execFile)(process.execPath, [BIN, P, 'site', '--no-gzip', '-d', '20110201'], { cwd: dir });
  assert.match(stderr, /Wrote 12 records to site\.warc/);
  assert.ok((await stat(join(dir, 'site.warc'))).size > 0);
  void site;
});

test('Ctrl-C mid-run: exit 130, no WARC under the final name, no temporary file left', async () => {
  const dir = await tempDir();
  await mkdir(join(dir, 'big'));
  const { open: openFile } = await import('node:fs/promises');
  const fh = await openFile(join(dir, 'big', 'large.bin'), 'w');
  await fh.truncate(3 * 1024 * 1024 * 1024); // sparse: slow enough to interrupt at level 9
  await fh.close();
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, [BIN, P, 'big', '--gzip-level', '9'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  // Wait until the temporary WARC exists, then interrupt.
  for (let i = 0; i < 200 && !(await readdir(dir)).some((f) => f.includes('.partial-')); i++) await new Promise((r) => setTimeout(r, 50));
  child.kill('SIGINT');
  const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  assert.equal(code, 130);
  assert.match(stderr, /interrupted; no WARC written/);
  assert.deepEqual(await readdir(dir), ['big']);
});
