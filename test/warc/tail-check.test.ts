/**
 * Checking the end of a WARC before appending: complete last record, same compression; the
 * offset of the problem named. Real WARCs written by writeWarc (and by gzip, as one member).
 */
import assert from 'node:assert/strict';
import { open, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { writeWarc } from '../../src/warc/build.js';
import { checkWarcTail, WarcTailError } from '../../src/warc/tail-check.js';
import { makeSite } from '../helpers/site.js';
import { tempDir } from '../helpers/tmp.js';
import { readWarc } from '../helpers/warc-check.js';

async function check(path: string, gzip: boolean): Promise<void> {
  const fh = await open(path, 'r');
  try {
    await checkWarcTail(fh, (await fh.stat()).size, path, gzip);
  } finally {
    await fh.close();
  }
}

async function warcs(dir: string): Promise<{ gz: string; plain: string }> {
  await makeSite(join(dir, 'site'));
  const gz = (await writeWarc({ urlPrefix: 'http://x/', inputs: [join(dir, 'site')], name: join(dir, 'a') })).path;
  const plain = (await writeWarc({ urlPrefix: 'http://x/', inputs: [join(dir, 'site')], name: join(dir, 'a'), gzip: false })).path;
  return { gz, plain };
}

test('complete WARCs pass: per-record gzip, plain, empty', async () => {
  const dir = await tempDir();
  const { gz, plain } = await warcs(dir);
  await check(gz, true);
  await check(plain, false);
  await writeFile(join(dir, 'empty.warc.gz'), '');
  await check(join(dir, 'empty.warc.gz'), true);
});

test('a WARC gzipped whole (one member for all its records) is refused: warcio and pywb cannot index it, nor records appended after it', async () => {
  const dir = await tempDir();
  const { plain } = await warcs(dir);
  const records = (await readWarc(plain)).records.length;
  await writeFile(join(dir, 'whole.warc.gz'), gzipSync(await readFile(plain)));
  await assert.rejects(check(join(dir, 'whole.warc.gz'), true), (e: Error) => {
    assert.ok(e instanceof WarcTailError);
    assert.match(e.message, new RegExp(`whole\\.warc\\.gz: its gzip member at offset 0 holds ${records} records, not one`));
    assert.match(e.message, /warcio recompress/);
    return true;
  });
});

test('a WARC whose last record holds a WARC (with its own records and members) passes', async () => {
  const dir = await tempDir();
  const { gz, plain } = await warcs(dir);
  // The inner WARCs are the last files archived: their records sit inside the outer last record.
  await makeSite(join(dir, 'nested'), { 'zz-inner.warc.gz': await readFile(gz), 'zz-inner.warc': await readFile(plain) });
  for (const gzip of [true, false]) {
    const outer = (await writeWarc({ urlPrefix: 'http://x/', inputs: [join(dir, 'nested')], name: join(dir, `outer-${gzip}`), gzip, gzipLevel: 0 })).path;
    await check(outer, gzip);
  }
});

test('every cut of a WARC is refused, naming the offset of the cut record', async () => {
  const dir = await tempDir();
  const { gz, plain } = await warcs(dir);
  for (const [path, gzip] of [[gz, true], [plain, false]] as const) {
    const bytes = await readFile(path);
    const { records } = await readWarc(path, false);
    const last = records[records.length - 1]!.offset;
    for (const cut of [1, 2, 4, 9, 30, Math.floor((bytes.length - last) / 2)]) {
      const damaged = join(dir, `cut-${cut}${gzip ? '.warc.gz' : '.warc'}`);
      await writeFile(damaged, bytes.subarray(0, bytes.length - cut));
      await assert.rejects(check(damaged, gzip), (e: Error) => {
        assert.ok(e instanceof WarcTailError, e.message);
        assert.equal(e.offset, last, `${damaged}: ${e.message}`);
        assert.match(e.message, new RegExp(`cannot append to .*cut-${cut}\\.warc(\\.gz)?: its last record, at offset ${last}, is cut off`));
        return true;
      });
    }
  }
});

test('the wrong compression, foreign bytes and trailing garbage are refused', async () => {
  const dir = await tempDir();
  const { gz, plain } = await warcs(dir);
  await assert.rejects(check(plain, true), /a\.warc: it holds an uncompressed WARC/);
  await assert.rejects(check(gz, false), /a\.warc\.gz: it holds gzip-compressed data/);
  await writeFile(join(dir, 'text.warc'), 'Just some text.\n');
  await assert.rejects(check(join(dir, 'text.warc'), false), /text\.warc: not a WARC file/);
  const junk = Buffer.concat([await readFile(gz), Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3])]);
  await writeFile(join(dir, 'junk.warc.gz'), junk);
  await assert.rejects(check(join(dir, 'junk.warc.gz'), true), (e: Error) => e instanceof WarcTailError && e.offset === junk.length - 13 && /the 13 bytes from offset/.test(e.message));
  await writeFile(join(dir, 'junk.warc'), Buffer.concat([await readFile(plain), Buffer.from('\r\n')]));
  await assert.rejects(check(join(dir, 'junk.warc'), false), /the 2 bytes from offset \d+ to the end are not a complete WARC record/);
});
