/**
 * The transclusion JSON documents, built exactly as warcit builds them (pure functions).
 * - youtube-dl formats (`application/vnd.youtube-dl_formats+json`), one media per record at
 *   `urn:embeds:<page url>`: `{formats, selector?, webpage_timestamp, webpage_url}`;
 * - multi-transclusion (`application/vnd.transclusions+json`), every media of a page at one
 *   timestamp in one record at `urn:transclusions:<page url>?warckit-record=<key>` (see record-uri.ts).
 */
import type { ConversionResult } from '../convert/results.js';
import { pyJsonDumps } from '../util/pyjson.js';

export { EMBEDS_PREFIX, TRANSCLUSIONS_CONTENT_TYPE, TRANSCLUSIONS_PREFIX, YOUTUBE_DL_CONTENT_TYPE } from './record-uri.js';

/** Which transclusion records are written: warcit's `youtube-dl` (urn:embeds:), `transclusions` (urn:transclusions:), or `both`. */
export type TransclusionFormat = 'youtube-dl' | 'transclusions' | 'both';

export interface MediaFormats {
  /** The embedded media's URL. */
  mediaUrl: string;
  /** The media record's Content-Type (warcit copies it, charset and all). */
  mediaContentType?: string;
  /** Successful conversions of the media, in results-file order. */
  conversions: readonly ConversionResult[];
}

/** `formats`: each conversion's rule fields + url + original_url, then the original itself. */
export function formatsFor(media: MediaFormats): Array<Record<string, unknown>> {
  const formats: Array<Record<string, unknown>> = media.conversions.map((conversion) => ({
    ...conversion.metadata,
    url: conversion.url,
    original_url: media.mediaUrl,
  }));
  // Python's url.rsplit('.')[-1]: everything after the last dot (the whole URL if none).
  const original: Record<string, unknown> = { url: media.mediaUrl, ext: media.mediaUrl.slice(media.mediaUrl.lastIndexOf('.') + 1), original: true };
  if (media.mediaContentType) original.mime = media.mediaContentType;
  formats.push(original);
  return formats;
}

export interface PageRef {
  url: string;
  timestamp: string;
  selector?: string;
}

/** The youtube-dl formats document for one media embedded in one page. */
export function youtubeDlDocument(page: PageRef, media: MediaFormats): Record<string, unknown> {
  const doc: Record<string, unknown> = { webpage_url: page.url, webpage_timestamp: page.timestamp };
  if (page.selector) doc.selector = page.selector;
  doc.formats = formatsFor(media);
  return doc;
}

/** The multi-transclusion document for every media a page embeds at one timestamp. */
export function transclusionsDocument(
  page: { url: string; timestamp: string },
  media: ReadonlyArray<{ selector?: string; formats: MediaFormats }>,
  creationTimestamp: string,
): Record<string, unknown> {
  const transclusions: Record<string, unknown> = {};
  for (const item of media) {
    const entry: Record<string, unknown> = {};
    if (item.selector) entry.selector = item.selector;
    entry.formats = formatsFor(item.formats);
    transclusions[item.formats.mediaUrl] = entry;
  }
  return { transclusions, webpage_url: page.url, webpage_timestamp: page.timestamp, creation_timestamp: creationTimestamp };
}

/** Serialized as warcit does: json.dumps(indent=2, sort_keys=True), UTF-8. */
export function serializeDocument(doc: unknown): Buffer {
  return Buffer.from(pyJsonDumps(doc, { indent: 2, sortKeys: true }), 'utf8');
}
