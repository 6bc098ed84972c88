/** A gzip file read member by member: where each starts, its CRC-32 checked, and where reading stopped and why. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { gzipHeaderLength, type InflatedRun, inflateMembers } from '../../src/warc/gzip-members.js';
import { tempDir } from '../helpers/tmp.js';

async function readRun(path: string, start = 0): Promise<{ run: InflatedRun; bytes: Buffer }> {
  const run: InflatedRun = { members: [], end: start };
  const parts: Buffer[] = [];
  for await (const chunk of inflateMembers(path, start, run)) parts.push(chunk);
  return { run, bytes: Buffer.concat(parts) };
}

/** A member with a file name and an extra field in its header (as some tools write). */
function namedMember(data: Buffer): Buffer {
  const plain = gzipSync(data);
  const extra = Buffer.from([4, 0, 0x41, 0x42, 0, 0]);
  const header = Buffer.from([0x1f, 0x8b, 8, 0x04 | 0x08, 0, 0, 0, 0, 0, 3]);
  return Buffer.concat([header, extra, Buffer.from('name.warc\0'), plain.subarray(10)]);
}

test('members small and large (streamed past the block in memory, or inflating past 8 MB) come out whole, each with its offset', async () => {
  const dir = await tempDir();
  const parts = [Buffer.from('first record\r\n'), randomBytes(3 * 1024 * 1024), Buffer.alloc(20 * 1024 * 1024, 7), Buffer.from('last')];
  const members = [gzipSync(parts[0]!), namedMember(parts[1]!), gzipSync(parts[2]!), gzipSync(parts[3]!)];
  const path = join(dir, 'x.gz');
  await writeFile(path, Buffer.concat(members));
  const { run, bytes } = await readRun(path);
  assert.ok(bytes.equals(Buffer.concat(parts)));
  let offset = 0;
  let inflated = 0;
  assert.deepEqual(
    run.members,
    members.map((m, i) => {
      const start = { offset, inflated };
      offset += m.length;
      inflated += parts[i]!.length;
      return start;
    }),
  );
  assert.equal(run.end, offset);
  assert.equal(run.damage, undefined);
});

test('a damaged member stops the run saying where and why; one whose trailer does not match says where the next one starts', async () => {
  const dir = await tempDir();
  const a = gzipSync(Buffer.from('a'.repeat(5000)));
  const b = gzipSync(Buffer.from('b'.repeat(5000)));
  const path = join(dir, 'x.gz');
  const crc = Buffer.concat([a, b]);
  crc[a.length - 6] = crc[a.length - 6]! ^ 0xff; // a's CRC-32
  await writeFile(path, crc);
  assert.deepEqual((await readRun(path)).run.damage, { offset: 0, problem: 'damaged gzip member (its CRC-32 or length does not match its data)', next: a.length });
  assert.equal((await readRun(path, a.length)).bytes.toString(), 'b'.repeat(5000));
  const data = Buffer.concat([a, b]);
  data.fill(0xff, a.length + 10, a.length + 14); // inside b's deflate data
  await writeFile(path, data);
  const broken = await readRun(path);
  assert.equal(broken.run.damage?.offset, a.length);
  assert.match(broken.run.damage!.problem, /^damaged gzip member \(it cannot be inflated: /);
  await writeFile(path, Buffer.concat([a, Buffer.from('garbage')]));
  assert.deepEqual((await readRun(path)).run.damage, { offset: a.length, problem: 'cannot read a record here (not a gzip member)' });
});

test('a file cut inside a member: what it held up to the cut comes out, and the run says it was cut off', async () => {
  const dir = await tempDir();
  const text = Buffer.from(Array.from({ length: 20000 }, (_, i) => `line ${i}\n`).join(''));
  const whole = gzipSync(text);
  const path = join(dir, 'x.gz');
  await writeFile(path, whole.subarray(0, whole.length - 100));
  const cut = await readRun(path);
  assert.deepEqual(cut.run.damage, { offset: 0, problem: 'cut off: the file ends inside this gzip member', cutOff: true });
  assert.ok(cut.bytes.length > text.length / 2 && text.subarray(0, cut.bytes.length).equals(cut.bytes), 'the bytes before the cut');
  await writeFile(path, whole.subarray(0, whole.length - 3));
  assert.deepEqual((await readRun(path)).run.damage, { offset: 0, problem: "cut off: the file ends inside this gzip member's trailer", cutOff: true });
  assert.equal(gzipHeaderLength(Buffer.from([0x1f, 0x8b, 8, 0x08, 0, 0, 0, 0, 0, 3, 0x41])), 'a gzip member whose header does not end');
  assert.equal(gzipHeaderLength(Buffer.from([0x1f, 0x8b, 9, 0, 0, 0, 0, 0, 0, 3])), 'a gzip member of an unknown compression method (9)');
  assert.equal(gzipHeaderLength(Buffer.from([0x1f, 0x8b, 8, 0x04, 0, 0, 0, 0, 0, 3, 9])), 'a gzip member whose header does not end');
});
