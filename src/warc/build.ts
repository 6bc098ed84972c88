/**
 * `writeWarc`: files, directories and ZIP files → one WARC, as warcit writes it: warcinfo,
 * then per file a resource record, a revisit for index files, a conversion record per
 * successful conversion, and transclusion metadata records for the pages that embed it.
 */
import { createReadStream, type Stats } from 'node:fs';
import { basename } from 'node:path';
import pLimit from 'p-limit';
import { type ConversionResult, readConversionResults } from '../convert/results.js';
import type { FileEntry } from '../inputs/entry.js';
import { indexUrlOf, matchesAny } from '../inputs/url.js';
import { type SkippedInput, walkInputs } from '../inputs/walk.js';
import { type MediaFormats, serializeDocument, transclusionsDocument, youtubeDlDocument } from '../transclusions/formats.js';
import { loadTransclusionManifest, type TransclusionManifest } from '../transclusions/manifest.js';
import { entryTimestamp, type PageGroup, planPages } from '../transclusions/page-groups.js';
import { embedsRecordUri, TRANSCLUSIONS_CONTENT_TYPE, transclusionsRecordUri, YOUTUBE_DL_CONTENT_TYPE } from '../transclusions/record-uri.js';
import { writeFileAtomic } from '../util/atomic.js';
import { silentLogger } from '../util/logger.js';
import { pyJsonDumps } from '../util/pyjson.js';
import { parseFixedDate, parsePageTimestamp, timestamp14, warcDate } from '../util/timestamps.js';
import { VERSION } from '../version.js';
import { type ContentTypeResult, decideContentType } from './content-type.js';
import { loadMapfile, MapfileMatcher, type MapfileRow } from './mapfile.js';
import { findUnmatchedSources, type UnmatchedConversionSource } from './conversion-match.js';
import { checkConversionOutput, conversionsRoot } from './conversion-outputs.js';
import { CHARACTERIZATION_CONTENT_TYPE, characterizationRecord, loadCharacterizations } from './characterization.js';
import { normalizeWarcOptions, type NormalizedWarcOptions, type WriteWarcOptions } from './options.js';
import { openWarcOutput } from './output.js';
import { withoutOwnFiles } from './own-files.js';
import { type RecordHead, REVISIT_CONTENT_TYPE, revisitProfile, WARCINFO_CONTENT_TYPE, warcinfoBlock } from './records.js';
import { newRecordId, type RecordInput, WarcWriter, type WrittenRecord } from './writer.js';

export type { WriteWarcOptions, WarcProgress } from './options.js';

export interface SkippedConversion {
  source: string;
  url: string;
  output: string;
  reason: string;
  /** Refused unread: the output resolves outside the directory the results file speaks for. */
  refused?: boolean;
}

export type { UnmatchedConversionSource } from './conversion-match.js';

export interface WriteWarcResult {
  /** The WARC written. */
  path: string;
  records: WrittenRecord[];
  /** Records by WARC-Type. */
  counts: Record<string, number>;
  /** Conversions listed as successful but not written (file missing or changed since conversion). */
  skippedConversions: SkippedConversion[];
  /** Results entries whose source matched no input: none of their conversions were written. */
  unmatchedConversions: UnmatchedConversionSource[];
  /** Manifest media URLs that matched no input file. */
  unmatchedTransclusions: string[];
  /** Inputs not archived because they are not regular files (FIFOs, sockets, devices, broken symlinks). */
  skippedInputs: SkippedInput[];
  /** The WARC was written but the --log file could not be: why. */
  logError?: string;
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

  // The files that configure the run are read before the output is touched.
  const mapRows: MapfileRow[] | undefined = opts.mapfile ? await loadMapfile(opts.mapfile) : undefined;
  const results = opts.conversions ? await readConversionResults(opts.conversions, { warn }) : undefined;
  const manifest: TransclusionManifest | undefined = opts.transclusions ? await loadTransclusionManifest(opts.transclusions) : undefined;
  const conversionsDir = opts.conversions ? await conversionsRoot(opts.conversions, options.conversionsDir) : undefined;
  // issue 10: ffprobe JSON of sources and outputs, read before the output is touched (warckit --characterize)
  const characterizations = opts.characterize && results ? await loadCharacterizations(results, conversionsDir!, warn) : undefined;
  // Locked (and an appended WARC's end checked) before the inputs are read, so a second run fails at once.
  const output = await openWarcOutput(opts, options, warn);
  let walk: Awaited<ReturnType<typeof walkInputs>>;
  try {
    walk = await walkInputs(opts.inputs, opts.urlPrefix, signal ? { signal } : {});
  } catch (error) {
    await output.abort();
    throw signal?.aborted ? new WarcAbortedError('interrupted') : error;
  }
  const skippedInputs = walk.skipped.filter((skipped) => included(skipped.path, opts));
  for (const skipped of skippedInputs) logger.error(`${skipped.path}: not archived: a ${skipped.kind}, not a regular file`);
  try {
    const own = await withoutOwnFiles(walk.entries, opts.path);
    for (const entry of own.excluded) {
      // The WARC being replaced or appended to is worth a warning; its temporary, lock and marker files are not.
      if (basename(entry.path) === basename(opts.path)) warn(`leaving out ${entry.path}: it is the WARC this run writes (${opts.path})`);
      else logger.debug(`leaving out ${entry.path}: a file kept beside ${opts.path} while it is written`);
    }
    const entries = own.kept.filter((entry) => included(entry.path, opts));
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
              const checked = await checkConversionOutput(conversion, conversionsDir!);
              if (!checked.ok) {
                skippedConversions.push({ source: url, url: conversion.url, output: conversion.output, reason: checked.reason, ...(checked.refused ? { refused: true } : {}) });
                logger.error(`${checked.refused ? 'refusing' : 'not writing'} conversion ${conversion.output}: ${checked.reason}`);
                continue;
              }
              outputStats.set(conversion, checked.stats);
              ok.push(conversion);
            }
            conversionsFor.set(url, ok);
          }),
        ),
      );
    }

    const unmatchedConversions = results ? findUnmatchedSources(results, [...planned.map((p) => p.url), ...walk.entries.map((entry) => entry.url)]) : [];
    for (const u of unmatchedConversions) {
      logger.error(`${opts.conversions}: conversions of ${u.source} not written, it matches no input: ${u.cause}`);
    }

    const inputUrls = new Set(planned.map((p) => p.url));
    const unmatchedTransclusions = manifest ? [...manifest.transclusions.keys()].filter((url) => !inputUrls.has(url)) : [];
    for (const url of unmatchedTransclusions) warn(`transclusion manifest names ${url}, which is not among the inputs: no metadata written for it`);

    // Multi-transclusion records go right after the last media file of their page and timestamp.
    const creation = now();
    const runTimestamp = timestamp14(creation);
    const pages = manifest ? planPages(manifest, planned.map((p) => p.url), runTimestamp) : undefined;
    const groupsAfter = opts.transclusionFormat !== 'youtube-dl' && pages ? pages.groupsAfter : new Map<string, PageGroup[]>();
    if (pages?.crowdedPages.size && opts.transclusionFormat !== 'transclusions') warnCrowdedPages(pages.crowdedPages, opts.transclusionFormat, warn);

    const logRows: LogRow[] = [];
    try {
      const writer = new WarcWriter(output.handle, output.startOffset, {
        gzip: opts.gzip,
        gzipLevel: opts.gzipLevel,
        version: opts.warcVersion,
        digestAlgorithm: opts.digestAlgorithm,
        concurrency: options.concurrency ?? 8,
        name: opts.path,
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
        // As warcit: the type is guessed (and -m applied) from the file's own URL, not the mapped one.
        const ct = await decideContentType({ url: entry.url, open: entry.open, ...(row?.['Content-Type'] ? { mapped: row['Content-Type'] } : {}) }, opts);
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
        // issue 10: the source's characterization, concurrent to its resource record
        const sourceJson = characterizations?.get(url)?.source;
        if (sourceJson) await writer.add(characterizationRecord(sourceJson, { recordId: makeId(), concurrentTo: resourceId, targetUri: url, date: recordDate, created: created() }));
        if (sourceJson) logRows.push({ file: '-', 'Record-Type': 'metadata', URL: url, timestamp: date(recordDate), 'Content-Type': CHARACTERIZATION_CONTENT_TYPE });
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
          // The rule says what it made (interview.wav.webm is audio/webm); a mapfile row still wins; else the file's own URL, as warcit.
          const declared = convRow?.['Content-Type'] ?? (typeof conversion.metadata?.mime === 'string' && conversion.metadata.mime ? conversion.metadata.mime : undefined);
          const convCt = await decideContentType({ ...source, url: conversion.url, ...(declared ? { mapped: declared } : {}) }, opts);
          const head: RecordHead = {
            type: opts.conversionRecordType,
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
          logRows.push({ file: conversion.output, 'Record-Type': opts.conversionRecordType, URL: convUrl, timestamp: date(convDate), 'Content-Type': convCt.contentType, mime: convCt.mime, charset: convCt.charset });
          // issue 10: the output's characterization, concurrent to its conversion record
          const outputJson = characterizations?.get(url)?.outputs.get(conversion.url);
          if (outputJson) await writer.add(characterizationRecord(outputJson, { recordId: makeId(), concurrentTo: head.recordId, targetUri: convUrl, date: convDate, created: created() }));
          if (outputJson) logRows.push({ file: '-', 'Record-Type': 'metadata', URL: convUrl, timestamp: date(convDate), 'Content-Type': CHARACTERIZATION_CONTENT_TYPE });
        }

        const media = (mediaUrl: string, contentType: string | undefined): MediaFormats => ({
          mediaUrl,
          conversions: conversionsFor.get(mediaUrl) ?? [],
          ...(contentType ? { mediaContentType: contentType } : {}),
        });

        if (manifest && opts.transclusionFormat !== 'transclusions') {
          for (const page of manifest.transclusions.get(url) ?? []) {
            const timestamp = entryTimestamp(page, runTimestamp);
            const pageRef = { url: page.url, timestamp, ...(page.selector ? { selector: page.selector } : {}) };
            const data = page.metadataJson ?? serializeDocument(youtubeDlDocument(pageRef, media(url, ct.contentType)));
            const metaDate = parsePageTimestamp(timestamp);
            await writer.add({
              head: { type: 'resource', recordId: makeId(), date: metaDate, targetUri: embedsRecordUri(page.url), contentType: YOUTUBE_DL_CONTENT_TYPE, headers: [created()] },
              payload: { kind: 'buffer', data },
              payloadDigest: true,
            });
            logRows.push({ file: '-', 'Record-Type': 'resource', URL: embedsRecordUri(page.url), timestamp: date(metaDate), 'Content-Type': YOUTUBE_DL_CONTENT_TYPE });
          }
        }

        for (const group of groupsAfter.get(url) ?? []) {
          const items = group.media.map(({ mediaUrl, selector }) => ({ ...(selector ? { selector } : {}), formats: media(mediaUrl, contentTypes.get(mediaUrl)?.contentType) }));
          const data = serializeDocument(transclusionsDocument({ url: group.pageUrl, timestamp: group.timestamp }, items, runTimestamp));
          const metaDate = parsePageTimestamp(group.timestamp);
          const recordId = makeId();
          const targetUri = transclusionsRecordUri(group.pageUrl, recordKey(recordId));
          await writer.add({
            head: { type: 'resource', recordId, date: metaDate, targetUri, contentType: TRANSCLUSIONS_CONTENT_TYPE, headers: [created()] },
            payload: { kind: 'buffer', data },
            payloadDigest: true,
          });
          logRows.push({ file: '-', 'Record-Type': 'resource', URL: targetUri, timestamp: date(metaDate), 'Content-Type': TRANSCLUSIONS_CONTENT_TYPE });
        }
      }
      await writer.flush();
      if (signal?.aborted) throw new WarcAbortedError('interrupted');
      await output.commit();
      // The WARC is in place: a log that cannot be written is reported, not a failure of the run.
      let logError: string | undefined;
      if (opts.log) {
        const { stringify } = await import('csv-stringify/sync');
        await writeFileAtomic(opts.log, stringify(logRows, { header: true, columns: LOG_COLUMNS, record_delimiter: '\r\n' })).catch((error: unknown) => {
          logError = (error as Error).message;
        });
      }
      const counts: Record<string, number> = {};
      for (const record of writer.records) counts[record.type] = (counts[record.type] ?? 0) + 1;
      return { path: opts.path, records: writer.records, counts, skippedConversions, unmatchedConversions, unmatchedTransclusions, skippedInputs, ...(logError ? { logError } : {}), warnings };
    } catch (error) {
      await output.abort();
      throw error;
    }
  } catch (error) {
    await output.abort();
    throw error;
  } finally {
    walk.close();
  }
}

/** The unique part of a multi-transclusion record's URI: its record ID's UUID. */
function recordKey(recordId: string): string {
  return recordId.replace(/^<?urn:uuid:/i, '').replace(/>$/, '');
}

/** Several media of one page as youtube-dl records: pywb's stock client shows only one of them. */
function warnCrowdedPages(pages: ReadonlyMap<string, number>, format: string, warn: (message: string) => void): void {
  const [first] = pages;
  const others = pages.size > 1 ? ` (and ${pages.size - 1} more page(s))` : '';
  const advice =
    format === 'both'
      ? "warckit's replay client (README: Replay) plays them all from the urn:transclusions: records also written"
      : "add --transclusion-format both and deploy warckit's replay client (README: Replay) to play them all";
  warn(`${first![0]} embeds ${first![1]} media at one capture time${others}: pywb's stock transclusions.js replaces only one of them; ${advice}`);
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
