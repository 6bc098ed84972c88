/**
 * `warckit --characterize`: ffprobe JSON of sources and outputs as metadata records, each
 * concurrent to the record it describes; the record itself byte for byte (golden).
 */
import assert from 'node:assert/strict';
import { open, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { main as warckit } from '../../src/cli/warckit.js';
import { convertMedia } from '../../src/convert/convert.js';
import { characterizationRecord } from '../../src/warc/characterization.js';
import { WarcOptionsError } from '../../src/warc/options.js';
import { planWarcRecords } from '../../src/warc/plan.js';
import { type WarcRecordInput, WarcWriter } from '../../src/warc/writer.js';
import { makeClip } from '../convert/clips.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { readWarc } from '../helpers/warc-check.js';

const P = 'http://www.example.com/';

test('characterization record, byte for byte', async () => {
  const dir = await tempDir();
  const path = join(dir, 'one.warc');
  const fh = await open(path, 'w');
  const writer = new WarcWriter(fh, 0, { gzip: false });
  const input = characterizationRecord(Buffer.from('{"streams": []}\n'), {
    recordId: '<urn:uuid:12345678-9abc-def0-1234-56789abcdef0>',
    concurrentTo: '<urn:uuid:00000000-0000-0000-0000-000000000001>',
    targetUri: 'http://example.com/a.flv',
    date: new Date(Date.UTC(2011, 1, 1, 12, 34, 56)),
    created: ['WARC-Creation-Date', '2020-03-04T05:06:07Z'],
  });
  await writer.add(input);
  await writer.flush();
  await fh.close();
  assert.equal(
    (await readFile(path)).toString('utf8'),
    'WARC/1.0\r\nWARC-Type: metadata\r\nWARC-Record-ID: <urn:uuid:12345678-9abc-def0-1234-56789abcdef0>\r\nWARC-Date: 2011-02-01T12:34:56Z\r\n' +
      'WARC-Target-URI: http://example.com/a.flv\r\nWARC-Creation-Date: 2020-03-04T05:06:07Z\r\n' +
      'WARC-Concurrent-To: <urn:uuid:00000000-0000-0000-0000-000000000001>\r\nContent-Type: application/json\r\n' +
      'WARC-Payload-Digest: sha1:UCTFM2IGI23ZO24D3ANLEEFAOPSOU637\r\nWARC-Block-Digest: sha1:UCTFM2IGI23ZO24D3ANLEEFAOPSOU637\r\nContent-Length: 16\r\n\r\n' +
      '{"streams": []}\n\r\n\r\n',
  );
});

test('warckit --characterize: one metadata record per source and output, WARC-Concurrent-To its record, JSON that parses', async () => {
  const dir = await tempDir();
  const site = join(dir, 'site');
  await makeClip(join(site, 'a.mp4'), 'av', 'mp4');
  await writeFile(join(site, 'index.html'), '<video src="a.mp4"></video>');
  const out = join(dir, 'conversions');
  const converted = await convertMedia({ urlPrefix: P, inputs: [site], outputDir: out, jobs: 2 });
  assert.equal(converted.converted, 2); // poster + the streams copied into MP4
  const warc = join(dir, 'site.warc.gz');
  const plain = await runCli(warckit, [P, site, '-n', join(dir, 'plain'), '--conversions', converted.resultsFile!]);
  assert.equal(plain.code, 0, plain.stderr);
  assert.equal((await readWarc(join(dir, 'plain.warc.gz'), false)).records.filter((r) => r.type === 'metadata').length, 0, 'only when asked');
  const { code, stderr } = await runCli(warckit, [P, site, '-n', warc, '--conversions', converted.resultsFile!, '--characterize']);
  assert.equal(code, 0, stderr);
  const { records, problems } = await readWarc(warc);
  assert.deepEqual(problems, []);
  const metadata = records.filter((r) => r.type === 'metadata');
  assert.deepEqual(metadata.map((r) => r.targetUri).sort(), [`${P}a.mp4`, `${P}a.mp4.mp4`, `${P}a.mp4.png`]);
  for (const m of metadata) {
    const described = records.find((r) => r.header('WARC-Record-ID') === m.header('WARC-Concurrent-To'))!;
    assert.ok(described, `${m.targetUri}: WARC-Concurrent-To names a record of this WARC`);
    assert.equal(described.targetUri, m.targetUri);
    assert.equal(described.type, m.targetUri === `${P}a.mp4` ? 'resource' : 'conversion');
    assert.equal(m.header('Content-Type'), 'application/json');
    assert.equal(m.header('WARC-Date'), described.header('WARC-Date'));
    const json = JSON.parse(m.payload.toString('utf8')) as { streams: Array<{ codec_type: string }>; format: { format_name: string } };
    assert.ok(json.streams.length >= 1 && typeof json.format.format_name === 'string');
  }
  const { code: refused, stderr: why } = await runCli(warckit, [P, site, '-n', join(dir, 'x'), '--characterize']);
  assert.equal(refused, 2);
  assert.match(why, /characterize/);
  // A sidecar damaged since: the WARC is written without its records, and the run says it did not do all it was asked (exit 1).
  const sidecar = converted.conversions.find((c) => c.result?.characterization)!.result!.characterization as string;
  await writeFile(sidecar, '{broken');
  const damaged = await runCli(warckit, [P, site, '-n', join(dir, 'damaged'), '--conversions', converted.resultsFile!, '--characterize']);
  assert.equal(damaged.code, 1, damaged.stderr);
  assert.match(damaged.stderr, /a\.mp4\.ffprobe\.json of http:\/\/www\.example\.com\/a\.mp4 is missing or not a warckit characterization/);
  assert.match(damaged.stderr, /1 source\(s\) archived without their characterization records/);
  assert.equal((await readWarc(join(dir, 'damaged.warc.gz'))).records.filter((r) => r.type === 'metadata').length, 0);
});

test('characterize with conversions given as objects: a convertMedia result is read from its outputDir; bare outcomes need conversionsDir', async () => {
  const dir = await tempDir();
  const site = join(dir, 'site');
  await makeClip(join(site, 'a.mp4'), 'av', 'mp4');
  const converted = await convertMedia({ urlPrefix: P, inputs: [site], outputDir: join(dir, 'out'), results: false });
  const plan = await planWarcRecords({ urlPrefix: P, inputs: [site], conversions: converted, characterize: true, warcinfo: false });
  const records: WarcRecordInput[] = [];
  for await (const record of plan.records) records.push(record);
  await plan.close();
  const metadata = records.filter((r) => r.head.type === 'metadata');
  assert.deepEqual(metadata.map((r) => r.head.targetUri).sort(), [`${P}a.mp4`, `${P}a.mp4.mp4`, `${P}a.mp4.png`]);
  for (const m of metadata) {
    const about = m.head.headers.find(([k]) => k === 'WARC-Concurrent-To')?.[1];
    assert.equal(records.find((r) => r.head.recordId === about)?.head.targetUri, m.head.targetUri);
  }
  await assert.rejects(planWarcRecords({ urlPrefix: P, inputs: [site], conversions: converted.conversions, characterize: true }), (e: Error) => e instanceof WarcOptionsError && e.option === 'conversionsDir');
  const named = await planWarcRecords({ urlPrefix: P, inputs: [site], conversions: converted.conversions, conversionsDir: join(dir, 'out'), characterize: true });
  let count = 0;
  for await (const record of named.records) if (record.head.type === 'metadata') count++;
  await named.close();
  assert.equal(count, 3);
  await assert.rejects(planWarcRecords({ urlPrefix: P, inputs: [site], characterize: true }), WarcOptionsError);
});
