/**
 * The Content-Type of a record, decided as warcit decides it: mapfile first, then
 * `--mime-overrides` (wildcards on the URL), then the file name or sniffed content, xhtml
 * folded to html with `--no-xhtml`, text/html when nothing is known; and a charset for
 * text/* types from `--charset`.
 */
import type { Readable } from 'node:stream';
import { type CharsetSetting, CHARSET_SAMPLE_BYTES, detectCharset } from '../media/charset.js';
import { DEFAULT_MIME, mimeFromContent, mimeFromName, SNIFF_BYTES } from '../media/mime.js';
import { asWarcitUrl } from '../inputs/url.js';

export interface ContentTypeOptions {
  useMagic: 'filename' | 'magic';
  noXhtml: boolean;
  /** [pattern, mime] pairs in the order given; first match wins. */
  mimeOverrides: ReadonlyArray<[RegExp, string]>;
  charset: CharsetSetting;
}

export interface ContentTypeResult {
  /** What goes in the Content-Type header: mime plus `; charset=...` when there is one. */
  contentType: string;
  mime: string;
  charset: string;
}

/** Read up to `limit` bytes from the start of a stream. */
export async function readHead(open: () => Promise<Readable>, limit: number): Promise<Buffer> {
  const stream = await open();
  const parts: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      parts.push(chunk as Buffer);
      size += (chunk as Buffer).length;
      if (size >= limit) break;
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(parts).subarray(0, limit);
}

export interface ContentTypeSubject {
  /** The URL the type is guessed from and `-m` patterns match: the file's own URL (not a mapfile's), as warcit. */
  url: string;
  open: () => Promise<Readable>;
  /** Mapfile Content-Type for this file, if any. */
  mapped?: string;
}

/** The Content-Type of a file or conversion, as warcit decides it (see above); reads the file's start only to sniff or detect a charset. */
export async function decideContentType(subject: ContentTypeSubject, options: ContentTypeOptions): Promise<ContentTypeResult> {
  const known = contentTypeUnread(subject, options);
  if (known) return known;
  let mime: string | undefined = overriddenMime(subject, options);
  let sample: Buffer | undefined;
  if (mime === undefined) {
    if (options.useMagic === 'magic') {
      sample = await readHead(subject.open, Math.max(SNIFF_BYTES, options.charset.kind === 'auto' ? CHARSET_SAMPLE_BYTES : 0));
      mime = foldMime(await mimeFromContent(sample.subarray(0, SNIFF_BYTES)), options);
    } else mime = foldMime(mimeFromName(subject.url), options);
  }
  let charset = '';
  if (mime.startsWith('text/')) {
    if (options.charset.kind === 'fixed') charset = options.charset.charset;
    else if (options.charset.kind === 'auto') {
      sample ??= await readHead(subject.open, CHARSET_SAMPLE_BYTES);
      charset = await detectCharset(sample);
    }
  }
  return typeResult(mime, charset);
}

/**
 * {@link decideContentType} when it needs none of the file's bytes (a mapfile type, or the type
 * from the name without a charset to detect), else undefined: the common case without a promise.
 */
export function contentTypeUnread(subject: ContentTypeSubject, options: ContentTypeOptions): ContentTypeResult | undefined {
  if (subject.mapped) {
    const [mime = '', ...rest] = subject.mapped.split(';');
    const charsetPart = rest.length ? `;${rest[0]}` : '';
    return { contentType: mime.trim() + charsetPart, mime: mime.trim(), charset: charsetPart.replace(/^;\s*charset=/i, '') };
  }
  let mime = overriddenMime(subject, options);
  if (mime === undefined) {
    if (options.useMagic === 'magic') return undefined;
    mime = foldMime(mimeFromName(subject.url), options);
  }
  if (!mime.startsWith('text/')) return typeResult(mime, '');
  if (options.charset.kind === 'auto') return undefined;
  return typeResult(mime, options.charset.kind === 'fixed' ? options.charset.charset : '');
}

function overriddenMime(subject: ContentTypeSubject, options: ContentTypeOptions): string | undefined {
  const asWarcit = asWarcitUrl(subject.url); // patterns written for warcit's raw `café.flv`
  return options.mimeOverrides.find(([rx]) => rx.test(subject.url) || (asWarcit !== subject.url && rx.test(asWarcit)))?.[1];
}

/** xhtml as html with `--no-xhtml`; text/html when nothing is known. */
function foldMime(mime: string | undefined, options: ContentTypeOptions): string {
  if (options.noXhtml && mime === 'application/xhtml+xml') return 'text/html';
  return mime ?? DEFAULT_MIME;
}

function typeResult(mime: string, charset: string): ContentTypeResult {
  return { contentType: charset ? `${mime}; charset=${charset}` : mime, mime, charset };
}
