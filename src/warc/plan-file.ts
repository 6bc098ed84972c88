/**
 * The records of one archived file, in warcit's order: its resource record, a revisit at the
 * directory URL for an index file, a record per successful conversion, the extra records of
 * any extensions (characterization…), then the transclusion metadata of the pages that embed it.
 */
import { createReadStream, type Stats } from 'node:fs';
import type { ConversionResult } from '../convert/results.js';
import type { FileEntry } from '../inputs/entry.js';
import { indexUrlOf } from '../inputs/url.js';
import { type MediaFormats, serializeDocument, transclusionsDocument, youtubeDlDocument } from '../transclusions/formats.js';
import type { TransclusionManifest } from '../transclusions/manifest.js';
import { entryTimestamp, type PageGroup } from '../transclusions/page-groups.js';
import { embedsRecordUri, TRANSCLUSIONS_CONTENT_TYPE, transclusionsRecordUri, YOUTUBE_DL_CONTENT_TYPE } from '../transclusions/record-uri.js';
import { pyJsonDumps } from '../util/pyjson.js';
import { parsePageTimestamp, warcDate } from '../util/timestamps.js';
import type { ContentTypeResult } from './content-type.js';
import type { DigestAlgorithm } from './digest.js';
import type { NormalizedRecordOptions } from './options.js';
import { type RecordHead, REVISIT_CONTENT_TYPE, revisitProfile } from './records.js';
import type { WarcRecordInput } from './writer.js';

/** One line of the CSV log (`--log`), as warcit writes it. */
export interface LogRow {
  file: string;
  'Record-Type': string;
  URL: string;
  timestamp: string;
  'Content-Type'?: string;
  mime?: string;
  charset?: string;
}

/** A conversion of the file that will be written: its result, its file's stats, and its record's URL, date and type. */
export interface PlannedConversion {
  result: ConversionResult;
  stats: Stats;
  url: string;
  date: Date;
  contentType: ContentTypeResult;
  /** WARC-Record-ID of its record, set when the record is planned (for WARC-Concurrent-To). */
  recordId?: string;
  /** The source's payload digests when its bytes were checked against the conversion's record of them (`source_sha256`). */
  sourceDigests?: Record<DigestAlgorithm, string>;
}

/** An input file with everything decided about its records. */
export interface ArchivedFile {
  entry: FileEntry;
  /** Its URL (a mapfile's, else the walk's). */
  url: string;
  date: Date;
  contentType: ContentTypeResult;
  /** WARC-Record-ID of its resource record (for WARC-Refers-To and WARC-Concurrent-To). */
  recordId: string;
  conversions: PlannedConversion[];
}

/**
 * Extra records for an archived file, written after its conversions (e.g. characterization
 * metadata with WARC-Concurrent-To: `file.recordId`). The plug-in point for such records.
 */
export type RecordExtension = (file: ArchivedFile, context: FileRecordContext) => Iterable<WarcRecordInput> | AsyncIterable<WarcRecordInput>;

export interface FileRecordContext {
  options: NormalizedRecordOptions;
  manifest?: TransclusionManifest;
  /** The run's 14-digit timestamp (manifest entries without one). */
  runTimestamp: string;
  /** Successful, checked conversions of a URL (for the transclusion formats). */
  conversionsOf(url: string): readonly ConversionResult[];
  /** The Content-Type of a media among the inputs. */
  contentTypeOf(url: string): string | undefined;
  extensions: readonly RecordExtension[];
  makeId(): string;
  now(): Date;
  /** Told each record's log line (`--log`); the line is not even made without it. */
  log?: (row: LogRow) => void;
}

/** The unique part of a multi-transclusion record's URI: its record ID's UUID. */
function recordKey(recordId: string): string {
  return recordId.replace(/^<?urn:uuid:/i, '').replace(/>$/, '');
}

function media(ctx: FileRecordContext, mediaUrl: string, contentType: string | undefined): MediaFormats {
  return { mediaUrl, conversions: ctx.conversionsOf(mediaUrl), ...(contentType ? { mediaContentType: contentType } : {}) };
}

function metadataRecord(ctx: FileRecordContext, targetUri: string, date: Date, contentType: string, data: Buffer, recordId = ctx.makeId()): WarcRecordInput {
  const version = ctx.options.warcVersion;
  ctx.log?.({ file: '-', 'Record-Type': 'resource', URL: targetUri, timestamp: warcDate(date, version), 'Content-Type': contentType });
  return { head: { type: 'resource', recordId, date, targetUri, contentType, headers: [['WARC-Creation-Date', warcDate(ctx.now(), version)]] }, payload: { kind: 'buffer', data }, payloadDigest: true };
}

/** The resource record, and a revisit of it at the directory URL for an index file; the resource record is returned. */
function resourceRecords(file: ArchivedFile, ctx: FileRecordContext, records: WarcRecordInput[]): WarcRecordInput {
  const { entry, url, date, contentType: ct } = file;
  const version = ctx.options.warcVersion;
  const created = (): [string, string] => ['WARC-Creation-Date', warcDate(ctx.now(), version)];
  const sourceUri = entry.sourceUri === undefined ? `file://${entry.path}` : entry.sourceUri || undefined;
  // Built field by field, without spreads: a few objects per file less (20,000 files).
  let payload: WarcRecordInput['payload'];
  if (entry.data) payload = { kind: 'buffer', data: entry.data };
  else {
    payload = { kind: 'stream', size: entry.size, name: entry.path, open: entry.open };
    if (entry.filePath !== undefined) payload.path = entry.filePath;
    if (entry.zip) payload.member = true;
  }
  const resource: WarcRecordInput = {
    head: { type: 'resource', recordId: file.recordId, date, targetUri: url, contentType: ct.contentType, headers: sourceUri ? [['WARC-Source-URI', sourceUri], created()] : [created()] },
    payload,
    payloadDigest: true,
  };
  ctx.log?.({ file: entry.path, 'Record-Type': 'resource', URL: url, timestamp: warcDate(date, version), 'Content-Type': ct.contentType, mime: ct.mime, charset: ct.charset });
  records.push(resource);
  const lower = url.toLowerCase();
  if (!ctx.options.indexFiles.some((suffix) => lower.endsWith(suffix))) return resource;
  const indexUrl = indexUrlOf(url);
  ctx.log?.({ file: entry.path, 'Record-Type': 'revisit', URL: indexUrl, timestamp: warcDate(date, version) });
  records.push({
    head: {
      type: 'revisit',
      recordId: ctx.makeId(),
      date,
      targetUri: indexUrl,
      contentType: REVISIT_CONTENT_TYPE,
      headers: [...(sourceUri ? [['WARC-Source-URI', sourceUri] as [string, string]] : []), created(), ['WARC-Profile', revisitProfile(version)], ['WARC-Refers-To-Target-URI', url], ['WARC-Refers-To-Date', warcDate(date, version)]],
    },
    payload: { kind: 'buffer', data: Buffer.alloc(0) },
    payloadDigest: false,
    revisitOf: resource,
  });
  return resource;
}

/** A record per conversion, pointing back to the original's record (`source`). */
function conversionRecords(file: ArchivedFile, ctx: FileRecordContext, records: WarcRecordInput[], source: WarcRecordInput): void {
  const version = ctx.options.warcVersion;
  const refersDate = warcDate(file.date, version);
  for (const conversion of file.conversions) {
    const { result, stats, url, date, contentType: ct } = conversion;
    conversion.recordId = ctx.makeId();
    const head: RecordHead = {
      type: ctx.options.conversionRecordType,
      recordId: conversion.recordId,
      date,
      targetUri: url,
      contentType: ct.contentType,
      headers: [
        ['WARC-Source-URI', `file://${result.output}`],
        ['WARC-Creation-Date', warcDate(ctx.now(), version)],
        ['WARC-Refers-To', file.recordId],
        ['WARC-Refers-To-Target-URI', file.url],
        ['WARC-Refers-To-Date', refersDate],
        // warcit's name for the same header, kept so warcit-aware tools find it.
        ['WARC-Refers-To-Target-Date', refersDate],
      ],
    };
    if (result.metadata && Object.keys(result.metadata).length) head.headers.push(['WARC-JSON-Metadata', pyJsonDumps(result.metadata)]);
    ctx.log?.({ file: result.output, 'Record-Type': ctx.options.conversionRecordType, URL: url, timestamp: warcDate(date, version), 'Content-Type': ct.contentType, mime: ct.mime, charset: ct.charset });
    const open = (): ReturnType<typeof createReadStream> => createReadStream(result.output, { highWaterMark: 1024 * 1024 });
    const record: WarcRecordInput = { head, payload: { kind: 'stream', size: stats.size, name: result.output, path: result.output, open }, payloadDigest: true };
    if (conversion.sourceDigests) {
      const reason = `its source ${file.entry.path} changed after its conversions were checked: the WARC holds other bytes than those converted; convert it again`;
      record.requires = { record: source, payloadDigests: conversion.sourceDigests, reason };
    }
    records.push(record);
  }
}

/** youtube-dl metadata records (warcit's) for the pages that embed this file. */
function youtubeDlRecords(file: ArchivedFile, ctx: FileRecordContext, records: WarcRecordInput[]): void {
  if (!ctx.manifest || ctx.options.transclusionFormat === 'transclusions') return;
  for (const page of ctx.manifest.transclusions.get(file.url) ?? []) {
    const timestamp = entryTimestamp(page, ctx.runTimestamp);
    const pageRef = { url: page.url, timestamp, ...(page.selector ? { selector: page.selector } : {}) };
    const data = page.metadataJson ?? serializeDocument(youtubeDlDocument(pageRef, media(ctx, file.url, file.contentType.contentType)));
    records.push(metadataRecord(ctx, embedsRecordUri(page.url), parsePageTimestamp(timestamp), YOUTUBE_DL_CONTENT_TYPE, data));
  }
}

/** Multi-transclusion records: every media of a page at one timestamp. */
export function* groupRecords(groups: readonly PageGroup[], ctx: FileRecordContext): Generator<WarcRecordInput> {
  for (const group of groups) {
    const items = group.media.map(({ mediaUrl, selector }) => ({ ...(selector ? { selector } : {}), formats: media(ctx, mediaUrl, ctx.contentTypeOf(mediaUrl)) }));
    const data = serializeDocument(transclusionsDocument({ url: group.pageUrl, timestamp: group.timestamp }, items, ctx.runTimestamp));
    const recordId = ctx.makeId();
    yield metadataRecord(ctx, transclusionsRecordUri(group.pageUrl, recordKey(recordId)), parsePageTimestamp(group.timestamp), TRANSCLUSIONS_CONTENT_TYPE, data, recordId);
  }
}

/**
 * Every record of one file except the multi-transclusion records its page groups get (see
 * PageTracker). An array when there are no extensions (the usual case: no await per record).
 */
export function fileRecords(file: ArchivedFile, ctx: FileRecordContext): WarcRecordInput[] | AsyncIterable<WarcRecordInput> {
  if (ctx.extensions.length) return extendedRecords(file, ctx);
  const records: WarcRecordInput[] = [];
  conversionRecords(file, ctx, records, resourceRecords(file, ctx, records));
  youtubeDlRecords(file, ctx, records);
  return records;
}

async function* extendedRecords(file: ArchivedFile, ctx: FileRecordContext): AsyncGenerator<WarcRecordInput> {
  const records: WarcRecordInput[] = [];
  conversionRecords(file, ctx, records, resourceRecords(file, ctx, records));
  yield* records;
  for (const extension of ctx.extensions) yield* extension(file, ctx);
  const last: WarcRecordInput[] = [];
  youtubeDlRecords(file, ctx, last);
  yield* last;
}
