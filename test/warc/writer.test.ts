import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { base32 } from '../../src/warc/digest.js';
import { chooseLevel } from '../../src/warc/gzip.js';
import { PayloadReadError, type WarcRecordInput, WarcWriteError, WarcWriter, type WrittenRecord } from '../../src/warc/writer.js';
import { readWarc } from '../helpers/warc-check.js';
import { tempDir } from '../helpers/tmp.js';

function fileRecord(path: string, size: number, url: string): WarcRecordInput {
  return {
    head: { type: 'resource', recordId: `<urn:uuid:${url}>`, date: new Date(0), targetUri: url, contentType: 'application/octet-stream', headers: [] },
    payload: { kind: 'stream', size, name: path, open: () => createReadStream(path, { highWaterMark: 64 * 1024 }) },
    payloadDigest: true,
  };
}

async function writeAll(path: string, inputs: WarcRecordInput[], gzip: boolean, threshold: number): Promise<WrittenRecord[]> {
  const fh = await open(path, 'w');
  try {
    const writer = new WarcWriter(fh, 0, { gzip, memoryThreshold: threshold, concurrency: 3 });
    const pending = [];
    for (const input of inputs) pending.push((await writer.add(input)).written);
    await writer.flush();
    return (await Promise.all(pending)).map((r) => r!);
  } finally {
    await fh.close();
  }
}

for (const gzip of [false, true]) {
  test(`streamed and in-memory payloads, in order, digests valid (${gzip ? 'gzip' : 'plain'})`, async () => {
    const dir = await tempDir();
    const random = join(dir, 'random.bin');
    const text = join(dir, 'text.html');
    await writeFile(random, randomBytes(5 * 1024 * 1024 + 17));
    await writeFile(text, '<p>compressible</p>\n'.repeat(200_000));
    const small = join(dir, 'small.txt');
    await writeFile(small, 'small');
    const inputs = [
      fileRecord(random, 5 * 1024 * 1024 + 17, 'http://x/random.bin'),
      fileRecord(small, 5, 'http://x/small.txt'),
      fileRecord(text, 20 * 200_000, 'http://x/text.html'),
    ];
    const out = join(dir, gzip ? 'out.warc.gz' : 'out.warc');
    const written = await writeAll(out, inputs, gzip, 1024);
    assert.deepEqual(written.map((r) => r.targetUri), ['http://x/random.bin', 'http://x/small.txt', 'http://x/text.html']);
    const { records, problems } = await readWarc(out);
    assert.deepEqual(problems, []);
    assert.deepEqual(records.map((r) => r.targetUri), ['http://x/random.bin', 'http://x/small.txt', 'http://x/text.html']);
    for (const [i, path] of [random, small, text].entries()) {
      assert.ok(records[i]!.payload.equals(await readFile(path)), `payload ${i} read back intact`);
    }
    if (gzip) {
      // Every record is its own gzip member: decompressible alone from its offset.
      const bytes = await readFile(out);
      for (const record of written) {
        const member = gunzipSync(bytes.subarray(record.offset, record.offset + record.length)).toString('latin1');
        assert.match(member, new RegExp(`^WARC/1.0\r\nWARC-Type: resource\r\n[\\s\\S]*WARC-Target-URI: ${record.targetUri!.replace(/\./g, '\\.')}\r\n`));
        assert.ok(member.endsWith('\r\n\r\n'));
      }
      // Random bytes are stored, HTML is compressed.
      assert.ok(written[0]!.length > 5 * 1024 * 1024, 'random payload stored');
      assert.ok(written[2]!.length < 400_000, `text compressed (${written[2]!.length} bytes)`);
    }
  });
}

test('auto level: stores what does not compress, compresses what does', () => {
  assert.equal(chooseLevel('auto', [randomBytes(65536)]), 0);
  assert.equal(chooseLevel('auto', [Buffer.from('<html><body>hello</body></html>\n'.repeat(2000))]), 6);
  assert.equal(chooseLevel(9, [randomBytes(100)]), 9);
});

test('an unreadable payload fails the write with the file named', async () => {
  const dir = await tempDir();
  const fh = await open(join(dir, 'x.warc'), 'w');
  const writer = new WarcWriter(fh, 0, { gzip: true, memoryThreshold: 10 });
  const failing: WarcRecordInput = {
    head: { type: 'resource', recordId: '<urn:uuid:x>', date: new Date(0), targetUri: 'http://x/secret', headers: [] },
    payload: {
      kind: 'stream',
      size: 100,
      name: 'site/secret.html',
      open: () => {
        throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
      },
    },
    payloadDigest: true,
  };
  const { written } = await writer.add(failing);
  await assert.rejects(written, (e: Error) => e instanceof PayloadReadError && e.message.startsWith('site/secret.html: cannot read'));
  await assert.rejects(writer.flush(), PayloadReadError);
  await fh.close();
});

test('a file that shrinks while being read is an error, not a short record', async () => {
  const dir = await tempDir();
  const fh = await open(join(dir, 'x.warc'), 'w');
  const writer = new WarcWriter(fh, 0, { gzip: false, memoryThreshold: 10 });
  const { written } = await writer.add({
    head: { type: 'resource', recordId: '<urn:uuid:y>', date: new Date(0), targetUri: 'http://x/y', headers: [] },
    payload: { kind: 'stream', size: 1000, name: 'site/y.bin', open: () => Readable.from([Buffer.alloc(600)]) },
    payloadDigest: true,
  });
  await assert.rejects(written, /site\/y\.bin: size changed while reading \(expected 1000 bytes, read 600\)/);
  await fh.close();
});

test('the one-pass plain writer rewrites the head with the real digest', async () => {
  const dir = await tempDir();
  const path = join(dir, 'big.bin');
  const data = randomBytes(3 * 1024 * 1024);
  await writeFile(path, data);
  const out = join(dir, 'out.warc');
  const [record] = await writeAll(out, [fileRecord(path, data.length, 'http://x/big.bin')], false, 1024);
  const { records } = await readWarc(out);
  const expected = createHash('sha1').update(data).digest();
  assert.equal(records[0]!.header('WARC-Payload-Digest'), record!.digests.payload);
  assert.ok(!/sha1:A{32}/.test(String(records[0]!.header('WARC-Payload-Digest'))));
  assert.equal(expected.length, 20);
});

for (const gzip of [true, false]) {
  test(`a payload that reads differently each time is read once: its digest is that of the bytes written (${gzip ? 'gzip' : 'plain'})`, async () => {
    const dir = await tempDir();
    const size = 3 * 1024 * 1024 + 5;
    let opens = 0;
    const out = join(dir, gzip ? 'x.warc.gz' : 'x.warc');
    const fh = await open(out, 'w');
    const writer = new WarcWriter(fh, 0, { gzip, memoryThreshold: 1024 });
    await writer.add({
      head: { type: 'resource', recordId: '<urn:uuid:changing>', date: new Date(0), targetUri: 'http://x/changing.bin', headers: [] },
      // Same size every time, different bytes: a file rewritten in place between two reads.
      payload: { kind: 'stream', size, name: 'site/changing.bin', open: () => Readable.from([Buffer.alloc(size, ++opens)]) },
      payloadDigest: true,
    });
    await writer.flush();
    await fh.close();
    assert.equal(opens, 1);
    const { records, problems } = await readWarc(out);
    assert.deepEqual(problems, []);
    assert.ok(records[0]!.payload.equals(Buffer.alloc(size, 1)));
  });
}

test('a full disk fails the write naming the WARC', async () => {
  const fh = await open('/dev/full', 'w');
  const writer = new WarcWriter(fh, 0, { gzip: true, name: 'out/site.warc.gz' });
  await writer.add({ head: { type: 'warcinfo', recordId: '<urn:uuid:i>', date: new Date(0), headers: [] }, payload: { kind: 'buffer', data: Buffer.from('info') }, payloadDigest: false });
  await assert.rejects(writer.flush(), (e: Error) => e instanceof WarcWriteError && e.message === 'out/site.warc.gz: cannot write: no space left on device');
  await fh.close();
});

for (const [label, size, threshold] of [['small, read at once', 5, 1024], ['large, read in chunks', 5 * 1024 * 1024, 1024]] as const) {
  test(`a file swapped for a FIFO after the walk (${label}) fails its record at once, naming it, never blocks`, async () => {
    const dir = await tempDir();
    const fifo = join(dir, 'swapped.bin');
    execFileSync('mkfifo', [fifo]);
    for (const gzip of [false, true]) {
      const input: WarcRecordInput = { ...fileRecord(fifo, size, 'http://x/swapped.bin'), payload: { kind: 'stream', size, name: fifo, path: fifo, open: () => createReadStream(fifo) } };
      await assert.rejects(writeAll(join(dir, `out${gzip ? '.warc.gz' : '.warc'}`), [input], gzip, threshold), (e: Error) => e instanceof PayloadReadError && e.message.includes('swapped.bin') && /FIFO/.test(e.message));
    }
  });
}

for (const threads of [true, false]) {
  test(`onUnreadable: a payload that cannot be read before its record is begun (a file removed meanwhile) is left out with the records that need it (its revisit); the rest is written (${threads ? 'threads' : 'no threads'})`, async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'a.html'), 'a'.repeat(3000));
    await writeFile(join(dir, 'c.html'), 'c'.repeat(3000));
    const small = (name: string, size: number): WarcRecordInput => ({
      head: { type: 'resource', recordId: `<urn:uuid:${name}>`, date: new Date(0), targetUri: `http://x/${name}`, headers: [] },
      payload: { kind: 'stream', size, name: join(dir, name), path: join(dir, name), open: () => createReadStream(join(dir, name)) },
      payloadDigest: true,
    });
    const gone = small('gone.html', 3000); // listed, then removed before it was read
    const revisit: WarcRecordInput = {
      head: { type: 'revisit', recordId: '<urn:uuid:r>', date: new Date(0), targetUri: 'http://x/', headers: [] },
      payload: { kind: 'buffer', data: Buffer.alloc(0) },
      payloadDigest: false,
      revisitOf: gone,
    };
    const large = { ...small('big.bin', 5 * 1024 * 1024), head: { ...small('big.bin', 1).head, recordId: '<urn:uuid:big>' } }; // streamed: its level is sampled first
    const left: Array<[string, string]> = [];
    const path = join(dir, 'x.warc.gz');
    const fh = await open(path, 'w');
    const writer = new WarcWriter(fh, 0, {
      gzip: true,
      threads,
      onUnreadable: (input, error) => {
        left.push([input.head.recordId, error.message]);
        return true;
      },
    });
    const outcomes = [];
    for (const input of [small('a.html', 3000), gone, revisit, large, small('c.html', 3000)]) outcomes.push((await writer.add(input)).written);
    await writer.flush();
    await fh.close();
    assert.deepEqual((await Promise.all(outcomes)).map((r) => r?.recordId), ['<urn:uuid:a.html>', undefined, undefined, undefined, '<urn:uuid:c.html>']);
    assert.deepEqual(left.map(([id]) => id), ['<urn:uuid:gone.html>', '<urn:uuid:r>', '<urn:uuid:big>']);
    assert.match(left[0]![1], /gone\.html: does not exist/);
    const { records, problems } = await readWarc(path);
    assert.deepEqual(problems, []);
    assert.deepEqual(records.map((r) => r.targetUri), ['http://x/a.html', 'http://x/c.html']);
  });
}

test('without onUnreadable, a payload that cannot be read still fails the write', async () => {
  const dir = await tempDir();
  const fh = await open(join(dir, 'x.warc'), 'w');
  const writer = new WarcWriter(fh, 0, { gzip: false });
  const { written } = await writer.add({
    head: { type: 'resource', recordId: '<urn:uuid:g>', date: new Date(0), targetUri: 'http://x/g', headers: [] },
    payload: { kind: 'stream', size: 10, name: join(dir, 'g'), path: join(dir, 'g'), open: () => createReadStream(join(dir, 'g')) },
    payloadDigest: true,
  });
  await assert.rejects(written, /g: does not exist/);
  await assert.rejects(writer.flush(), PayloadReadError);
  await fh.close();
});

for (const gzip of [false, true]) {
  test(`onUnreadable: a large file that shrinks while it is being written into the WARC is taken out again (the output cut back to where its record began), with its revisit; the rest is written and the file ends with the last record (${gzip ? 'gzip' : 'plain'})`, async () => {
    const dir = await tempDir();
    const size = 20 * 1024 * 1024;
    await writeFile(join(dir, 'big.bin'), randomBytes(size));
    await writeFile(join(dir, 'a.html'), 'a'.repeat(3000));
    await writeFile(join(dir, 'c.html'), 'c'.repeat(3000));
    const file = (name: string, bytes: number): WarcRecordInput => ({
      head: { type: 'resource', recordId: `<urn:uuid:${name}>`, date: new Date(0), targetUri: `http://x/${name}`, headers: [] },
      payload: { kind: 'stream', size: bytes, name: join(dir, name), path: join(dir, name), open: () => createReadStream(join(dir, name)) },
      payloadDigest: true,
    });
    const big = file('big.bin', size);
    const revisit: WarcRecordInput = { head: { type: 'revisit', recordId: '<urn:uuid:r>', date: new Date(0), targetUri: 'http://x/', headers: [] }, payload: { kind: 'buffer', data: Buffer.alloc(0) }, payloadDigest: false, revisitOf: big };
    const path = join(dir, gzip ? 'x.warc.gz' : 'x.warc');
    const fh = await open(path, 'w');
    const left: Array<[string, string]> = [];
    let cut = false;
    const writer = new WarcWriter(fh, 0, {
      gzip,
      onPayloadBytes: (input) => {
        // A rotated log or a file still being copied in: cut short once its first bytes are in the WARC.
        if (input === big && !cut) execFileSync('truncate', ['-s', '1M', join(dir, 'big.bin')]);
        cut = true;
      },
      onUnreadable: (input, error) => {
        left.push([input.head.recordId, error.message]);
        return true;
      },
    });
    const outcomes = [];
    for (const input of [file('a.html', 3000), big, revisit, file('c.html', 3000)]) outcomes.push((await writer.add(input)).written);
    await writer.flush();
    await fh.close();
    const written = await Promise.all(outcomes);
    assert.deepEqual(written.map((r) => r?.recordId), ['<urn:uuid:a.html>', undefined, undefined, '<urn:uuid:c.html>']);
    assert.deepEqual(left.map(([id]) => id), ['<urn:uuid:big.bin>', '<urn:uuid:r>']);
    assert.match(left[0]![1], /big\.bin: .*size changed while reading/);
    const { records, problems } = await readWarc(path);
    assert.deepEqual(problems, []);
    assert.deepEqual(records.map((r) => r.targetUri), ['http://x/a.html', 'http://x/c.html']);
    const last = written[3]!;
    assert.equal((await readFile(path)).length, last.offset + last.length, 'nothing of the big record after the last one');
  });
}

test('a record that requires the payload of an earlier one as it was (a conversion of a checked source) is written only when that record was written with those bytes; else left out through onUnreadable, and without it the write fails', async () => {
  const dir = await tempDir();
  const data = Buffer.from('the source, as converted');
  const sha1 = `sha1:${base32(createHash('sha1').update(data).digest())}`;
  const source = (bytes: Buffer): WarcRecordInput => ({ head: { type: 'resource', recordId: '<urn:uuid:s>', date: new Date(0), targetUri: 'http://x/s.flv', headers: [] }, payload: { kind: 'buffer', data: bytes }, payloadDigest: true });
  const conversion = (of: WarcRecordInput): WarcRecordInput => ({
    head: { type: 'conversion', recordId: '<urn:uuid:c>', date: new Date(0), targetUri: 'http://x/s.flv.mp4', headers: [] },
    payload: { kind: 'buffer', data: Buffer.from('converted') },
    payloadDigest: true,
    requires: { record: of, payloadDigests: { sha1 }, reason: 'its source changed' },
  });
  for (const [bytes, expected] of [[data, ['http://x/s.flv', 'http://x/s.flv.mp4']], [Buffer.from('other bytes, archived'), ['http://x/s.flv']]] as const) {
    const fh = await open(join(dir, 'x.warc'), 'w');
    const leftOut: string[] = [];
    const writer = new WarcWriter(fh, 0, { gzip: false, onUnreadable: (_input, error) => (leftOut.push(`${error.name}: ${error.message}`), true) });
    const first = source(bytes);
    await writer.add(first);
    await writer.add(conversion(first));
    await writer.flush();
    await fh.close();
    const { records, problems } = await readWarc(join(dir, 'x.warc'));
    assert.deepEqual(problems, []);
    assert.deepEqual(records.map((r) => r.targetUri), expected);
    assert.deepEqual(leftOut, expected.length === 2 ? [] : ['PayloadMismatchError: http://x/s.flv.mp4: its source changed']);
  }
  // A stream sink cannot leave it out: the write fails, naming it.
  const { Writable } = await import('node:stream');
  const writer = new WarcWriter(new Writable({ write: (_c, _e, done) => done() }), 0, { gzip: false });
  const first = source(Buffer.from('other bytes'));
  await writer.add(first);
  await writer.add(conversion(first));
  await assert.rejects(writer.flush(), /PayloadMismatchError|its source changed/);
});
