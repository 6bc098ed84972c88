/**
 * Golden tests: each record type we write, with a fixed record ID and date, serialized
 * through the real writer and compared byte for byte.
 */
import assert from 'node:assert/strict';
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { REVISIT_CONTENT_TYPE, type RecordHead, revisitProfile, WARCINFO_CONTENT_TYPE, warcinfoBlock } from '../../src/warc/records.js';
import { type WarcRecordInput, WarcWriter } from '../../src/warc/writer.js';
import { tempDir } from '../helpers/tmp.js';

const ID = '<urn:uuid:12345678-9abc-def0-1234-56789abcdef0>';
const DATE = new Date(Date.UTC(2011, 1, 1, 12, 34, 56));
const CREATED = '2020-03-04T05:06:07Z';

async function serialize(input: WarcRecordInput, gzip = false): Promise<string> {
  const dir = await tempDir();
  const path = join(dir, 'one.warc');
  const fh = await open(path, 'w');
  const writer = new WarcWriter(fh, 0, { gzip });
  await writer.add(input);
  await writer.flush();
  await fh.close();
  const bytes = await readFile(path);
  return (gzip ? gunzipSync(bytes) : bytes).toString('utf8');
}

function head(partial: Partial<RecordHead> & Pick<RecordHead, 'type'>): RecordHead {
  return { recordId: ID, date: DATE, headers: [], ...partial };
}

test('warcinfo record', async () => {
  const data = warcinfoBlock([
    ['software', 'warckit 0.1.0'],
    ['format', 'WARC File Format 1.0'],
    ['cmdline', 'warckit http://example.com/ site'],
  ]);
  const text = await serialize({ head: head({ type: 'warcinfo', filename: 'site.warc.gz', contentType: WARCINFO_CONTENT_TYPE }), payload: { kind: 'buffer', data }, payloadDigest: false });
  assert.equal(
    text,
    'WARC/1.0\r\nWARC-Type: warcinfo\r\nWARC-Record-ID: <urn:uuid:12345678-9abc-def0-1234-56789abcdef0>\r\nWARC-Date: 2011-02-01T12:34:56Z\r\n' +
      'WARC-Filename: site.warc.gz\r\nContent-Type: application/warc-fields\r\nWARC-Block-Digest: sha1:DK4ZBDOQEINWYFB24FIMA7B3BJ6NLCSF\r\nContent-Length: 98\r\n\r\n' +
      'software: warckit 0.1.0\r\nformat: WARC File Format 1.0\r\ncmdline: warckit http://example.com/ site\r\n\r\n\r\n',
  );
});

test('resource record (and the same record gzipped)', async () => {
  const input: WarcRecordInput = {
    head: head({
      type: 'resource',
      targetUri: 'http://example.com/a%20b.html',
      contentType: 'text/html',
      headers: [
        ['WARC-Source-URI', 'file://site/a b.html'],
        ['WARC-Creation-Date', CREATED],
      ],
    }),
    payload: { kind: 'buffer', data: Buffer.from('<p>hello</p>\n') },
    payloadDigest: true,
  };
  const expected =
    'WARC/1.0\r\nWARC-Type: resource\r\nWARC-Record-ID: <urn:uuid:12345678-9abc-def0-1234-56789abcdef0>\r\nWARC-Date: 2011-02-01T12:34:56Z\r\n' +
    'WARC-Target-URI: http://example.com/a%20b.html\r\nWARC-Source-URI: file://site/a b.html\r\nWARC-Creation-Date: 2020-03-04T05:06:07Z\r\n' +
    'Content-Type: text/html\r\nWARC-Payload-Digest: sha1:SPY26MJKW5H7YED73KP4SKZ3QEA5BN4S\r\nWARC-Block-Digest: sha1:SPY26MJKW5H7YED73KP4SKZ3QEA5BN4S\r\n' +
    'Content-Length: 13\r\n\r\n<p>hello</p>\n\r\n\r\n';
  assert.equal(await serialize(input), expected);
  assert.equal(await serialize(input, true), expected);
});

test('revisit record for an index file', async () => {
  const text = await serialize({
    head: head({
      type: 'revisit',
      targetUri: 'http://example.com/',
      contentType: REVISIT_CONTENT_TYPE,
      headers: [
        ['WARC-Source-URI', 'file://site/index.html'],
        ['WARC-Creation-Date', CREATED],
        ['WARC-Profile', revisitProfile('1.0')],
        ['WARC-Refers-To-Target-URI', 'http://example.com/index.html'],
        ['WARC-Refers-To-Date', '2011-02-01T12:34:56Z'],
        ['WARC-Payload-Digest', 'sha1:SPY26MJKW5H7YED73KP4SKZ3QEA5BN4S'],
      ],
    }),
    payload: { kind: 'buffer', data: Buffer.alloc(0) },
    payloadDigest: false,
  });
  assert.equal(
    text,
    'WARC/1.0\r\nWARC-Type: revisit\r\nWARC-Record-ID: <urn:uuid:12345678-9abc-def0-1234-56789abcdef0>\r\nWARC-Date: 2011-02-01T12:34:56Z\r\n' +
      'WARC-Target-URI: http://example.com/\r\nWARC-Source-URI: file://site/index.html\r\nWARC-Creation-Date: 2020-03-04T05:06:07Z\r\n' +
      'WARC-Profile: http://netpreserve.org/warc/1.0/revisit/identical-payload-digest\r\nWARC-Refers-To-Target-URI: http://example.com/index.html\r\n' +
      'WARC-Refers-To-Date: 2011-02-01T12:34:56Z\r\nWARC-Payload-Digest: sha1:SPY26MJKW5H7YED73KP4SKZ3QEA5BN4S\r\n' +
      'Content-Type: application/http; msgtype=response\r\nWARC-Block-Digest: sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ\r\nContent-Length: 0\r\n\r\n\r\n\r\n',
  );
});

test('conversion record', async () => {
  const text = await serialize({
    head: head({
      type: 'conversion',
      targetUri: 'http://example.com/v.flv.webm',
      contentType: 'video/webm',
      headers: [
        ['WARC-Source-URI', 'file:///conv/site/v.flv.webm'],
        ['WARC-Creation-Date', CREATED],
        ['WARC-Refers-To', '<urn:uuid:00000000-0000-0000-0000-000000000001>'],
        ['WARC-Refers-To-Target-URI', 'http://example.com/v.flv'],
        ['WARC-Refers-To-Date', '2011-02-01T12:34:56Z'],
        ['WARC-Refers-To-Target-Date', '2011-02-01T12:34:56Z'],
        ['WARC-JSON-Metadata', '{"name": "webm", "ext": "webm", "mime": "video/webm"}'],
      ],
    }),
    payload: { kind: 'buffer', data: Buffer.from('WEBM') },
    payloadDigest: true,
  });
  assert.equal(
    text,
    'WARC/1.0\r\nWARC-Type: conversion\r\nWARC-Record-ID: <urn:uuid:12345678-9abc-def0-1234-56789abcdef0>\r\nWARC-Date: 2011-02-01T12:34:56Z\r\n' +
      'WARC-Target-URI: http://example.com/v.flv.webm\r\nWARC-Source-URI: file:///conv/site/v.flv.webm\r\nWARC-Creation-Date: 2020-03-04T05:06:07Z\r\n' +
      'WARC-Refers-To: <urn:uuid:00000000-0000-0000-0000-000000000001>\r\nWARC-Refers-To-Target-URI: http://example.com/v.flv\r\n' +
      'WARC-Refers-To-Date: 2011-02-01T12:34:56Z\r\nWARC-Refers-To-Target-Date: 2011-02-01T12:34:56Z\r\n' +
      'WARC-JSON-Metadata: {"name": "webm", "ext": "webm", "mime": "video/webm"}\r\nContent-Type: video/webm\r\n' +
      'WARC-Payload-Digest: sha1:XVP2BSUTBJ3UWXB7HIBXRPAKDE272TI5\r\nWARC-Block-Digest: sha1:XVP2BSUTBJ3UWXB7HIBXRPAKDE272TI5\r\nContent-Length: 4\r\n\r\nWEBM\r\n\r\n',
  );
});

test('transclusion metadata record (youtube-dl formats at urn:embeds:)', async () => {
  const json = '{\n  "formats": [],\n  "webpage_timestamp": "20160102",\n  "webpage_url": "http://example.com/p.html"\n}';
  const text = await serialize({
    head: head({ type: 'resource', targetUri: 'urn:embeds:http://example.com/p.html', contentType: 'application/vnd.youtube-dl_formats+json', headers: [['WARC-Creation-Date', CREATED]] }),
    payload: { kind: 'buffer', data: Buffer.from(json) },
    payloadDigest: true,
  });
  assert.equal(
    text,
    'WARC/1.0\r\nWARC-Type: resource\r\nWARC-Record-ID: <urn:uuid:12345678-9abc-def0-1234-56789abcdef0>\r\nWARC-Date: 2011-02-01T12:34:56Z\r\n' +
      'WARC-Target-URI: urn:embeds:http://example.com/p.html\r\nWARC-Creation-Date: 2020-03-04T05:06:07Z\r\nContent-Type: application/vnd.youtube-dl_formats+json\r\n' +
      'WARC-Payload-Digest: sha1:Q5R7MKI5OO6JKX4EUDIR3FNJV6VJ5D4G\r\nWARC-Block-Digest: sha1:Q5R7MKI5OO6JKX4EUDIR3FNJV6VJ5D4G\r\nContent-Length: 100\r\n\r\n' +
      `${json}\r\n\r\n`,
  );
});

test('a newline in a header value cannot break the record', async () => {
  const text = await serialize({
    head: head({ type: 'resource', targetUri: 'http://example.com/x', contentType: 'text/plain', headers: [['WARC-Source-URI', 'file://a\nb\r.txt']] }),
    payload: { kind: 'buffer', data: Buffer.from('x') },
    payloadDigest: true,
  });
  assert.match(text, /WARC-Source-URI: file:\/\/a%0Ab%0D\.txt\r\n/);
});
