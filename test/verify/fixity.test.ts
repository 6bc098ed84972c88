/** Fixity manifests: md5sum/sha256sum line format, read back by coreutils and by us. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { formatManifest, parseManifest } from '../../src/verify/fixity.js';
import { checkManifests, hashFile, manifestPaths, writeManifests } from '../../src/verify/fixity-files.js';
import { tempDir } from '../helpers/tmp.js';

const run = promisify(execFile);

test('manifests round-trip, names with a backslash or newline escaped as GNU coreutils does; bad lines name the file and line', () => {
  const lines = [
    { hash: 'b'.repeat(32), path: 'site/b.flv' },
    { hash: 'a'.repeat(32), path: 'a\\b\nc.flv' },
    { hash: 'c'.repeat(32), path: '../site/with space.wav' },
  ];
  const text = formatManifest(lines);
  assert.equal(text, `${'c'.repeat(32)}  ../site/with space.wav\n\\${'a'.repeat(32)}  a\\\\b\\nc.flv\n${'b'.repeat(32)}  site/b.flv\n`);
  assert.deepEqual(parseManifest(text, 'm.md5'), { algorithm: 'md5', lines: [lines[2], lines[1], lines[0]] });
  assert.equal(parseManifest(`${'d'.repeat(64)} *binary.bin\n`, 'm').algorithm, 'sha256');
  assert.throws(() => parseManifest('not a manifest\n', 'm.md5'), /m\.md5: line 1: expected "<hex digest>  <path>"/);
  assert.throws(() => parseManifest(`${'a'.repeat(32)}  x\n${'a'.repeat(64)}  y\n`, 'm'), /m: line 2: an sha256 digest among md5 digests/);
  assert.throws(() => parseManifest(`${'a'.repeat(40)}  x\n`, 'm'), /neither md5 \(32\) nor sha256 \(64\)/);
});

test('the BSD tag format (sha256sum --tag, macOS shasum --tag and md5, openssl dgst) is read too; a tag that disagrees with the digest is an error', async () => {
  const dir = await tempDir();
  await writeFile(join(dir, 'a b.flv'), 'clip');
  await writeFile(join(dir, 'c(1).wav'), 'sound');
  const gnu = (await run('sha256sum', ['--tag', 'a b.flv', 'c(1).wav'], { cwd: dir })).stdout;
  assert.match(gnu, /^SHA256 \(a b\.flv\) = [0-9a-f]{64}$/m);
  const digests = parseManifest((await run('sha256sum', ['a b.flv', 'c(1).wav'], { cwd: dir })).stdout, 'plain');
  assert.deepEqual(parseManifest(gnu, 'tag'), digests);
  const md5 = (await run('md5sum', ['--tag', 'a b.flv'], { cwd: dir })).stdout;
  assert.deepEqual(parseManifest(md5, 'tag.md5'), parseManifest((await run('md5sum', ['a b.flv'], { cwd: dir })).stdout, 'plain.md5'));
  const hash = digests.lines[0]!.hash;
  for (const line of [`SHA256(a b.flv)= ${hash}`, `SHA2-256(a b.flv)= ${hash}`, `SHA256 (a b.flv) = ${hash.toUpperCase()}`]) {
    assert.deepEqual(parseManifest(`${line}\n`, 'openssl').lines, [{ hash, path: 'a b.flv' }], line);
  }
  assert.throws(() => parseManifest(`MD5 (a b.flv) = ${hash}\n`, 'm'), /m: line 1: an MD5 tag on a 64-digit digest/);
});

test('written manifests pass md5sum -c and sha256sum -c; a changed or missing file is found', async () => {
  const dir = await tempDir();
  const out = join(dir, 'out');
  await mkdir(join(dir, 'site'), { recursive: true });
  await mkdir(out);
  const files = [join(dir, 'site', 'a b.wav'), join(out, 'a b.wav.flac')];
  await writeFile(files[0]!, 'source bytes');
  await writeFile(files[1]!, 'output bytes');
  const paths = manifestPaths(out);
  await writeManifests(paths, new Map(await Promise.all(files.map(async (f) => [f, await hashFile(f)] as const))));
  await run('md5sum', ['-c', '--quiet', 'manifest.md5'], { cwd: out });
  await run('sha256sum', ['-c', '--quiet', 'manifest.sha256'], { cwd: out });

  await writeFile(files[0]!, 'source byteZ');
  await writeFile(files[1]!, '');
  const { rm } = await import('node:fs/promises');
  await rm(files[1]!);
  const check = await checkManifests([paths.md5, paths.sha256]);
  assert.equal(check.checked, 2);
  assert.deepEqual(check.problems.map((p) => `${p.status} ${p.path}`).sort(), [`changed ${files[0]}`, `missing ${files[1]}`]);
});
