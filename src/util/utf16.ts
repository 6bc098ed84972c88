/**
 * Text files saved as UTF-16 (Windows editors and Excel's "Unicode text" do it) read as UTF-8 give
 * parse errors about null bytes or record lengths that never say why. Told apart by their byte
 * order mark, or by the NUL byte beside each ASCII character of a first line.
 */

/** What UTF-16 the bytes are, or undefined. */
export function utf16Kind(bytes: Uint8Array): string | undefined {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'UTF-16 (little-endian) text';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'UTF-16 (big-endian) text';
  const ascii = (b: number | undefined): boolean => b !== undefined && b >= 0x09 && b < 0x7f;
  if (bytes.length >= 4 && ascii(bytes[0]) && bytes[1] === 0 && ascii(bytes[2]) && bytes[3] === 0) return 'UTF-16 (little-endian) text';
  if (bytes.length >= 4 && bytes[0] === 0 && ascii(bytes[1]) && bytes[2] === 0 && ascii(bytes[3])) return 'UTF-16 (big-endian) text';
  return undefined;
}

/** What to say of a file that is UTF-16 (after its name): what it is and what to do. */
export function utf16Advice(kind: string): string {
  return `is ${kind}; save it as UTF-8`;
}

/** The message for a file that is UTF-16: it names the file and says what to do. */
export function utf16Message(file: string, kind: string): string {
  return `${file}: ${utf16Advice(kind)}`;
}
