/**
 * MIME types as warcit assigns them: by file name from a MIME database (mime-db, adjusted
 * to the values Python's `mimetypes` gives on Debian where they differ), or by content
 * sniffing (`--use-magic magic`), falling back to text/html as warcit does.
 */
import mime from 'mime-types';

/** Where Python's mimetypes (as warcit runs it on Debian) answers differently from mime-db. */
const PYTHON_COMPAT: Record<string, string> = {
  ico: 'image/x-icon', // warcit registers this itself
  wav: 'audio/x-wav',
  flac: 'audio/flac',
  rm: 'audio/x-pn-realaudio',
};

/** Compression suffixes Python's mimetypes treats as an encoding of the inner type. */
const ENCODINGS = new Set(['gz', 'bz2', 'xz', 'br', 'z']);

/** warcit's default when nothing else is known. */
export const DEFAULT_MIME = 'text/html';

/** The MIME type for a URL or file name by its extension, or undefined. Query strings are ignored. */
export function mimeFromName(name: string): string | undefined {
  let path = name.split('?', 1)[0]!;
  path = path.slice(path.lastIndexOf('/') + 1);
  let dot = path.lastIndexOf('.');
  if (dot <= 0 && !path.startsWith('.')) return undefined;
  let ext = path.slice(dot + 1).toLowerCase();
  if (ENCODINGS.has(ext)) {
    path = path.slice(0, dot);
    dot = path.lastIndexOf('.');
    if (dot < 0) return undefined;
    ext = path.slice(dot + 1).toLowerCase();
  }
  let type = byExtension.get(ext);
  if (type === undefined) {
    type = PYTHON_COMPAT[ext] ?? (mime.lookup(ext) || '');
    byExtension.set(ext, type);
  }
  return type || undefined;
}

const byExtension = new Map<string, string>();

/** True if the sample looks like text (no NUL bytes, few control characters). */
function looksLikeText(sample: Uint8Array): boolean {
  let control = 0;
  for (const byte of sample) {
    if (byte === 0) return false;
    if (byte < 9 || (byte > 13 && byte < 32)) control++;
  }
  return control <= sample.length / 100;
}

/** MIME type from content: file-type's signatures for binary formats, then a text sniff. */
export async function mimeFromContent(sample: Uint8Array): Promise<string> {
  const { fileTypeFromBuffer } = await import('file-type'); // loaded only for --use-magic magic
  const detected = await fileTypeFromBuffer(sample);
  if (detected) return detected.mime;
  if (sample.length === 0) return 'application/x-empty';
  if (!looksLikeText(sample)) return 'application/octet-stream';
  const head = Buffer.from(sample.subarray(0, 1024)).toString('latin1').replace(/^\uFEFF|^\xEF\xBB\xBF/, '').trimStart().toLowerCase();
  if (/^<!doctype html|^<html|^<head|^<body|^<!--|^<(title|script|style|div|p|table|h1|a)\b/.test(head)) return 'text/html';
  if (head.startsWith('<?xml')) return head.includes('<html') ? 'application/xhtml+xml' : 'text/xml';
  return 'text/plain';
}

/** Bytes of a file `--use-magic magic` looks at. */
export const SNIFF_BYTES = 4100;
