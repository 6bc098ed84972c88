import assert from 'node:assert/strict';
import { mkdir, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { test } from 'node:test';
import { type WalkItem, walkInputBatches, walkInputs } from '../../src/inputs/walk.js';
import { within } from '../helpers/deadline.js';
import { makeZip } from '../helpers/site.js';
import { makeSpecialFiles } from '../helpers/special-files.js';
import { tempDir } from '../helpers/tmp.js';

const P = 'http://example.com/';

/** A path made of text and raw bytes, for names that are not UTF-8. */
const bytes = (...parts: Array<string | number[]>): Buffer => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));

test('FIFOs, sockets, devices and broken symlinks in a directory are skipped and listed, never opened', async () => {
  const dir = await tempDir();
  const site = join(dir, 'site');
  await mkdir(site);
  await writeFile(join(site, 'index.html'), '<html></html>');
  const special = await makeSpecialFiles(site);
  await symlink(join(site, 'index.html'), join(site, 'link.html'));
  try {
    const walk = await within(walkInputs([site], P), 3000, 'walkInputs', [special.fifo]);
    walk.close();
    assert.deepEqual(
      walk.entries.map((e) => e.url),
      [`${P}index.html`, `${P}link.html`],
    );
    assert.deepEqual(walk.skipped, [
      { path: `${site}/dangling.csv`, kind: `broken symbolic link (to ${join(site, 'nowhere')})` },
      { path: `${site}/pipe.csv`, kind: 'FIFO (named pipe)' },
      { path: `${site}/sock.csv`, kind: 'socket' },
      { path: `${site}/zero.csv`, kind: 'character device (symbolic link to /dev/zero)' },
    ]);
  } finally {
    await special.close();
  }
});

test('a FIFO, a socket or /dev/zero named as an input is skipped and listed; the other inputs are walked', async () => {
  const dir = await tempDir();
  const special = await makeSpecialFiles(dir);
  const page = join(dir, 'page.html');
  await writeFile(page, 'x');
  try {
    const walk = await within(walkInputs([special.fifo, page, special.socket, special.zero], P), 3000, 'walkInputs', [special.fifo]);
    walk.close();
    assert.deepEqual(
      walk.entries.map((e) => e.url),
      [`${P}page.html`],
    );
    assert.deepEqual(
      walk.skipped.map((s) => `${s.path}: ${s.kind}`),
      [`${special.fifo}: FIFO (named pipe)`, `${special.socket}: socket`, `${special.zero}: character device (symbolic link to /dev/zero)`],
    );
  } finally {
    await special.close();
  }
});

test('a file swapped for a FIFO after the walk is refused when opened, not read forever', async () => {
  const dir = await tempDir();
  const file = join(dir, 'a.html');
  await writeFile(file, 'x');
  const walk = await walkInputs([file], P);
  const { execFileSync } = await import('node:child_process');
  const { rm } = await import('node:fs/promises');
  await rm(file);
  execFileSync('mkfifo', [file]);
  await assert.rejects(within(walk.entries[0]!.open(), 3000, 'open', [file]), /a\.html: is not a regular file but a FIFO \(named pipe\)/);
});

test('names that are not UTF-8 are archived with their bytes percent-encoded in the URL and the path', async () => {
  const dir = await tempDir();
  const site = join(dir, 'site');
  await mkdir(site);
  const mtime = new Date(Date.UTC(2003, 1, 3));
  const files: Array<[Buffer, string]> = [
    [bytes(site, '/caf', [0xe9], '.html'), 'latin-1 name'],
    [bytes(site, '/100%', [0xe9], ' #1.html'), 'percent, space and hash'],
    [bytes(site, '/café.html'), 'utf-8 name'],
  ];
  await mkdir(bytes(site, '/d', [0xe9], 'j', [0xe0]));
  files.push([bytes(site, '/d', [0xe9], 'j', [0xe0], '/index.html'), 'in a latin-1 directory']);
  for (const [path, content] of files) {
    await writeFile(path, content);
    await utimes(path, mtime, mtime);
  }
  const walk = await walkInputs([site], P);
  walk.close();
  const got = walk.entries.map((e) => ({ url: e.url, path: e.path, rel: e.relativePath, filePath: e.filePath }));
  assert.deepEqual(got, [
    { url: `${P}100%25%E9%20%231.html`, path: `${site}/100%25%E9 #1.html`, rel: '100%25%E9 #1.html', filePath: undefined },
    { url: `${P}caf%E9.html`, path: `${site}/caf%E9.html`, rel: 'caf%E9.html', filePath: undefined },
    { url: `${P}caf%C3%A9.html`, path: `${site}/café.html`, rel: 'café.html', filePath: `${site}/café.html` },
    { url: `${P}d%E9j%E0/index.html`, path: `${site}/d%E9j%E0/index.html`, rel: 'd%E9j%E0/index.html', filePath: undefined },
  ]);
  for (const entry of walk.entries) assert.equal(entry.mtime.getTime(), mtime.getTime());
  const contents = await Promise.all(walk.entries.map(async (e) => text(await e.open())));
  assert.deepEqual(contents, ['percent, space and hash', 'latin-1 name', 'utf-8 name', 'in a latin-1 directory']);
  assert.deepEqual(
    walk.entries.map((e) => e.size),
    [23, 12, 10, 22],
  );
});

test('an aborted signal stops the walk between files', async () => {
  const dir = await tempDir();
  const site = join(dir, 'site');
  for (let d = 0; d < 20; d++) {
    await mkdir(join(site, `d${d}`), { recursive: true });
    for (let f = 0; f < 20; f++) await writeFile(join(site, `d${d}`, `f${f}.html`), 'x');
  }
  await assert.rejects(walkInputs([site], P, { signal: AbortSignal.abort(new Error('stop now')) }), /stop now/);
  const controller = new AbortController();
  const walking = walkInputs([site], P, { signal: controller.signal });
  setImmediate(() => controller.abort(new Error('interrupted')));
  await assert.rejects(walking, /interrupted/);
});

test('an upper-case .ZIP input is unpacked like .zip, and files of a directory come in name order (documented differences)', async () => {
  const dir = await tempDir();
  await makeZip(join(dir, 'SITE.ZIP'), 'www/', { 'b.html': 'b', 'a.html': 'a' });
  await mkdir(join(dir, 'site', 'sub'), { recursive: true });
  for (const name of ['zeta.html', 'Alpha.html', 'beta.html', 'sub/inner.html']) await writeFile(join(dir, 'site', name), name);
  const walk = await walkInputs([join(dir, 'SITE.ZIP'), join(dir, 'SITE.ZIP', 'www', 'a.html'), join(dir, 'site')], P);
  walk.close();
  assert.deepEqual(
    walk.entries.map((e) => e.url),
    [`${P}www/b.html`, `${P}www/a.html`, `${P}a.html`, `${P}Alpha.html`, `${P}beta.html`, `${P}zeta.html`, `${P}sub/inner.html`],
  );
});

test('symbolic links to directories are not followed (as os.walk), and listed as such; a link to a file is read', async () => {
  const dir = await tempDir();
  const site = join(dir, 'site');
  await mkdir(join(site, 'sub'), { recursive: true });
  await writeFile(join(site, 'a.html'), 'a');
  await mkdir(join(dir, 'shared'));
  await writeFile(join(dir, 'shared', 'b.html'), 'b');
  await symlink(join(dir, 'shared'), join(site, 'shared'));
  await symlink('..', join(site, 'sub', 'up'));
  await symlink(join(dir, 'shared', 'b.html'), join(site, 'b.html'));
  const walk = await walkInputs([site], P);
  assert.deepEqual(walk.entries.map((e) => e.url), [`${P}a.html`, `${P}b.html`]);
  assert.deepEqual(walk.unfollowed, [
    { path: join(site, 'shared'), target: join(dir, 'shared') },
    { path: join(site, 'sub', 'up'), target: '..' },
  ]);
  assert.deepEqual(walk.skipped, []);
});

test('a tree as deep as paths go (1,900 levels: a mirror that recursed into itself) is walked, in the same order as a shallow one (it overflowed the call stack)', async () => {
  const dir = await tempDir();
  let deep = join(dir, 'site');
  await mkdir(deep);
  await writeFile(join(deep, 'top.html'), 'top');
  for (let i = 0; i < 1900; i++) deep = join(deep, 'd');
  await mkdir(deep, { recursive: true });
  await writeFile(join(deep, 'x.html'), 'deep');
  await mkdir(join(dir, 'site', 'e'));
  await writeFile(join(dir, 'site', 'e', 'after.html'), 'after');
  const walk = await walkInputs([join(dir, 'site')], P);
  walk.close();
  assert.deepEqual(walk.entries.map((e) => e.url), [`${P}top.html`, `${P}${'d/'.repeat(1900)}x.html`, `${P}e/after.html`], 'files first, then each subdirectory in name order, depth first');
});

test('a URL prefix in capitals or with its default port (HTTP://WWW.Example.COM:80/) gives URLs as replay systems ask for them: scheme and host in lower case, no default port; the path as given', async () => {
  const dir = await tempDir();
  await mkdir(join(dir, 'site'));
  await writeFile(join(dir, 'site', 'Upper.HTML'), '<p>x</p>');
  await makeZip(join(dir, 'site.zip'), '', { 'In.html': 'zip' });
  const walk = await walkInputs([join(dir, 'site'), join(dir, 'site.zip')], 'HTTP://WWW.Example.COM:80/Old/');
  assert.deepEqual(walk.entries.map((e) => e.url), ['http://www.example.com/Old/Upper.HTML', 'http://www.example.com/Old/In.html']);
  walk.close();
});

test('a file or subdirectory removed after its directory was listed (a directory archived while it changes) is reported as gone, and the walk goes on', async () => {
  const dir = await tempDir();
  const site = join(dir, 'site');
  await mkdir(join(site, 'sub'), { recursive: true });
  for (let i = 0; i < 300; i++) await writeFile(join(site, `f${String(i).padStart(3, '0')}.html`), `<p>${i}</p>`);
  await writeFile(join(site, 'sub', 'a.html'), 'a');
  const batches = await walkInputBatches([site], 'http://x/');
  const items: WalkItem[] = [];
  for await (const batch of batches) {
    // The first batch (256 files) is out: the listing holds f299 and sub, which are then removed.
    if (!items.length) {
      await rm(join(site, 'f299.html'));
      await rm(join(site, 'sub'), { recursive: true });
    }
    items.push(...batch);
  }
  assert.equal(items.filter((i) => i.entry).length, 299);
  assert.deepEqual(
    items.filter((i) => i.skipped).map((i) => i.skipped),
    [
      { path: join(site, 'f299.html'), kind: 'file removed after its directory was listed', gone: true },
      { path: join(site, 'sub'), kind: 'directory removed after its parent was listed', gone: true },
    ],
  );
});
