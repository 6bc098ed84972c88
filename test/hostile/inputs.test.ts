/**
 * Hostile inputs for `warckit`, run as a real process (a hang must not hang the suite): what
 * was tried is in each test's name, what must hold in its assertions. Special files never
 * block and are listed; names that are not UTF-8 are archived; damaged ZIPs fail naming the
 * member and leave nothing behind; SIGTERM/SIGINT end a run within a second.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdir, readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { makeZip } from '../helpers/site.js';
import { flipStoredByte, changeRecordedCrc, ianaLikeMembers, makeIanaLikeZip, ODDLY_NAMED_URLS, oddlyNamedZip, renameMembers } from '../helpers/zip-fixture.js';
import { makeSpecialFiles } from '../helpers/special-files.js';
import { tempDir } from '../helpers/tmp.js';
import { readWarc } from '../helpers/warc-check.js';

const BIN = resolve('bin/warckit.js');
const P = 'http://www.example.com/';

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  /** Milliseconds from the signal sent (or from the start) to the exit. */
  ms: number;
}

/** Run warckit; killed (and failed) after `timeoutMs`. With `interrupt`, that signal is sent after `interruptAfterMs`. */
function warckit(args: string[], cwd: string, options: { timeoutMs?: number; interrupt?: NodeJS.Signals; interruptAfterMs?: number } = {}): Promise<Run> {
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    let started = Date.now();
    const killer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 10_000);
    if (options.interrupt) {
      const timer = setTimeout(() => {
        started = Date.now();
        child.kill(options.interrupt);
      }, options.interruptAfterMs ?? 0);
      child.on('exit', () => clearTimeout(timer));
    }
    child.on('exit', (code, signal) => {
      clearTimeout(killer);
      resolvePromise({ code, signal, stderr, ms: Date.now() - started });
    });
  });
}

/** Files whose name says a run left them behind. */
async function leftovers(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((name) => name.includes('.partial') || name.startsWith('.'));
}

test('a FIFO, a socket, a /dev/zero symlink and a broken symlink in a directory: listed, skipped, exit 1, the rest archived (exit 0 when --exclude leaves them out)', async () => {
  const dir = await tempDir();
  const site = join(dir, 'site');
  await mkdir(site);
  await writeFile(join(site, 'index.html'), '<html>home</html>');
  const special = await makeSpecialFiles(site);
  try {
    const run = await warckit([P, 'site', '-n', 'out'], dir, { timeoutMs: 8000 });
    assert.equal(run.code, 1, run.stderr);
    for (const line of [
      'site/pipe.csv: not archived: a FIFO (named pipe), not a regular file',
      'site/sock.csv: not archived: a socket, not a regular file',
      'site/zero.csv: not archived: a character device (symbolic link to /dev/zero), not a regular file',
      `site/dangling.csv: not archived: a broken symbolic link (to ${join(site, 'nowhere')}), not a regular file`,
      '4 input(s) not archived because they are not regular files (listed above)',
    ]) {
      assert.ok(run.stderr.includes(line), `missing "${line}" in:\n${run.stderr}`);
    }
    const { records, problems } = await readWarc(join(dir, 'out.warc.gz'));
    assert.deepEqual(problems, []);
    assert.deepEqual(
      records.filter((r) => r.type === 'resource').map((r) => r.targetUri),
      [`${P}index.html`],
    );
    assert.deepEqual(await leftovers(dir), []);
    // What --exclude leaves out is not lost.
    const excluded = await warckit([P, 'site', '-n', 'excluded', '--exclude', '*.csv'], dir, { timeoutMs: 8000 });
    assert.equal(excluded.code, 0, excluded.stderr);
    assert.doesNotMatch(excluded.stderr, /not archived/);
  } finally {
    await special.close();
  }
});

test('a FIFO, a socket and /dev/zero named as inputs: listed, skipped, exit 1; only-special inputs give a WARC with warcinfo only', async () => {
  const dir = await tempDir();
  const special = await makeSpecialFiles(dir);
  await writeFile(join(dir, 'page.html'), 'x');
  try {
    const run = await warckit([P, 'pipe.csv', 'page.html', 'sock.csv', 'zero.csv', '-n', 'out'], dir, { timeoutMs: 8000 });
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /pipe\.csv: not archived: a FIFO \(named pipe\)/);
    assert.match(run.stderr, /zero\.csv: not archived: a character device \(symbolic link to \/dev\/zero\)/);
    assert.match(run.stderr, /3 input\(s\) not archived/);
    const { records } = await readWarc(join(dir, 'out.warc.gz'));
    assert.deepEqual(
      records.map((r) => r.targetUri ?? r.type),
      ['warcinfo', `${P}page.html`],
    );
    const only = await warckit([P, 'pipe.csv', 'zero.csv', '-n', 'only'], dir, { timeoutMs: 8000 });
    assert.equal(only.code, 1, only.stderr);
    assert.deepEqual(
      (await readWarc(join(dir, 'only.warc.gz'))).records.map((r) => r.type),
      ['warcinfo'],
    );
  } finally {
    await special.close();
  }
});

test('--mapfile given a FIFO, a socket or /dev/zero: exit 2 at once, naming the file and what it is; nothing written', async () => {
  const dir = await tempDir();
  const special = await makeSpecialFiles(dir);
  await mkdir(join(dir, 'site'));
  await writeFile(join(dir, 'site', 'a.html'), 'x');
  try {
    for (const [file, kind] of [
      ['pipe.csv', 'a FIFO \\(named pipe\\)'],
      ['sock.csv', 'a socket'],
      ['zero.csv', 'a character device \\(symbolic link to /dev/zero\\)'],
    ]) {
      const run = await warckit([P, 'site', '-n', 'out', '--mapfile', file!], dir, { timeoutMs: 5000 });
      assert.equal(run.code, 2, `${file}: ${run.stderr}`);
      assert.match(run.stderr, new RegExp(`^warckit: ${file!.replace('.', '\\.')}: the mapfile is not a regular file but ${kind}\\n$`));
    }
    assert.deepEqual((await readdir(dir)).filter((n) => n.includes('out')), []);
  } finally {
    await special.close();
  }
});

test('a mapfile, manifest or results file saved as UTF-16 (Excel\'s "Unicode text", Notepad): exit 2 naming it and saying so, not a parse error about lengths or null bytes; nothing written', async () => {
  const dir = await tempDir();
  await mkdir(join(dir, 'site'));
  await writeFile(join(dir, 'site', 'a.html'), 'x');
  const utf16 = (text: string): Buffer => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
  await writeFile(join(dir, 'map.csv'), utf16('file,URL\na.html,http://www.example.com/b.html\n'));
  await writeFile(join(dir, 'tc.yaml'), utf16(`transclusions:\n  ${P}a.flv:\n    - url: ${P}a.html\n`));
  await writeFile(join(dir, 'results.yaml'), Buffer.from('conversions: {}\n', 'utf16le'));
  for (const [flag, file] of [['--mapfile', 'map.csv'], ['--transclusions', 'tc.yaml'], ['--conversions', 'results.yaml']]) {
    const run = await warckit([P, 'site', '-n', 'out', flag!, file!], dir);
    assert.equal(run.code, 2, `${flag}: ${run.stderr}`);
    assert.match(run.stderr, new RegExp(`${file!.replace('.', '\\.')}: is UTF-16 \\(little-endian\\) text; save it as UTF-8`));
  }
  assert.deepEqual((await readdir(dir)).filter((n) => n.includes('out')), []);
});

test('Latin-1 file names (caf\\xe9.html): archived at caf%E9.html, named so in WARC-Source-URI and the log, exit 0', async () => {
  const dir = await tempDir();
  const site = join(dir, 'site');
  await mkdir(site);
  const latin1 = Buffer.concat([Buffer.from(`${site}/caf`), Buffer.from([0xe9]), Buffer.from('.html')]);
  await writeFile(latin1, '<html>caf\xe9</html>', 'latin1');
  await writeFile(join(site, 'ok.html'), '<html>ok</html>');
  const when = new Date(Date.UTC(2001, 2, 3, 4, 5, 6));
  await utimes(latin1, when, when);
  const run = await warckit([P, 'site', '-n', 'out', '--log', 'log.csv'], dir);
  assert.equal(run.code, 0, run.stderr);
  const { records, problems } = await readWarc(join(dir, 'out.warc.gz'));
  assert.deepEqual(problems, []);
  const cafe = records.find((r) => r.targetUri === `${P}caf%E9.html`);
  assert.ok(cafe, records.map((r) => r.targetUri).join(' '));
  assert.equal(cafe.header('WARC-Source-URI'), 'file://site/caf%E9.html');
  assert.equal(cafe.header('WARC-Date'), '2001-03-03T04:05:06Z');
  assert.equal(cafe.header('Content-Type'), 'text/html');
  assert.deepEqual(cafe.payload, Buffer.from('<html>caf\xe9</html>', 'latin1'));
  assert.match(await readFile(join(dir, 'log.csv'), 'utf8'), /\r\nsite\/caf%E9\.html,resource,http:\/\/www\.example\.com\/caf%E9\.html,2001-03-03T04:05:06Z,text\/html,text\/html,\r\n/);
});

test('back\\slash.html beside back/slash.html on disk: two records at two URLs (back%5Cslash.html), not two at one URL where replay shows one; exit 0', async () => {
  const dir = await tempDir();
  await mkdir(join(dir, 'site', 'back'), { recursive: true });
  await writeFile(join(dir, 'site', 'back\\slash.html'), '<p>backslash</p>');
  await writeFile(join(dir, 'site', 'back', 'slash.html'), '<p>slash</p>');
  const run = await warckit([P, 'site', '-n', 'out', '-d', '20100101'], dir);
  assert.equal(run.code, 0, run.stderr);
  const { records, problems } = await readWarc(join(dir, 'out.warc.gz'));
  assert.deepEqual(problems, []);
  const byUrl = new Map(records.filter((r) => r.type === 'resource').map((r) => [r.targetUri, r.payload.toString()]));
  assert.deepEqual([...byUrl].sort(), [[`${P}back%5Cslash.html`, '<p>backslash</p>'], [`${P}back/slash.html`, '<p>slash</p>']]);
});

test('a ZIP whose stored member has a flipped byte: that member is left out, named with the archive and why; every other member archived, exit 1', async () => {
  const dir = await tempDir();
  await makeIanaLikeZip(join(dir, 'site.zip'));
  await flipStoredByte(join(dir, 'site.zip'), ianaLikeMembers().find(([name]) => name.endsWith('robots.txt'))![1]);
  const run = await warckit([P, 'site.zip', '-n', 'out'], dir);
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stderr, /site\.zip\/www\.iana\.org\/robots\.txt: not archived: .*bad CRC-32 for member "www\.iana\.org\/robots\.txt" of site\.zip/);
  const { records, problems } = await readWarc(join(dir, 'out.warc.gz'));
  assert.deepEqual(problems, []);
  const files = ianaLikeMembers().filter(([name]) => !name.endsWith('/'));
  const urls = records.filter((r) => r.type === 'resource').map((r) => r.targetUri);
  assert.deepEqual(urls.sort(), files.map(([name]) => P + name).filter((u) => !u.endsWith('robots.txt')).sort());
  assert.deepEqual((await readdir(dir)).sort(), ['out.warc.gz', 'site.zip']);
});

test('a ZIP whose deflated member does not match its CRC-32 (plain and gzip WARCs): left out, the rest archived, exit 1; a ZIP damaged where it cannot be listed still stops the run, nothing left behind', async () => {
  const dir = await tempDir();
  await makeIanaLikeZip(join(dir, 'crc.zip'));
  await changeRecordedCrc(join(dir, 'crc.zip'), 'www.iana.org/index.html');
  for (const flags of [['--no-gzip'], []]) {
    const name = `crc${flags.length}`;
    const crc = await warckit([P, 'crc.zip', '-n', name, ...flags], dir);
    assert.equal(crc.code, 1, crc.stderr);
    assert.match(crc.stderr, /crc\.zip\/www\.iana\.org\/index\.html: not archived: .*bad CRC-32 for member "www\.iana\.org\/index\.html" of crc\.zip/);
    const { records, problems } = await readWarc(join(dir, `${name}${flags.length ? '.warc' : '.warc.gz'}`));
    assert.deepEqual(problems, []);
    assert.ok(!records.some((r) => r.targetUri === `${P}www.iana.org/index.html` || r.targetUri === `${P}www.iana.org/`), 'its directory revisit is left out with it');
    assert.equal(records.filter((r) => r.type === 'resource').length, ianaLikeMembers().filter(([name]) => !name.endsWith('/')).length - 1);
  }

  await makeIanaLikeZip(join(dir, 'listing.zip'));
  const zip = await readFile(join(dir, 'listing.zip'));
  const directory = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])); // the first central directory entry
  zip[directory]! ^= 0xff; // its signature: the archive's list of members cannot be read
  await writeFile(join(dir, 'listing.zip'), zip);
  const listing = await warckit([P, 'listing.zip', '-n', 'listing'], dir);
  assert.equal(listing.code, 2, listing.stderr);
  assert.match(listing.stderr, /listing\.zip/);
  assert.ok(!(await readdir(dir)).some((f) => f.startsWith('listing.warc') || f.includes('.partial')));
});

test('a ZIP whose members resolve to one URL (www\\b.html and www/b.html, a name stored twice): every member archived, each clash named with both members and the URL replay will show one of, exit 1', async () => {
  const dir = await tempDir();
  await makeZip(join(dir, 'dup.zip'), '', { 'www/b.html': 'slash', 'www/x.html': 'backslash', 'www/c.html': 'first', 'www/d.html': 'second' });
  await renameMembers(join(dir, 'dup.zip'), [
    { from: 'www/x.html', to: 'www\\b.html' },
    { from: 'www/d.html', to: 'www/c.html' },
  ]);
  const run = await warckit([P, 'dup.zip', '-n', 'out'], dir);
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stderr, /dup\.zip\/www\\b\.html has the URL of dup\.zip\/www\/b\.html \(http:\/\/www\.example\.com\/www\/b\.html\): both archived, replay shows one of them/);
  assert.match(run.stderr, /dup\.zip\/www\/c\.html has the URL of dup\.zip\/www\/c\.html \(http:\/\/www\.example\.com\/www\/c\.html\)/);
  assert.match(run.stderr, /2 input\(s\) share a URL with another \(listed above\)/);
  const { records, problems } = await readWarc(join(dir, 'out.warc.gz'));
  assert.deepEqual(problems, []);
  assert.deepEqual(records.filter((r) => r.type === 'resource').map((r) => r.payload.toString()).sort(), ['backslash', 'first', 'second', 'slash']);
});

test('a legacy ZIP whose members are named "../x", "/x", "dir\\x" or in CP437: every member archived at the URL its path resolves to, exit 0 (the whole ZIP was refused)', async () => {
  const dir = await tempDir();
  await oddlyNamedZip(join(dir, 'legacy.zip'));
  const run = await warckit([P, 'legacy.zip', '-n', 'out'], dir);
  assert.equal(run.code, 0, run.stderr);
  const { records, problems } = await readWarc(join(dir, 'out.warc.gz'));
  assert.deepEqual(problems, []);
  const got = records.filter((r) => r.type === 'resource').map((r) => [r.targetUri, r.payload.toString()]);
  assert.deepEqual(got, ODDLY_NAMED_URLS.map(([path, content]) => [P + path, content]));
});

test('--use-magic magic on a www.iana.org.zip-like ZIP (deflated members over 4 KB): every member archived intact, exit 0', async () => {
  const dir = await tempDir();
  await makeIanaLikeZip(join(dir, 'www.iana.org.zip'));
  const run = await warckit([P, 'www.iana.org.zip', '--use-magic', 'magic', '-n', 'out'], dir);
  assert.equal(run.code, 0, run.stderr);
  const { records, problems } = await readWarc(join(dir, 'out.warc.gz'));
  assert.deepEqual(problems, []);
  const resources = records.filter((r) => r.type === 'resource');
  const members = ianaLikeMembers().filter(([name]) => !name.endsWith('/'));
  assert.equal(resources.length, members.length);
  for (const [name, content] of members) {
    const record = resources.find((r) => r.targetUri === P + name);
    assert.ok(record, name);
    assert.deepEqual(record.payload, content, name);
  }
  assert.equal(resources.find((r) => r.targetUri === `${P}www.iana.org/_img/logo.png`)!.header('Content-Type'), 'image/png');
  assert.equal(resources.find((r) => r.targetUri === `${P}www.iana.org/numbers`)!.header('Content-Type'), 'text/html');
  assert.deepEqual(await leftovers(dir), []);
});

/** 30,000 empty files: walking them takes this machine about two seconds. */
// Temp dirs shared by tests are made at the top level, so they last until the file ends.
const sharedDirs = [tempDir(), tempDir()] as const;
let bigTree: Promise<string> | undefined;
function makeBigTree(): Promise<string> {
  bigTree ??= sharedDirs[0].then((dir) => {
    for (let d = 0; d < 300; d++) {
      mkdirSync(join(dir, 'site', `d${d}`), { recursive: true });
      for (let f = 0; f < 100; f++) writeFileSync(join(dir, 'site', `d${d}`, `f${f}.html`), '');
    }
    return dir;
  });
  return bigTree;
}

/** How long a run on one small file takes now (start-up, on this machine, at this load). */
let startup: Promise<number> | undefined;
function startupMs(): Promise<number> {
  startup ??= sharedDirs[1].then(async (dir) => {
    await writeFile(join(dir, 'a.html'), 'x');
    const started = Date.now();
    const run = await warckit([P, 'a.html', '-n', 'a'], dir);
    assert.equal(run.code, 0, run.stderr);
    return Date.now() - started;
  });
  return startup;
}

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  test(`${signal} while walking 30,000 files ends the run within a second, exit 130, nothing written`, async () => {
    const dir = await makeBigTree();
    // Sent once start-up is over, mid-walk. A signal that comes before the CLI's handlers are
    // set kills Node outright (a loaded machine can start slower than measured): try later.
    let delay = (await startupMs()) + 300;
    let run = await warckit([P, 'site', '-n', `out-${signal}`], dir, { interrupt: signal, interruptAfterMs: delay, timeoutMs: 20_000 });
    for (let retry = 0; retry < 2 && run.signal === signal; retry++) {
      delay *= 2;
      run = await warckit([P, 'site', '-n', `out-${signal}`], dir, { interrupt: signal, interruptAfterMs: delay, timeoutMs: 20_000 });
    }
    assert.equal(run.code, 130, `signal ${run.signal ?? '-'} after ${delay} ms: ${run.stderr}`);
    assert.ok(run.ms < 1000, `took ${run.ms} ms after ${signal}`);
    assert.match(run.stderr, /interrupted; no WARC written/);
    assert.deepEqual(await readdir(dir), ['site']);
  });
}

test('files on disk whose names give one URL (café.dat and caf%C3%A9.dat, a\\b.html and a%5Cb.html): both archived, each pair named, exit 1', async () => {
  const dir = await tempDir();
  await mkdir(join(dir, 'site'));
  for (const [name, content] of [['café.dat', 'raw'], ['caf%C3%A9.dat', 'escaped'], ['a\\b.html', 'backslash'], ['a%5Cb.html', 'escaped backslash']]) await writeFile(join(dir, 'site', name!), content!);
  const run = await warckit([P, 'site', '-n', 'out'], dir);
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stderr, /site\/caf(é|%C3%A9)\.dat has the URL of site\/caf(%C3%A9|é)\.dat \(http:\/\/www\.example\.com\/caf%C3%A9\.dat\): both archived, replay shows one of them/);
  assert.match(run.stderr, /has the URL of site\/a(\\|%5C)b\.html \(http:\/\/www\.example\.com\/a%5Cb\.html\)/);
  const { records } = await readWarc(join(dir, 'out.warc.gz'));
  assert.equal(records.filter((r) => r.type === 'resource').length, 4);
});
