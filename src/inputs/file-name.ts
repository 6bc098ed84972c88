/**
 * File names as bytes → text. Linux names are bytes; old sites often have Latin-1 names
 * (`caf\xe9.html`) that are not UTF-8. Such a name keeps its valid UTF-8 characters and gets
 * every other byte percent-encoded (`caf%E9.html`), as a crawler would have requested it,
 * and `%` itself as `%25`, so the exact bytes can be read back from the text.
 */

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export interface DecodedName {
  text: string;
  /** False when some bytes were not UTF-8 and were percent-encoded. */
  utf8: boolean;
}

function sequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

function decodes(bytes: Uint8Array): string | undefined {
  try {
    return strict.decode(bytes);
  } catch {
    return undefined;
  }
}

const hex = (byte: number): string => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;

/** The text of a file name (or path) given as bytes. */
export function nameFromBytes(bytes: Uint8Array): DecodedName {
  const whole = decodes(bytes);
  if (whole !== undefined) return { text: whole, utf8: true };
  let text = '';
  for (let i = 0; i < bytes.length; ) {
    const length = sequenceLength(bytes[i]!);
    const char = length && i + length <= bytes.length ? decodes(bytes.subarray(i, i + length)) : undefined;
    if (char === undefined) {
      text += hex(bytes[i]!);
      i++;
    } else {
      text += char === '%' ? '%25' : char;
      i += length;
    }
  }
  return { text, utf8: false };
}
