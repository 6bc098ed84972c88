/**
 * The records planner with objects instead of files: inputs as bytes or streams, conversions as
 * convertMedia's outcomes or a results document, the mapfile and the manifest as objects, dates
 * as Dates; records in order, what matched nothing reported, bad options named.
 */
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import type { ConversionOutcome } from '../../src/convert/convert.js';
import type { WarcEvent } from '../../src/warc/events.js';
import { WarcOptionsError } from '../../src/warc/options.js';
import { planWarcRecords } from '../../src/warc/plan.js';
import type { WarcRecordInput } from '../../src/warc/writer.js';
import { tempDir } from '../helpers/tmp.js';

const P = 'http://www.example.com/';
const header = (r: WarcRecordInput, name: string): string | undefined => r.head.headers.find(([k]) => k === name)?.[1];

async function all(records: AsyncIterable<WarcRecordInput>): Promise<WarcRecordInput[]> {
  const list: WarcRecordInput[] = [];
  for await (const record of records) list.push(record);
  return list;
}

test('objects as inputs, conversions, mapfile and manifest: records in order, as for files', async () => {
  const dir = await tempDir();
  await writeFile(join(dir, 'clip.flv.webm'), 'webm bytes');
  await writeFile(join(dir, 'disk.css'), 'body {}');
  const crawled = new Date(Date.UTC(2009, 3, 15, 12));
  const outcome: ConversionOutcome = {
    source: `${P}media/clip.flv`,
    sourcePath: '/crawl/clip.flv',
    rule: 'webm',
    url: `${P}media/clip.flv.webm`,
    output: join(dir, 'clip.flv.webm'),
    status: 'converted',
    argv: [],
    result: { url: `${P}media/clip.flv.webm`, output: join(dir, 'clip.flv.webm'), metadata: { name: 'webm', mime: 'video/webm' }, type: 'conversion', success: true },
  };
  const events: WarcEvent[] = [];
  const plan = await planWarcRecords({
    urlPrefix: P,
    inputs: [
      { url: `${P}index.html`, data: '<embed src="media/clip.flv">', mtime: crawled },
      { url: `${P}media/clip.flv`, size: 3, open: () => Readable.from([Buffer.from('FLV')]), mtime: crawled, sourceUri: 'https://crawler.example/clip' },
      join(dir, 'disk.css'),
    ],
    conversions: [outcome],
    mapfile: [{ file: 'disk.css', url: 'http://cdn.example.com/style?v=2', date: new Date(Date.UTC(2011, 1, 1)), contentType: 'text/css; charset=utf-8' }],
    transclusions: { transclusions: { [`${P}media/clip.flv`]: { url: `${P}index.html`, timestamp: crawled }, [`${P}media/missing.flv`]: { url: `${P}index.html` } } },
    transclusionFormat: 'both',
    onEvent: (e) => events.push(e),
  });
  const records = await all(plan.records);
  await plan.close();
  assert.deepEqual(
    records.map((r) => `${r.head.type} ${r.head.targetUri ?? ''}`.replace(/\?warckit-record=.*/, '')),
    [
      'warcinfo ',
      `resource ${P}index.html`,
      `revisit ${P}`,
      `resource ${P}media/clip.flv`,
      `conversion ${P}media/clip.flv.webm`,
      `resource urn:embeds:${P}index.html`,
      `resource urn:transclusions:${P}index.html`,
      'resource http://cdn.example.com/style?v=2',
    ],
  );
  const [, page, revisit, clip, conversion, embeds] = records;
  assert.equal(page!.head.date.getTime(), crawled.getTime());
  assert.equal(header(page!, 'WARC-Source-URI'), undefined, 'an object given without one has no WARC-Source-URI');
  assert.equal(header(clip!, 'WARC-Source-URI'), 'https://crawler.example/clip');
  assert.equal(revisit!.revisitOf, page, 'the revisit takes its digest from the page record');
  assert.equal(header(conversion!, 'WARC-Refers-To'), clip!.head.recordId);
  assert.equal(conversion!.head.contentType, 'video/webm');
  assert.equal(embeds!.head.date.getTime(), crawled.getTime());
  assert.match((embeds!.payload as { data: Buffer }).data.toString(), /"url": "http:\/\/www\.example\.com\/media\/clip\.flv\.webm"/);
  const css = records.at(-1)!;
  assert.equal(css.head.contentType, 'text/css; charset=utf-8');
  assert.equal(css.head.date.toISOString(), '2011-02-01T00:00:00.000Z');
  assert.deepEqual(plan.report.unmatchedTransclusions, [`${P}media/missing.flv`]);
  assert.equal(plan.report.walking, false);
  assert.equal(plan.report.filesFound, 3);
  assert.ok(events.some((e) => e.type === 'warning' && e.message.includes('missing.flv')));
});

test('a page group whose media are not all among the inputs is written after the last file', async () => {
  const media = (name: string) => ({ url: `${P}${name}`, data: name });
  const plan = await planWarcRecords({
    inputs: [media('a.flv'), media('b.flv'), media('c.html')],
    warcinfo: false,
    transclusionFormat: 'transclusions',
    transclusions: { transclusions: { [`${P}a.flv`]: { url: `${P}p.html`, timestamp: '2009' }, [`${P}absent.flv`]: { url: `${P}p.html`, timestamp: '2009' }, [`${P}b.flv`]: { url: `${P}q.html`, timestamp: '2009' } } },
  });
  const uris = (await all(plan.records)).map((r) => r.head.targetUri!.replace(/\?warckit-record=.*/, ''));
  assert.deepEqual(uris, [`${P}a.flv`, `${P}b.flv`, `urn:transclusions:${P}q.html`, `${P}c.html`, `urn:transclusions:${P}p.html`]);
});

test('bad options are refused naming the option, before anything is read', async () => {
  const cases: Array<[Record<string, unknown>, string, RegExp]> = [
    [{ inputs: ['site/'] }, 'urlPrefix', /paths among the inputs need one/],
    [{ urlPrefix: P, inputs: [] }, 'inputs', /non-empty array/],
    [{ urlPrefix: P, inputs: ['x'], date: '2011-02' }, 'date', /a valid Date, got "2011-02"/],
    [{ urlPrefix: P, inputs: ['x'], include: '*.html' }, 'include', /an array of strings, got "\*\.html"/],
    [{ urlPrefix: P, inputs: ['x'], mimeFrom: 'magic' }, 'mimeFrom', /name or content, got "magic"/],
    [{ urlPrefix: P, inputs: ['x'], mimeOverrides: '*.php=text/html' }, 'mimeOverrides', /wildcard to MIME type/],
  ];
  for (const [options, option, message] of cases) {
    await assert.rejects(planWarcRecords(options as never), (e: Error) => e instanceof WarcOptionsError && e.option === option && message.test(e.message), option);
  }
  await assert.rejects(planWarcRecords({ inputs: [{ url: `${P}x`, size: -1, open: () => Readable.from([]) }] }).then((p) => all(p.records)), /inputs\[0\]\.size: expected the number of bytes, got -1/);
});

test('a missing input fails the plan itself, before any record (not after the warcinfo was handed out)', async () => {
  const dir = await tempDir();
  await assert.rejects(planWarcRecords({ urlPrefix: P, inputs: [join(dir, 'nothere')] }), (error: Error) => error.name === 'InputError' && error.message === `${join(dir, 'nothere')}: no such file or directory`);
});

test('conversions kept inside the site (warckit-convert --output-dir site/conv) are written as conversion records, never again as files of the site', async () => {
  const dir = await tempDir();
  const site = join(dir, 'site');
  await mkdir(join(site, 'conv', 'site'), { recursive: true });
  await writeFile(join(site, 'clip.flv'), 'FLV');
  await writeFile(join(site, 'page.html'), '<embed src="clip.flv">');
  const output = join(site, 'conv', 'site', 'clip.flv.webm');
  const sidecar = join(site, 'conv', 'site', 'clip.flv.ffprobe.json');
  await writeFile(output, 'webm bytes');
  await writeFile(sidecar, '{}');
  const results = join(site, 'conv', 'warcit-conversion-results.yaml');
  await writeFile(results, `conversions:\n  ${P}clip.flv:\n    - {url: ${P}clip.flv.webm, output: ${output}, type: conversion, success: true, characterization: ${sidecar}, metadata: {name: webm, ext: webm, mime: video/webm}}\n`);
  await writeFile(`${results}.journal`, ''); // left by a warckit-convert that was killed
  await writeFile(join(site, 'conv', 'site', '.clip.flv.mp4.partial-99999999-0a1b2c.mp4'), 'cut short'); // and a partial output of it
  const told: string[] = [];
  const logger = { error: () => undefined, warn: (m: string) => told.push(m), info: (m: string) => told.push(m), debug: () => undefined };
  const plan = await planWarcRecords({ urlPrefix: P, inputs: [site], conversions: results, warcinfo: false, logger });
  const records = await all(plan.records);
  await plan.close();
  assert.deepEqual(records.map((r) => `${r.head.type} ${r.head.targetUri}`), [`resource ${P}clip.flv`, `conversion ${P}clip.flv.webm`, `resource ${P}page.html`]);
  assert.ok(told.some((m) => /left out 5 file\(s\) of the conversions .*warcit-conversion-results\.yaml/.test(m)), JSON.stringify(told));
  assert.equal(plan.report.filesFound, 2);
});

test('a results file naming a source as some conversion\'s output never leaves that source out', async () => {
  const dir = await tempDir();
  const site = join(dir, 'site');
  await mkdir(site, { recursive: true });
  await writeFile(join(site, 'a.flv'), 'FLV a');
  await writeFile(join(site, 'b.flv'), 'FLV b');
  const results = join(site, 'results.yaml');
  // Hand-edited: b.flv's conversion claims a.flv as its output.
  await writeFile(join(site, 'c.flv'), 'FLV c');
  // b.flv's conversion names a.flv as its output; c.flv's, under a URL ending like a source's, names c.flv itself.
  await writeFile(results, `conversions:\n  ${P}b.flv:\n    - {url: ${P}b.flv.webm, output: ${join(site, 'a.flv')}, type: conversion, success: true, metadata: {name: webm, ext: webm, mime: video/webm}}\n  ${P}c.flv:\n    - {url: ${P}copies/c.flv, output: ${join(site, 'c.flv')}, type: conversion, success: true, metadata: {name: copy, ext: flv, mime: video/x-flv}}\n`);
  const plan = await planWarcRecords({ urlPrefix: P, inputs: [site], conversions: results, warcinfo: false });
  const records = await all(plan.records);
  await plan.close();
  assert.deepEqual(records.filter((r) => r.head.type === 'resource').map((r) => r.head.targetUri), [`${P}a.flv`, `${P}b.flv`, `${P}c.flv`]);
});

test('a page of the manifest among the inputs is checked as replay will place its media: a media with no element on it is warned about, naming the page', async () => {
  const dir = await tempDir();
  const site = join(dir, 'site');
  await mkdir(join(site, 'ep1'), { recursive: true });
  await mkdir(join(site, 'ep2'), { recursive: true });
  await writeFile(join(site, 'ep1', 'video.flv'), 'FLV 1');
  await writeFile(join(site, 'ep2', 'video.flv'), 'FLV 2');
  await writeFile(join(site, 'shows.html'), '<html><body><embed src="ep1/video.flv"><p>Episode 2 is coming.</p></body></html>');
  await writeFile(join(site, 'fine.html'), '<html><body><embed src="ep1/video.flv"></body></html>');
  const warnings: string[] = [];
  const plan = await planWarcRecords({
    urlPrefix: P,
    inputs: [site],
    warcinfo: false,
    transclusions: { transclusions: { [`${P}ep1/video.flv`]: [{ url: `${P}shows.html` }, { url: `${P}fine.html` }], [`${P}ep2/video.flv`]: { url: `${P}shows.html` } } },
    onEvent: (e) => (e.type === 'warning' ? warnings.push(e.message) : undefined),
  });
  await all(plan.records);
  await plan.close();
  assert.deepEqual(warnings.filter((w) => w.includes('at replay no element')), [`${join(site, 'shows.html')}: at replay no element of the page takes ${P}ep2/video.flv (as warckit-replay inject finds the players; one that a script writes at replay may still take it)`]);
});

test('a page of the manifest served as application/xhtml+xml is warned about: ReplayWeb.page runs no script in it, so its media are not put in there; with xhtmlAsHtml (--no-xhtml) it is text/html and not named', async () => {
  const dir = await tempDir();
  const site = join(dir, 'site');
  await mkdir(site, { recursive: true });
  await writeFile(join(site, 'a.flv'), 'FLV');
  await writeFile(join(site, 'page.xhtml'), '<html xmlns="http://www.w3.org/1999/xhtml"><body><embed src="a.flv"/></body></html>');
  for (const xhtmlAsHtml of [false, true]) {
    const warnings: string[] = [];
    const plan = await planWarcRecords({
      urlPrefix: P,
      inputs: [site],
      warcinfo: false,
      xhtmlAsHtml,
      transclusions: { transclusions: { [`${P}a.flv`]: { url: `${P}page.xhtml` } } },
      onEvent: (e) => (e.type === 'warning' ? warnings.push(e.message) : undefined),
    });
    await all(plan.records);
    await plan.close();
    const named = warnings.filter((w) => w.includes('application/xhtml+xml'));
    if (xhtmlAsHtml) assert.deepEqual(named, []);
    else assert.deepEqual(named, [`${join(site, 'page.xhtml')} is served as application/xhtml+xml: ReplayWeb.page runs no script in such a page, so its media are not put in there (pywb does); write it with --no-xhtml to serve it as text/html`]);
  }
});
