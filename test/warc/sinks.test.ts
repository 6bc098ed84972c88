/**
 * One plan, three sinks: the WARC file, any Writable, and warcio.js records serialized by
 * warcio.js's own WARCSerializer give the same bytes (fixed record IDs and dates), for small
 * and streamed payloads, ZIP members, revisits, conversions and both transclusion formats.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { WARCSerializer } from 'warcio';
import { writeWarc } from '../../src/warc/build.js';
import type { WarcRecordOptions } from '../../src/warc/options.js';
import { planWarcRecords } from '../../src/warc/plan.js';
import { writeWarcRecords } from '../../src/warc/sinks.js';
import { toWarcioRecords } from '../../src/warc/warcio-records.js';
import { makeSite, makeZip } from '../helpers/site.js';
import { tempDir } from '../helpers/tmp.js';
import { readWarc } from '../helpers/warc-check.js';

const P = 'http://www.example.com/';
const NOW = new Date(Date.UTC(2020, 2, 4, 5, 6, 7));

/** A site with small files, an index file, a large random file and a large text file, a ZIP, a conversion and a manifest. */
async function fixture(dir: string): Promise<(extra?: Partial<WarcRecordOptions>) => WarcRecordOptions> {
  await makeSite(join(dir, 'site'));
  await mkdir(join(dir, 'site', 'media'), { recursive: true });
  await writeFile(join(dir, 'site', 'media', 'big.flv'), randomBytes(3 * 1024 * 1024 + 7));
  await writeFile(join(dir, 'site', 'media', 'big.html'), '<p>streamed text</p>\n'.repeat(120_000));
  await makeZip(join(dir, 'site.zip'), 'www/');
  await mkdir(join(dir, 'conversions'));
  await writeFile(join(dir, 'conversions', 'big.flv.webm'), randomBytes(2048));
  await writeFile(
    join(dir, 'conversions', 'results.yaml'),
    `conversions:\n  ${P}media/big.flv:\n  - url: ${P}media/big.flv.webm\n    output: ${join(dir, 'conversions', 'big.flv.webm')}\n    success: true\n    type: conversion\n    metadata: {name: webm, mime: video/webm}\n`,
  );
  return (extra = {}) => {
    let id = 0; // each run numbers its records from 1
    return {
      urlPrefix: P,
      inputs: [join(dir, 'site'), join(dir, 'site.zip')],
      date: new Date(Date.UTC(2009, 3, 15, 12)),
      conversions: join(dir, 'conversions', 'results.yaml'),
      transclusions: { transclusions: { [`${P}media/big.flv`]: [{ url: `${P}index.html`, timestamp: '20090415120000' }] } },
      transclusionFormat: 'both',
      filename: 'site.warc',
      now: () => NOW,
      makeRecordId: () => `<urn:uuid:00000000-0000-4000-8000-${String(++id).padStart(12, '0')}>`,
      ...extra,
    };
  };
}

function collect(): { stream: PassThrough; bytes: () => Buffer } {
  const stream = new PassThrough();
  const parts: Buffer[] = [];
  stream.on('data', (c: Buffer) => parts.push(c));
  return { stream, bytes: () => Buffer.concat(parts) };
}

/** Each gzip member of a WARC decompressed on its own, in order. */
function members(bytes: Buffer, offsets: number[]): Buffer[] {
  return offsets.map((start, i) => gunzipSync(bytes.subarray(start, offsets[i + 1] ?? bytes.length)));
}

test('file, Writable and warcio.js records: the same bytes, plain and gzip', { timeout: 120_000 }, async () => {
  const dir = await tempDir();
  const options = await fixture(dir);
  const fileWarc = await writeWarc({ ...options(), path: join(dir, 'site.warc'), gzip: false });
  const file = await readFile(fileWarc.path);
  const { records, problems } = await readWarc(fileWarc.path);
  assert.deepEqual(problems, []);
  assert.ok(records.some((r) => r.type === 'revisit') && records.some((r) => r.type === 'conversion') && records.some((r) => r.targetUri?.startsWith('urn:transclusions:')));

  const writable = collect();
  const streamed = await writeWarcRecords(await planWarcRecords(options()), writable.stream, { gzip: false });
  assert.ok(writable.bytes().equals(file), 'a Writable gets the file sink’s bytes');
  assert.equal(streamed.bytes, file.length);

  const parts: Buffer[] = [];
  for await (const record of toWarcioRecords(await planWarcRecords(options()))) parts.push(Buffer.from(await WARCSerializer.serialize(record, { gzip: false })));
  assert.ok(Buffer.concat(parts).equals(file), 'warcio.js serializes warckit’s bytes');

  // gzip: the Writable's bytes are the file's; warcio's members hold the same records.
  const offsets: number[] = [];
  const gz = await writeWarc({ ...options(), path: join(dir, 'site.warc.gz'), onEvent: (e) => e.type === 'record' && offsets.push(e.record.offset) });
  const gzFile = await readFile(gz.path);
  const gzStream = collect();
  await writeWarcRecords(await planWarcRecords(options()), gzStream.stream);
  assert.ok(gzStream.bytes().equals(gzFile), 'gzip: same members');
  const warcioMembers: Buffer[] = [];
  for await (const record of toWarcioRecords(await planWarcRecords(options()))) warcioMembers.push(gunzipSync(await WARCSerializer.serialize(record, { gzip: true })));
  assert.deepEqual(warcioMembers.map((m) => m.toString('latin1')), members(gzFile, offsets).map((m) => m.toString('latin1')));
});

test('a Writable that fails names the stream; a file changed between the two reads of a stream sink fails its record', async () => {
  const dir = await tempDir();
  await makeSite(join(dir, 'site'), { 'a.html': '<p>a</p>', 'big.bin': randomBytes(2 * 1024 * 1024) });
  const failing = new PassThrough();
  failing.on('data', () => failing.destroy(new Error('EPIPE: the reader went away')));
  await assert.rejects(
    writeWarcRecords(await planWarcRecords({ urlPrefix: P, inputs: [join(dir, 'site')] }), failing, { name: 'upload' }),
    /^WarcWriteError: upload: cannot write: EPIPE: the reader went away|upload: cannot write/,
  );
  let reads = 0;
  const changing = {
    url: `${P}changing.bin`,
    size: 2 * 1024 * 1024,
    open: () => {
      reads++;
      return PassThrough.from([Buffer.alloc(2 * 1024 * 1024, reads)]);
    },
  };
  const out = collect();
  await assert.rejects(writeWarcRecords(await planWarcRecords({ inputs: [changing], warcinfo: false }), out.stream), /changing\.bin: changed while being read/);
  assert.equal(reads, 2);
});
