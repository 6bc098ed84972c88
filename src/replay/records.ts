/**
 * Transclusion metadata records as data (pure, also bundled into the browser client): both
 * formats — youtube-dl formats (`urn:embeds:<page>`, one media per record; older warcit:
 * `metadata://<host/path>`) and multi-transclusion (`urn:transclusions:<page>…`, every media of
 * a page).
 */
import { parseMetadataUri, TRANSCLUSIONS_CONTENT_TYPE, YOUTUBE_DL_CONTENT_TYPE } from '../transclusions/record-uri.js';
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
  return targetUri !== undefined && parseMetadataUri(targetUri) !== undefined;
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

/** The page a record is for: its URI says so (for old `metadata://` records, webpage_url when present). */
function pageOf(targetUri: string, doc: Record<string, unknown>): string {
  if (targetUri.startsWith('metadata://') && typeof doc.webpage_url === 'string') return doc.webpage_url;
  return parseMetadataUri(targetUri)?.pageUrl ?? (typeof doc.webpage_url === 'string' ? doc.webpage_url : targetUri);
}

/** A metadata record whose payload is not transclusion metadata (invalid JSON, wrong shape). */
export class MetadataRecordError extends Error {
  override name = 'MetadataRecordError';
}

function transclusionsOf(value: Record<string, unknown>): Transclusion[] {
  const transclusions: Transclusion[] = [];
  for (const [mediaUrl, entry] of Object.entries(value)) {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) continue;
    const fields = entry as Record<string, unknown>;
    const t: Transclusion = { mediaUrl, formats: formatsOf(fields.formats) };
    if (typeof fields.selector === 'string') t.selector = fields.selector;
    transclusions.push(t);
  }
  return transclusions;
}

/** Parse one metadata record; throws {@link MetadataRecordError} saying what is wrong with its payload. */
export function parseTransclusionRecord(input: MetadataRecordInput): TransclusionRecord {
  let doc: unknown;
  try {
    doc = JSON.parse(input.body);
  } catch (error) {
    throw new MetadataRecordError(`${input.targetUri}: payload is not valid JSON (${(error as Error).message})`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new MetadataRecordError(`${input.targetUri}: payload is not a JSON object`);
  const obj = doc as Record<string, unknown>;
  const timestamp = toTimestamp(input.warcDate);
  const created = input.creationDate ? toTimestamp(input.creationDate) : typeof obj.creation_timestamp === 'string' ? obj.creation_timestamp : timestamp;
  const pageUrl = pageOf(input.targetUri, obj);
  if (typeof obj.transclusions === 'object' && obj.transclusions !== null && !Array.isArray(obj.transclusions)) {
    return { pageUrl, timestamp, created, format: 'transclusions', transclusions: transclusionsOf(obj.transclusions as Record<string, unknown>) };
  }
  const formats = formatsOf(obj.formats);
  const mediaUrl = mediaUrlOf(formats);
  if (!mediaUrl) throw new MetadataRecordError(`${input.targetUri}: payload has neither "transclusions" nor "formats" with a URL`);
  const t: Transclusion = { mediaUrl, formats };
  if (typeof obj.selector === 'string') t.selector = obj.selector;
  return { pageUrl, timestamp, created, format: 'youtube-dl', transclusions: [t] };
}
