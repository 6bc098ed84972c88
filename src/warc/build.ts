/**
 * `writeWarc`: files, directories and ZIP files → one WARC, as warcit writes it: warcinfo,
 * then per file a resource record, a revisit for index files, a conversion record per
 * successful conversion, and transclusion metadata records for the pages that embed it.
 */
import { createReadStream, type Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import pLimit from 'p-limit';
import { type ConversionResult, readConversionResults } from '../convert/results.js';
import type { FileEntry } from '../inputs/entry.js';
import { indexUrlOf, matchesAny } from '../inputs/url.js';
import { sha256File } from '../convert/digest.js';
import { walkInputs } from '../inputs/walk.js';
import {
  EMBEDS_PREFIX,
  type MediaFormats,
  serializeDocument,
  TRANSCLUSIONS_CONTENT_TYPE,
  TRANSCLUSIONS_PREFIX,
  transclusionsDocument,
  YOUTUBE_DL_CONTENT_TYPE,
  youtubeDlDocument,
} from '../transclusions/formats.js';
import { loadTransclusionManifest, type TransclusionEntry, type TransclusionManifest } from '../transclusions/manifest.js';
import { openAtomic, writeFileAtomic } from '../util/atomic.js';
import { silentLogger } from '../util/logger.js';
import { pyJsonDumps } from '../util/pyjson.js';
import { parseFixedDate, parsePageTimestamp, timestamp14, warcDate } from '../util/timestamps.js';
import { VERSION } from '../version.js';
import { type ContentTypeResult, decideContentType } from './content-type.js';
import { loadMapfile, MapfileMatcher, type MapfileRow } from './mapfile.js';
import { normalizeWarcOptions, type NormalizedWarcOptions, type WriteWarcOptions } from './options.js';
import { type RecordHead, REVISIT_CONTENT_TYPE, revisitProfile, WARCINFO_CONTENT_TYPE, warcinfoBlock } from './records.js';
import { newRecordId, type RecordInput, WarcWriter, type WrittenRecord } from './writer.js';

export type { WriteWarcOptions, WarcProgress } from './options.js';

export interface SkippedConversion {
  source: string;
  url: string;
  output: string;
  reason: string;
}

export interface WriteWarcResult {
  /** The WARC written. */
  path: string;
  records: WrittenRecord[];
  /** Records by WARC-Type. */
  counts: Record<string, number>;
  /** Conversions listed as successful but not written (file missing or changed since conversion). */
  skippedConversions: SkippedConversion[];
  /** Manifest media URLs that matched no input file. */
  unmatchedTransclusions: string[];
  warnings: string[];
}

/** The run was stopped through its AbortSignal. */
export class WarcAbortedError extends Error {
  override name = 'WarcAbortedError';
}

interface LogRow {
  file: string;
  'Record-Type': string;
  URL: string;
  timestamp: string;
  'Content-Type'?: string;
  mime?: string;
  charset?: string;
}

const LOG_COLUMNS = ['file', 'Record-Type', 'URL', 'timestamp', 'Content-Type', 'mime', 'charset'];

/**
 * Check a conversion the WARC will carry: file present, size and sha256 as recorded.
 * Returns the file's stats (used for its record), or what is wrong.
 */
async function verifyConversion(conversion: ConversionResult): Promise<Stats | string> {
  let info: Stats;
  try {
    info = await stat(conversion.output);
  } catch {
    return 'file missing';
  }
  if (!info.isFile()) return 'not a file';
  if (typeof conversion.output_size === 'number' && conversion.output_size !== info.size) {
    return `size is ${info.size} bytes, results file says ${conversion.output_size}`;
  }
  if (conversion.output_sha256 !== undefined) {
    const recorded = String(conversion.output_sha256).toLowerCase();
    if (!/^[0-9a-f]{64}$/.test(recorded)) return `output_sha256 in the results file is not a sha256 hex digest (${recorded})`;
    const actual = await sha256File(conversion.output);
    if (actual !== recorded) return 'sha256 differs from the results file (changed since conversion)';
  }
  return info;
}

function fileSource(path: string, url: string): Pick<FileEntry, 'url' | 'open'> {
  return { url, open: async () => createReadStream(path, { highWaterMark: 1024 * 1024 }) };
}

/** Write a WARC from files, directories and ZIP files. */
export async function writeWarc(options: WriteWarcOptions): Promise<WriteWarcResult> {
  const opts = normalizeWarcOptions(options);
  const logger = options.logger ?? silentLogger;
  const now = options.now ?? (() => new Date());
  const makeId = options.makeRecordId ?? newRecordId;
  const signal = options.signal;
  const warnings: string[] = [];
  const warn = (message: string): void => {
    warnings.push(message);
    logger.warn(message);
  };

  // Everything that can be wrong with the inputs is found before the output is opened.
  const mapRows: MapfileRow[] | undefined = opts.mapfile ? await loadMapfile(opts.mapfile) : undefined;
  const results = opts.conversions ? await readConversionResults(opts.conversions, { warn }) : undefined;
  const manifest: TransclusionManifest | undefined = opts.transclusions ? await loadTransclusionManifest(opts.transclusions) : undefined;
  const walk = await walkInputs(opts.inputs, opts.urlPrefix);
  try {
    const entries = walk.entries.filter((entry) => included(entry.path, opts));
    const mapper = mapRows ? new MapfileMatcher(mapRows, opts.mapfile!) : undefined;
    const planned = entries.map((entry) => {
      const row = mapper?.match(entry.path);
      return { entry, row, url: row?.URL ?? entry.url };
    });

    const skippedConversions: SkippedConversion[] = [];
    const conversionsFor = new Map<string, ConversionResult[]>();
    const outputStats = new Map<ConversionResult, Stats>();
    if (results) {
      const limit = pLimit(2);
      await Promise.all(
        planned.map(({ url }) =>
          limit(async () => {
            const ok: ConversionResult[] = [];
            for (const conversion of results.conversions[url] ?? []) {
              if (!conversion.success) {
                warn(`skipping unsuccessful conversion: ${conversion.output}`);
                continue;
              }
              const checked = await verifyConversion(conversion);
              if (typeof checked === 'string') {
                skippedConversions.push({ source: url, url: conversion.url, output: conversion.output, reason: checked });
                logger.error(`not writing conversion ${conversion.output}: ${checked}`);
                continue;
              }
              outputStats.set(conversion, checked);
              ok.push(conversion);
            }
            conversionsFor.set(url, ok);
          }),
        ),
      );
    }

    const inputUrls = new Set(planned.map((p) => p.url));
    const unmatchedTransclusions = manifest ? [...manifest.transclusions.keys()].filter((url) => !inputUrls.has(url)) : [];
    for (const url of unmatchedTransclusions) warn(`transclusion manifest names ${url}, which is not among the inputs: no metadata written for it`);

    // Multi-transclusion records go right after the last media file of their page and timestamp.
    const pageGroups = new Map<string, { page: TransclusionEntry; timestamp: string; media: string[] }>();
    const groupsAfter = new Map<string, string[]>();
    const creation = now();
    if (manifest && opts.transclusionFormat !== 'youtube-dl') {
      for (const { url } of planned) {
        for (const page of manifest.transclusions.get(url) ?? []) {
          if (page.metadataJson) continue;
          const timestamp = page.timestamp ?? timestamp14(creation);
          const key = `${timestamp} ${page.url}`;
          const group = pageGroups.get(key) ?? { page, timestamp, media: [] };
          if (!group.media.includes(url)) group.media.push(url);
          pageGroups.set(key, group);
        }
      }
      for (const [key, group] of pageGroups) {
        const last = group.media[group.media.length - 1]!;
        groupsAfter.set(last, [...(groupsAfter.get(last) ?? []), key]);
      }
    }

    const output = await openAtomic(opts.path, opts.mode, 'use -a/--append to add to it or -o/--overwrite to replace it', options.fsync ?? false);
    const logRows: LogRow[] = [];
    try {
      const writer = new WarcWriter(output.handle, output.startOffset, {
        gzip: opts.gzip,
        gzipLevel: opts.gzipLevel,
        version: opts.warcVersion,
        digestAlgorithm: opts.digestAlgorithm,
        concurrency: options.concurrency ?? 8,
        ...(signal ? { signal } : {}),
      });
      const date = (d: Date): string => warcDate(d, opts.warcVersion);
      const created = (): [string, string] => ['WARC-Creation-Date', date(now())];

      if (opts.warcinfo) {
        const block = warcinfoBlock([
          ['software', `warckit ${VERSION}`],
          ['format', `WARC File Format ${opts.warcVersion}`],
          ['cmdline', opts.commandLine?.map(quoteArg).join(' ')],
        ]);
        await writer.add({
          head: { type: 'warcinfo', recordId: makeId(), date: now(), filename: basename(opts.path), contentType: WARCINFO_CONTENT_TYPE, headers: [] },
          payload: { kind: 'buffer', data: block },
          payloadDigest: false,
        });
      }

      const contentTypes = new Map<string, ContentTypeResult>();
      const bytesTotal = planned.reduce((sum, p) => sum + p.entry.size, 0);
      let filesDone = 0;
      let bytesDone = 0;

      for (const { entry, row, url } of planned) {
        if (signal?.aborted) throw new WarcAbortedError('interrupted');
        const recordDate = row?.timestamp ? parseFixedDate(row.timestamp, `${opts.mapfile}: line ${row.line}: timestamp`) : (opts.fixedDate ?? entry.mtime);
        const ct = await decideContentType({ url, open: entry.open, ...(row?.['Content-Type'] ? { mapped: row['Content-Type'] } : {}) }, opts);
        contentTypes.set(url, ct);
        const resourceId = makeId();
        const sourceUri = `file://${entry.path}`;
        const resource = await writer.add({
          head: {
            type: 'resource',
            recordId: resourceId,
            date: recordDate,
            targetUri: url,
            contentType: ct.contentType,
            headers: [['WARC-Source-URI', sourceUri], created()],
          },
          payload: { kind: 'stream', size: entry.size, name: entry.path, open: entry.open, ...(entry.filePath !== undefined ? { path: entry.filePath } : {}) },
          payloadDigest: true,
        });
        logRows.push({ file: entry.path, 'Record-Type': 'resource', URL: url, timestamp: date(recordDate), 'Content-Type': ct.contentType, mime: ct.mime, charset: ct.charset });
        resource.written.then(
          () => {
            filesDone++;
            bytesDone += entry.size;
            options.onProgress?.({ filesDone, filesTotal: planned.length, bytesDone, bytesTotal, current: entry.path });
          },
          () => undefined,
        );

        if (opts.indexFiles.some((suffix) => url.toLowerCase().endsWith(suffix))) {
          const indexUrl = indexUrlOf(url);
          await writer.add(
            resource.written.then(
              (written): RecordInput => ({
                head: {
                  type: 'revisit',
                  recordId: makeId(),
                  date: recordDate,
                  targetUri: indexUrl,
                  contentType: REVISIT_CONTENT_TYPE,
                  headers: [
                    ['WARC-Source-URI', sourceUri],
                    created(),
                    ['WARC-Profile', revisitProfile(opts.warcVersion)],
                    ['WARC-Refers-To-Target-URI', url],
                    ['WARC-Refers-To-Date', date(recordDate)],
                    ['WARC-Payload-Digest', written.digests.payload!],
                  ],
                },
                payload: { kind: 'buffer', data: Buffer.alloc(0) },
                payloadDigest: false,
              }),
            ),
          );
          logRows.push({ file: entry.path, 'Record-Type': 'revisit', URL: indexUrl, timestamp: date(recordDate) });
        }

        for (const conversion of conversionsFor.get(url) ?? []) {
          if (!included(conversion.output, opts)) continue;
          const info = outputStats.get(conversion)!;
          const convRow = mapper?.match(conversion.output);
          const convUrl = convRow?.URL ?? conversion.url;
          const convDate = convRow?.timestamp ? parseFixedDate(convRow.timestamp) : (opts.fixedDate ?? info.mtime);
          const source = fileSource(conversion.output, convUrl);
          const convCt = await decideContentType({ ...source, ...(convRow?.['Content-Type'] ? { mapped: convRow['Content-Type'] } : {}) }, opts);
          const head: RecordHead = {
            type: 'conversion',
            recordId: makeId(),
            date: convDate,
            targetUri: convUrl,
            contentType: convCt.contentType,
            headers: [
              ['WARC-Source-URI', `file://${conversion.output}`],
              created(),
              ['WARC-Refers-To', resourceId],
              ['WARC-Refers-To-Target-URI', url],
              ['WARC-Refers-To-Date', date(recordDate)],
              // warcit's name for the same header, kept so warcit-aware tools find it.
              ['WARC-Refers-To-Target-Date', date(recordDate)],
            ],
          };
          if (conversion.metadata && Object.keys(conversion.metadata).length) head.headers.push(['WARC-JSON-Metadata', pyJsonDumps(conversion.metadata)]);
          await writer.add({ head, payload: { kind: 'stream', size: info.size, name: conversion.output, path: conversion.output, open: source.open }, payloadDigest: true });
          logRows.push({ file: conversion.output, 'Record-Type': 'conversion', URL: convUrl, timestamp: date(convDate), 'Content-Type': convCt.contentType, mime: convCt.mime, charset: convCt.charset });
        }

        const media = (mediaUrl: string, contentType: string | undefined): MediaFormats => ({
          mediaUrl,
          conversions: conversionsFor.get(mediaUrl) ?? [],
          ...(contentType ? { mediaContentType: contentType } : {}),
        });

        if (manifest && opts.transclusionFormat !== 'transclusions') {
          for (const page of manifest.transclusions.get(url) ?? []) {
            const timestamp = page.timestamp ?? timestamp14(creation);
            const pageRef = { url: page.url, timestamp, ...(page.selector ? { selector: page.selector } : {}) };
            const data = page.metadataJson ?? serializeDocument(youtubeDlDocument(pageRef, media(url, ct.contentType)));
            const metaDate = parsePageTimestamp(timestamp);
            await writer.add({
              head: { type: 'resource', recordId: makeId(), date: metaDate, targetUri: EMBEDS_PREFIX + page.url, contentType: YOUTUBE_DL_CONTENT_TYPE, headers: [created()] },
              payload: { kind: 'buffer', data },
              payloadDigest: true,
            });
            logRows.push({ file: '-', 'Record-Type': 'resource', URL: EMBEDS_PREFIX + page.url, timestamp: date(metaDate), 'Content-Type': YOUTUBE_DL_CONTENT_TYPE });
          }
        }

        for (const key of groupsAfter.get(url) ?? []) {
          const group = pageGroups.get(key)!;
          const items = group.media.map((mediaUrl) => {
            const page = manifest!.transclusions.get(mediaUrl)!.find((p) => p.url === group.page.url && (p.timestamp ?? timestamp14(creation)) === group.timestamp);
            return { ...(page?.selector ? { selector: page.selector } : {}), formats: media(mediaUrl, contentTypes.get(mediaUrl)?.contentType) };
          });
          const data = serializeDocument(transclusionsDocument({ url: group.page.url, timestamp: group.timestamp }, items, timestamp14(creation)));
          const metaDate = parsePageTimestamp(group.timestamp);
          await writer.add({
            head: { type: 'resource', recordId: makeId(), date: metaDate, targetUri: TRANSCLUSIONS_PREFIX + group.page.url, contentType: TRANSCLUSIONS_CONTENT_TYPE, headers: [created()] },
            payload: { kind: 'buffer', data },
            payloadDigest: true,
          });
          logRows.push({ file: '-', 'Record-Type': 'resource', URL: TRANSCLUSIONS_PREFIX + group.page.url, timestamp: date(metaDate), 'Content-Type': TRANSCLUSIONS_CONTENT_TYPE });
        }
      }
      await writer.flush();
      if (signal?.aborted) throw new WarcAbortedError('interrupted');
      await output.commit();
      if (opts.log) {
        const { stringify } = await import('csv-stringify/sync');
        await writeFileAtomic(opts.log, stringify(logRows, { header: true, columns: LOG_COLUMNS, record_delimiter: '\r\n' }));
      }
      const counts: Record<string, number> = {};
      for (const record of writer.records) counts[record.type] = (counts[record.type] ?? 0) + 1;
      return { path: opts.path, records: writer.records, counts, skippedConversions, unmatchedTransclusions, warnings };
    } catch (error) {
      await output.abort();
      throw error;
    }
  } finally {
    walk.close();
  }
}

function included(path: string, opts: NormalizedWarcOptions): boolean {
  const lower = path.toLowerCase();
  if (opts.include.length && matchesAny(lower, opts.include)) return true;
  if (opts.exclude.length) return !matchesAny(lower, opts.exclude);
  return opts.include.length === 0;
}

/** Quote an argument for the warcinfo command line when it would not read back as one word. */
function quoteArg(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
