/**
 * A crawl pipeline that writes its own WARC with warcio.js and has warckit add the media:
 *
 *  1. the page it fetched goes in as a warcio.js `response` record, as any crawler writes it;
 *  2. the Flash video it fetched is converted by `convertMedia` (given as bytes, no results
 *     file: the pipeline keeps the outcomes);
 *  3. the video, its playable copies and the metadata that puts them back into the page at
 *     replay are planned by `planWarcRecords` and handed to warcio.js's serializer by
 *     `toWarcioRecords`, into the same WARC.
 *
 * Run:  npx tsc -p examples/tsconfig.json && node dist/examples/pipeline.js <out-dir>
 * The page and video are the demo site's (examples/site), read as if just downloaded.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WARCRecord, WARCSerializer } from 'warcio';
import { convertMedia, planWarcRecords, toWarcioRecords, type ConvertEvent } from 'warckit';

const site = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'examples', 'site');
const out = resolve(process.argv[2] ?? 'pipeline-output');
const pageUrl = 'http://www.example.com/index.html';
const videoUrl = 'http://www.example.com/media/intro.flv';
const captured = new Date('2009-04-15T12:00:00Z');

// What the crawler downloaded.
const page = await readFile(join(site, 'index.html'));
const video = await readFile(join(site, 'media', 'intro.flv'));

await mkdir(out, { recursive: true });
const warcPath = join(out, 'pipeline.warc.gz');
const warc = createWriteStream(warcPath);
async function write(record: WARCRecord): Promise<void> {
  if (!warc.write(await WARCSerializer.serialize(record, { gzip: true }))) await once(warc, 'drain');
}

// 1. The crawler's own record, made with warcio.js.
const response = await WARCRecord.create(
  { url: pageUrl, date: captured.toISOString(), type: 'response', httpHeaders: { 'Content-Type': 'text/html' } },
  (async function* () {
    yield page;
  })(),
);
await write(response);

// 2. Playable copies of the video (poster, WebM, MP4…) by warckit's default rules.
const onEvent = (event: ConvertEvent): void => {
  if (event.type === 'conversion' && event.outcome.status !== 'not-applicable') console.log(`${event.outcome.status}: ${event.outcome.url}${event.outcome.error ? ` (${event.outcome.error.message})` : ''}`);
};
const converted = await convertMedia({ inputs: [{ url: videoUrl, data: video, mtime: captured }], outputDir: join(out, 'conversions'), results: false, onEvent });
if (converted.failed) throw new Error(`${converted.failed} conversion(s) failed`);

// 3. The video, its copies and the page's transclusion metadata, into the same WARC.
const plan = await planWarcRecords({
  inputs: [{ url: videoUrl, data: video, mtime: captured, contentType: 'video/x-flv' }],
  conversions: converted,
  transclusions: { transclusions: { [videoUrl]: [{ url: pageUrl, timestamp: '20090415120000', selector: 'object' }] } },
  transclusionFormat: 'both',
  // ReplayWeb.page (wabac.js) serves resource records, not conversion records.
  conversionRecordType: 'resource',
  warcinfo: false,
});
let records = 0;
for await (const record of toWarcioRecords(plan)) {
  await write(record);
  records++;
}
warc.end();
await once(warc, 'close');
if (plan.report.warnings.length) console.warn(plan.report.warnings.join('\n'));
console.log(`${warcPath}: 1 response record from the crawler, ${records} from warckit (${converted.converted} conversions)`);
