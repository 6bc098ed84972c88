/**
 * Archived HTML as bytes: its charset, and its text with a way back from text offsets to byte
 * offsets, so changes can be spliced into the original bytes and everything else stays
 * byte-identical (doctype, charset, comments, quoting, whitespace).
 */

/** The page cannot be handled as asked (unknown or ASCII-incompatible charset). */
export class HtmlCharsetError extends Error {
  override name = 'HtmlCharsetError';
}

const LT = 0x3c;
const GT = 0x3e;

/** The charset's canonical name (`latin1` → `windows-1252`), or an error naming it. */
export function canonicalCharset(label: string): string {
  try {
    return new TextDecoder(label.trim()).encoding;
  } catch {
    throw new HtmlCharsetError(`unknown charset "${label}"`);
  }
}

/** The charset a `<meta>` in the first 1024 bytes declares, if any. */
function metaCharset(bytes: Uint8Array): string | undefined {
  const head = Buffer.from(bytes.subarray(0, 1024)).toString('latin1');
  for (const tag of head.match(/<meta\b[^>]*>/gi) ?? []) {
    const found = /charset\s*=\s*["']?\s*([\w.:-]+)/i.exec(tag)?.[1];
    if (found) return found;
  }
  return undefined;
}

function isUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/**
 * The page's charset, as a browser would settle it: byte order mark, then the charset the
 * server declared (`declared`, e.g. from the record's Content-Type), then a `<meta>` in the
 * first 1024 bytes, then UTF-8 if the bytes are valid UTF-8, else windows-1252 (HTML's legacy
 * default).
 */
export function sniffCharset(bytes: Uint8Array, declared?: string): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if ((bytes[0] === 0xfe && bytes[1] === 0xff) || (bytes[0] === 0xff && bytes[1] === 0xfe)) return 'utf-16';
  for (const label of [declared, metaCharset(bytes)]) {
    if (!label) continue;
    try {
      return canonicalCharset(label);
    } catch {
      // an unknown label is ignored, as browsers do
    }
  }
  return isUtf8(bytes) ? 'utf-8' : 'windows-1252';
}

export interface DecodedHtml {
  charset: string;
  text: string;
  /** The byte offset of a text offset that sits right before a `<` or right after a `>`. */
  byteOffset(textOffset: number): number;
}

/**
 * Decode HTML bytes, remembering where every tag starts and ends in the bytes. Works for every
 * ASCII-compatible charset (UTF-8, windows-125x, ISO-8859-x, Shift_JIS, EUC-*, GBK, Big5…):
 * `<` and `>` are never part of a multi-byte character in them, so the text between tags is
 * decoded piece by piece.
 */
export function decodeHtml(bytes: Uint8Array, charset: string): DecodedHtml {
  const name = canonicalCharset(charset);
  if (name.startsWith('utf-16')) throw new HtmlCharsetError(`${name} pages are not supported (only ASCII-compatible charsets)`);
  const decoder = new TextDecoder(name, { ignoreBOM: true });
  const bom = name === 'utf-8' && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const textAt: number[] = [];
  const byteAt: number[] = [];
  let text = '';
  let start = bom;
  const flush = (end: number): void => {
    textAt.push(text.length);
    byteAt.push(start);
    if (end > start) text += decoder.decode(bytes.subarray(start, end));
    start = end;
  };
  for (let i = bom; i < bytes.length; i++) {
    if (bytes[i] === LT && i > start) flush(i);
    else if (bytes[i] === GT) flush(i + 1);
  }
  flush(bytes.length);
  textAt.push(text.length);
  byteAt.push(bytes.length);
  return {
    charset: name,
    text,
    byteOffset(textOffset: number): number {
      let lo = 0;
      let hi = textAt.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const at = textAt[mid]!;
        if (at === textOffset) {
          // Empty pieces share a text offset: the last of them is where the next tag starts.
          let last = mid;
          while (textAt[last + 1] === textOffset) last++;
          return byteAt[last]!;
        }
        if (at < textOffset) lo = mid + 1;
        else hi = mid - 1;
      }
      throw new Error(`text offset ${textOffset} is not at a tag boundary`);
    },
  };
}
