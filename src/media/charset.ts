/**
 * `-c/--charset`: a fixed charset, `auto` detection (jschardet, the counterpart of warcit's
 * cchardet), or none. Like warcit, no charset is added when detection says ASCII: the
 * browser is left to decide, as it was for the original page.
 */

export type CharsetSetting = { kind: 'none' } | { kind: 'fixed'; charset: string } | { kind: 'auto' };

/** Bytes of a text file read for detection. */
export const CHARSET_SAMPLE_BYTES = 2 * 1024 * 1024;

export function parseCharsetSetting(value: string | undefined): CharsetSetting {
  if (value === undefined || value === '' || value.toLowerCase() === 'none') return { kind: 'none' };
  const lower = value.toLowerCase();
  if (lower === 'auto' || lower === 'cchardet') return { kind: 'auto' };
  if (lower === 'tika') throw new Error('--charset tika: Apache Tika is not supported; use --charset auto');
  if (!/^[A-Za-z0-9._:+-]+$/.test(value)) throw new Error(`--charset: "${value}" is not a charset name`);
  return { kind: 'fixed', charset: value };
}

/** The detected charset of a text sample, or '' when ASCII or unknown. */
export async function detectCharset(sample: Uint8Array): Promise<string> {
  if (sample.length === 0) return '';
  const { default: jschardet } = await import('jschardet'); // loaded only when detection is asked for
  const result = jschardet.detect(Buffer.from(sample));
  const encoding = result?.encoding ?? '';
  if (!encoding || encoding.toLowerCase() === 'ascii') return '';
  return encoding;
}
