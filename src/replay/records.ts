/**
 * Transclusion metadata records as data (pure): both formats — youtube-dl formats
 * (`urn:embeds:<page>`, one media per record; older warcit: `metadata://<host/path>`) and
 * multi-transclusion (`urn:transclusions:<page>`, every media of a page).
 */
import { EMBEDS_PREFIX, TRANSCLUSIONS_CONTENT_TYPE, TRANSCLUSIONS_PREFIX, YOUTUBE_DL_CONTENT_TYPE } from '../transclusions/formats.js';
import { timestamp14 } from '../util/timestamps.js';

/** One format of a media file: a conversion, a poster, or the original. */
export interface MediaFormat {
  url: string;
  mime?: string;
  ext?: string;
  original?: boolean;
  poster?: boolean;
  skip_as_source?: boolean;
  [key: string]: unknown;
}

/** One media file to put back into a page. */
export interface Transclusion {
  mediaUrl: string;
  selector?: string;
  formats: MediaFormat[];
}

/** A metadata record: the transclusions of one page at one capture time. */
export interface TransclusionRecord {
  pageUrl: string;
  /** 14-digit capture timestamp of the page (the record's WARC-Date). */
  timestamp: string;
  /** When the record was made (WARC-Creation-Date, else creation_timestamp, else WARC-Date). */
  created: string;
  format: 'youtube-dl' | 'transclusions';
  transclusions: Transclusion[];
}

/** What the index needs of a WARC record. */
export interface MetadataRecordInput {
  targetUri: string;
  warcDate: string;
  creationDate?: string;
  contentType?: string;
  body: string;
}

/** True if a record at this URI/content type may hold transclusion metadata. */
export function isTransclusionRecord(targetUri: string | undefined, contentType: string | undefined): boolean {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === YOUTUBE_DL_CONTENT_TYPE || type === TRANSCLUSIONS_CONTENT_TYPE) return true;
  return Boolean(targetUri && (targetUri.startsWith(EMBEDS_PREFIX) || targetUri.startsWith(TRANSCLUSIONS_PREFIX)));
}

function toTimestamp(warcDate: string): string {
  const date = new Date(warcDate);
  return Number.isNaN(date.getTime()) ? warcDate.replace(/\D/g, '').slice(0, 14) : timestamp14(date);
}

function formatsOf(value: unknown): MediaFormat[] {
  if (!Array.isArray(value)) return [];
  return value.filter((f): f is MediaFormat => typeof f === 'object' && f !== null && typeof (f as MediaFormat).url === 'string');
}

/** The media a youtube-dl document stands for: its original format, else the first conversion's original_url. */
function mediaUrlOf(formats: MediaFormat[]): string | undefined {
  const original = formats.find((f) => f.original);
  if (original) return original.url;
  const from = formats.find((f) => typeof f.original_url === 'string');
  return (from?.original_url as string | undefined) ?? formats[0]?.url;
}

/** The page a record's target URI names. */
function pageOf(targetUri: string, doc: Record<string, unknown>): string {
  if (targetUri.startsWith(EMBEDS_PREFIX)) return targetUri.slice(EMBEDS_PREFIX.length);
  if (targetUri.startsWith(TRANSCLUSIONS_PREFIX)) return targetUri.slice(TRANSCLUSIONS_PREFIX.length);
  if (typeof doc.webpage_url === 'string') return doc.webpage_url;
  return targetUri.replace(/^metadata:\/\//, 'http://');
}

/** Parse one metadata record; undefined when it is not transclusion metadata or not valid JSON. */
export function parseTransclusionRecord(input: MetadataRecordInput): TransclusionRecord | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(input.body);
  } catch {
    return undefined;
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return undefined;
  const obj = doc as Record<string, unknown>;
  const timestamp = toTimestamp(input.warcDate);
  const created = input.creationDate ? toTimestamp(input.creationDate) : typeof obj.creation_timestamp === 'string' ? obj.creation_timestamp : timestamp;
  const pageUrl = pageOf(input.targetUri, obj);
  if (typeof obj.transclusions === 'object' && obj.transclusions !== null && !Array.isArray(obj.transclusions)) {
    const transclusions: Transclusion[] = [];
    for (const [mediaUrl, value] of Object.entries(obj.transclusions as Record<string, unknown>)) {
      if (typeof value !== 'object' || value === null) continue;
      const entry = value as Record<string, unknown>;
      const t: Transclusion = { mediaUrl, formats: formatsOf(entry.formats) };
      if (typeof entry.selector === 'string') t.selector = entry.selector;
      transclusions.push(t);
    }
    return { pageUrl, timestamp, created, format: 'transclusions', transclusions };
  }
  const formats = formatsOf(obj.formats);
  const mediaUrl = mediaUrlOf(formats);
  if (!mediaUrl) return undefined;
  const t: Transclusion = { mediaUrl, formats };
  if (typeof obj.selector === 'string') t.selector = obj.selector;
  return { pageUrl, timestamp, created, format: 'youtube-dl', transclusions: [t] };
}
