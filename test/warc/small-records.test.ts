import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { open, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { SmallRecordPool, type SmallTicket } from '../../src/warc/small-records.js';
import { type WarcRecordInput, WarcWriter } from '../../src/warc/writer.js';
import { readWarc } from '../helpers/warc-check.js';
import { tempDir } from '../helpers/tmp.js';

const settings = { gzip: true, gzipLevel: 'auto', version: '1.0', algorithm: 'sha1' } as const;

function head(i: number): string {
  return `WARC/1.0\r\nWARC-Type: resource\r\nWARC-Record-ID: <urn:uuid:${i}>\r\n`;
}

test('the first records of a run are prepared without a thread; the threads start once 64 KB are known to come', async () => {
  const pool = new SmallRecordPool(settings, 2);
  try {
    const ticket = (): SmallTicket => ({ wanted: true, gathered: false });
    const small = await Promise.all([0, 1, 2].map((i) => pool.prepared({ headText: head(i), payloadDigest: true }, Buffer.from(`record ${i}`), ticket())));
    assert.equal(pool.threadsStarted, 0, 'three small records: no thread started');
    assert.equal(small.length, 3);
    const big = await pool.prepared({ headText: head(3), payloadDigest: true }, randomBytes(300 * 1024), ticket());
    assert.ok(big.bytes.length > 300 * 1024);
    assert.equal(pool.threadsStarted, 2, 'past 64 KB every thread is started');
  } finally {
    await pool.close();
  }
});

test('a record counts its head as well as its payload: the threads start for 200 files of 11 bytes (thousands of them were all prepared on the writer\'s thread)', async () => {
  const pool = new SmallRecordPool(settings, 2);
  try {
    const gathered = { wanted: false, gathered: false };
    // 200 records of 11 bytes: 2.2 KB of payload, but 200 heads and 200 records' work.
    const pending = Array.from({ length: 200 }, (_, i) => pool.prepared({ headText: head(i), payloadDigest: true }, Buffer.from(`hello ${String(i).padStart(5, '0')}`), gathered));
    assert.equal(pool.threadsStarted, 2, 'started: 64 KB of work is known to come');
    pool.send();
    assert.equal((await Promise.all(pending)).length, 200);
  } finally {
    await pool.close();
  }
});

test('threads started but never given a batch: close ends them (terminated, not asked)', async () => {
  const pool = new SmallRecordPool(settings, 2);
  const ticket: SmallTicket = { wanted: false, gathered: false };
  // 100 KB gathered, not yet wanted: the threads start, and nothing is sent to them.
  const pending = pool.prepared({ headText: head(0), payloadDigest: true }, randomBytes(100 * 1024), ticket);
  pending.catch(() => undefined);
  assert.equal(pool.threadsStarted, 2);
  await pool.close();
  assert.equal(pool.threadsStarted, 0);
});

test('a record thread that cannot start (its module missing: a package replaced mid-run) fails the records, naming the cause, and close ends', { timeout: 20_000 }, async () => {
  const pool = new SmallRecordPool(settings, 2, new URL('./no-such-record-thread.js', import.meta.url));
  const ticket: SmallTicket = { wanted: true, gathered: false };
  // Past the share prepared on this thread: sent to a thread.
  await pool.prepared({ headText: head(0), payloadDigest: true }, randomBytes(300 * 1024), { wanted: true, gathered: false }).catch(() => undefined);
  await assert.rejects(pool.prepared({ headText: head(1), payloadDigest: true }, randomBytes(300 * 1024), ticket), /^Error: record thread failed: .*no-such-record-thread\.js/);
  await pool.close();
});

test('a record thread that exits while it owes a batch fails those records (it never answers), and close ends', { timeout: 20_000 }, async () => {
  const pool = new SmallRecordPool(settings, 1, new URL('../helpers/dying-record-thread.js', import.meta.url));
  const prepared = [0, 1, 2].map((i) => pool.prepared({ headText: head(i), payloadDigest: true }, randomBytes(200 * 1024), { wanted: true, gathered: false }));
  const outcomes = await Promise.allSettled(prepared);
  const failed = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
  assert.ok(failed.length >= 1, 'the records sent to the thread');
  for (const f of failed) assert.match(String(f.reason), /^Error: record thread failed: it exited \(code 3\) before answering/);
  await assert.rejects(pool.prepared({ headText: head(3), payloadDigest: true }, Buffer.from('later'), { wanted: true, gathered: false }), /record thread failed/);
  await pool.close();
});

/** Records of every kind the pool prepares: buffers and files, text (compressed) and random (stored). */
async function inputs(dir: string): Promise<WarcRecordInput[]> {
  const list: WarcRecordInput[] = [];
  for (let i = 0; i < 120; i++) {
    const data = i % 3 === 0 ? randomBytes(4000 + i * 37) : Buffer.from(`<p>record ${i} of a page</p>\n`.repeat(150 + i));
    const url = `http://x/${i}`;
    const record: WarcRecordInput = { head: { type: 'resource', recordId: `<urn:uuid:${i}>`, date: new Date(0), targetUri: url, contentType: 'text/html', headers: [] }, payload: { kind: 'buffer', data }, payloadDigest: true };
    if (i % 2 === 1) {
      const path = join(dir, `f${i}`);
      await writeFile(path, data);
      record.payload = { kind: 'stream', size: data.length, name: path, path, open: () => Promise.reject(new Error('read by path')) };
    }
    list.push(record);
  }
  return list;
}

async function write(path: string, records: WarcRecordInput[], threads: boolean): Promise<void> {
  const fh = await open(path, 'w');
  try {
    const writer = new WarcWriter(fh, 0, { gzip: true, threads });
    for (const record of records) await writer.add(record);
    await writer.flush();
  } finally {
    await fh.close();
  }
}

test('records prepared on this thread, on the record threads and with threads off are the same bytes', async () => {
  const dir = await tempDir();
  const records = await inputs(dir);
  await write(join(dir, 'threads.warc.gz'), records, true);
  await write(join(dir, 'alone.warc.gz'), records, false);
  const bytes = records.reduce((n, r) => n + (r.payload.kind === 'buffer' ? r.payload.data.length : r.payload.size), 0);
  assert.ok(bytes > 512 * 1024, 'past the share prepared on this thread: both paths were taken');
  const threaded = await readFile(join(dir, 'threads.warc.gz'));
  assert.ok(threaded.equals(await readFile(join(dir, 'alone.warc.gz'))));
  const { records: read, problems } = await readWarc(join(dir, 'threads.warc.gz'));
  assert.deepEqual(problems, []);
  assert.equal(read.length, 120);
});

test('an answer buffer is used again once all of its records are released, not before', async () => {
  const pool = new SmallRecordPool(settings, 1);
  try {
    // Prepared on this thread (the run's first 256 KB): the same buffer, not a copy, goes to the next batch.
    const first = await Promise.all([0, 1].map((i) => pool.prepared({ headText: head(i), payloadDigest: true }, Buffer.from(`record ${i}`), { wanted: i === 1, gathered: false })));
    assert.equal(first[0]!.bytes.buffer, first[1]!.bytes.buffer, 'one answer for the batch');
    pool.release(first[0]!.bytes);
    const second = await pool.prepared({ headText: head(2), payloadDigest: true }, Buffer.from('record 2'), { wanted: true, gathered: false });
    assert.notEqual(second.bytes.buffer, first[0]!.bytes.buffer, 'a record of the first answer is still unwritten');
    pool.release(first[1]!.bytes);
    const third = await pool.prepared({ headText: head(3), payloadDigest: true }, Buffer.from('record 3'), { wanted: true, gathered: false });
    assert.equal(third.bytes.buffer, first[0]!.bytes.buffer, 'all released: used again');
  } finally {
    await pool.close();
  }
});

test('thousands of records through the record threads: the file and a stream that keeps every chunk it is given get the same bytes as without threads', { timeout: 60_000 }, async () => {
  const dir = await tempDir();
  const records: WarcRecordInput[] = [];
  for (let i = 0; i < 1500; i++) {
    const data = i % 3 === 0 ? randomBytes(3000 + (i % 50) * 97) : Buffer.from(`<p>record ${i}</p>\n`.repeat(100 + (i % 40)));
    records.push({ head: { type: 'resource', recordId: `<urn:uuid:${i}>`, date: new Date(0), targetUri: `http://x/${i}`, contentType: 'text/html', headers: [] }, payload: { kind: 'buffer', data }, payloadDigest: true });
  }
  await write(join(dir, 'threads.warc.gz'), records, true);
  await write(join(dir, 'alone.warc.gz'), records, false);
  const alone = await readFile(join(dir, 'alone.warc.gz'));
  const bytes = records.reduce((n, r) => n + (r.payload.kind === 'buffer' ? r.payload.data.length : 0), 0);
  assert.ok(bytes > 4 * 1024 * 1024, 'many batches of 256 KB: more than the answer buffers kept, so they were used again');
  assert.ok((await readFile(join(dir, 'threads.warc.gz'))).equals(alone));
  // A stream holds what it is given (a PassThrough nobody reads yet): those buffers must never be answered in again.
  const kept: Buffer[] = [];
  const stream = new Writable({
    writev(chunks, done) {
      for (const { chunk } of chunks) kept.push(chunk as Buffer);
      done();
    },
    write(chunk: Buffer, _encoding, done) {
      kept.push(chunk);
      done();
    },
  });
  const writer = new WarcWriter(stream, 0, { gzip: true });
  for (const record of records) await writer.add(record);
  await writer.flush();
  assert.ok(Buffer.concat(kept).equals(alone));
});
