const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 (the encoding Python warcio uses for `sha1:` digests). */
export function base32(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  while (out.length % 8 !== 0) out += '=';
  return out;
}

/** Algorithm of WARC-Payload-Digest and WARC-Block-Digest. */
export type DigestAlgorithm = 'sha1' | 'sha256';

export const DIGEST_ALGORITHMS: readonly DigestAlgorithm[] = ['sha1', 'sha256'];

/** Header value for a digest: `sha1:<base32>` as warcio writes, `sha256:<base32>` likewise. */
export function formatDigest(algorithm: DigestAlgorithm, raw: Uint8Array): string {
  return `${algorithm}:${base32(raw)}`;
}

/** Decode a `alg:value` digest header (base32 or hex) to raw bytes, for verification. */
export function parseDigest(value: string): { algorithm: string; raw: Buffer } | null {
  const colon = value.indexOf(':');
  if (colon < 0) return null;
  const algorithm = value.slice(0, colon).toLowerCase().replace('-', '');
  const text = value.slice(colon + 1);
  if (/^[0-9a-f]+$/i.test(text) && (text.length === 40 || text.length === 64)) {
    return { algorithm, raw: Buffer.from(text, 'hex') };
  }
  const clean = text.replace(/=+$/, '').toUpperCase();
  const bytes: number[] = [];
  let bits = 0;
  let acc = 0;
  for (const ch of clean) {
    const v = ALPHABET.indexOf(ch);
    if (v < 0) return null;
    acc = (acc << 5) | v;
    bits += 5;
    if (bits >= 8) {
      bytes.push((acc >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return { algorithm, raw: Buffer.from(bytes) };
}
