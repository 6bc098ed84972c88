import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import zlib from 'node:zlib';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { test } from 'node:test';
import { readZip } from '../../src/inputs/zip.js';
import { crc32, portableCrc32 } from '../../src/inputs/zip-reader.js';
import { readHead } from '../../src/warc/content-type.js';
import { changeRecordedCrc, flipStoredByte, ianaLikeMembers, makeIanaLikeZip, ODDLY_NAMED_URLS, oddlyNamedZip, patchMember } from '../helpers/zip-fixture.js';
import { tempDir } from '../helpers/tmp.js';

const P = 'http://example.com/';
const files = ianaLikeMembers().filter(([name]) => !name.endsWith('/'));

test('members read whole match the files put in (deflated and stored)', async () => {
  const dir = await tempDir();
  const path = join(dir, 'www.iana.org.zip');
  await makeIanaLikeZip(path);
  const zip = await readZip(path, '', P);
  try {
    assert.deepEqual(
      zip.entries.map((e) => e.url),
      files.map(([name]) => P + name),
    );
    for (const entry of zip.entries) {
      const expected = files.find(([name]) => entry.zip?.member === name)![1];
      assert.deepEqual(await buffer(await entry.open()), expected, entry.path);
    }
  } finally {
    zip.close();
  }
});

test('reading only the heads of members, concurrently, then whole (as --use-magic does), does not crash', async () => {
  const dir = await tempDir();
  const path = join(dir, 'www.iana.org.zip');
  await makeIanaLikeZip(path);
  const zip = await readZip(path, 'www.iana.org/', P);
  try {
    for (let round = 0; round < 3; round++) {
      const heads = await Promise.all(zip.entries.map((e) => readHead(e.open, 4100)));
      const whole = await Promise.all(zip.entries.map(async (e) => buffer(await e.open())));
      zip.entries.forEach((entry, i) => {
        const expected = files.find(([name]) => entry.zip?.member === name)![1];
        assert.deepEqual(heads[i], expected.subarray(0, 4100), entry.path);
        assert.deepEqual(whole[i], expected, entry.path);
      });
    }
  } finally {
    zip.close();
  }
});

test('a stored member with a flipped byte fails with "bad CRC-32", naming the archive and the member', async () => {
  const dir = await tempDir();
  const path = join(dir, 'site.zip');
  await makeIanaLikeZip(path);
  const robots = files.find(([name]) => name.endsWith('robots.txt'))![1];
  await flipStoredByte(path, robots);
  const zip = await readZip(path, '', P);
  try {
    const damaged = zip.entries.find((e) => e.path.endsWith('robots.txt'))!;
    await assert.rejects(async () => buffer(await damaged.open()), {
      name: 'ZipCrcError',
      message: new RegExp(`^bad CRC-32 for member "www\\.iana\\.org/robots\\.txt" of ${path.replace(/\./g, '\\.')}: [0-9a-f]{8}, the ZIP says [0-9a-f]{8} \\(the ZIP file is damaged\\)$`),
    });
    const sound = zip.entries.find((e) => e.path.endsWith('index.html'))!;
    assert.ok((await buffer(await sound.open())).length > 6000);
  } finally {
    zip.close();
  }
});

test('a deflated member whose CRC-32 does not match fails too', async () => {
  const dir = await tempDir();
  const path = join(dir, 'site.zip');
  await makeIanaLikeZip(path);
  await changeRecordedCrc(path, 'www.iana.org/domains/root/db');
  const zip = await readZip(path, '', P);
  try {
    const damaged = zip.entries.find((e) => e.path.endsWith('root/db'))!;
    await assert.rejects(async () => buffer(await damaged.open()), /bad CRC-32 for member "www\.iana\.org\/domains\/root\/db"/);
  } finally {
    zip.close();
  }
});

test('a FIFO named like a ZIP is refused, not read', async () => {
  const dir = await tempDir();
  const fifo = join(dir, 'site.zip');
  execFileSync('mkfifo', [fifo]);
  await assert.rejects(readZip(fifo, '', P), /site\.zip: the ZIP file is not a regular file but a FIFO \(named pipe\)/);
});

test('the portable CRC-32 agrees with zlib', () => {
  const data = randomBytes(100_000);
  const portable = portableCrc32();
  const native = (zlib as { crc32?: (d: Uint8Array, v?: number) => number }).crc32;
  assert.equal(portable(data.subarray(50_000), portable(data.subarray(0, 50_000))), crc32(data));
  if (native) assert.equal(crc32(data), native(data));
  assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926);
});

test('an aborted signal stops listing a ZIP', async () => {
  const dir = await tempDir();
  const path = join(dir, 'www.iana.org.zip');
  await makeIanaLikeZip(path);
  await assert.rejects(readZip(path, '', P, AbortSignal.abort(new Error('stop listing'))), /stop listing/);
});

test('members named with "..", a leading "/", backslashes or in CP437 are read, each at the URL its path resolves to', async () => {
  const dir = await tempDir();
  const path = join(dir, 'legacy.zip');
  await oddlyNamedZip(path);
  const zip = await readZip(path, '', P);
  try {
    const got = await Promise.all(zip.entries.map(async (e) => [e.url, (await buffer(await e.open())).toString()]));
    assert.deepEqual(got, ODDLY_NAMED_URLS.map(([urlPath, content]) => [P + urlPath, content]));
  } finally {
    zip.close();
  }
  const www = await readZip(path, 'www/', P);
  try {
    assert.deepEqual(www.entries.map((e) => e.url), [`${P}back.html`, `${P}b.html`, `${P}M%C3%BCller.html`, `${P}ok.html`]);
  } finally {
    www.close();
  }
});

test('an encrypted member, or one compressed in a way that cannot be read (bzip2), fails naming the member and why, once', async () => {
  const dir = await tempDir();
  const path = join(dir, 'site.zip');
  await makeIanaLikeZip(path);
  await patchMember(path, 'www.iana.org/index.html', { encrypted: true });
  await patchMember(path, 'www.iana.org/numbers', { method: 12 });
  const zip = await readZip(path, '', P);
  try {
    const open = (member: string) => zip.entries.find((e) => e.zip?.member === `www.iana.org/${member}`)!.open();
    await assert.rejects(open('index.html'), { message: `${path}/www.iana.org/index.html: cannot read ZIP member: it is encrypted (warckit has no ZIP passwords)` });
    await assert.rejects(open('numbers'), { message: `${path}/www.iana.org/numbers: cannot read ZIP member: compressed with method 12 (bzip2); warckit reads stored and deflated members` });
  } finally {
    zip.close();
  }
});
