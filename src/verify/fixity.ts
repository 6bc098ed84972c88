/**
 * Fixity manifests in the line format of `md5sum` and `sha256sum` (as IFI's copy tools write
 * them): `<hex digest>  <path>`, paths relative to the manifest's directory, so
 * `md5sum -c manifest.md5` run there checks them. A name with a backslash or a newline is
 * written as GNU coreutils writes it: the line starts with `\` and the name is escaped. Pure.
 */

/** The digests a manifest holds. */
export type FixityAlgorithm = 'md5' | 'sha256';

/** One line of a manifest. */
export interface FixityLine {
  hash: string;
  /** As written: relative to the manifest's directory (or absolute). */
  path: string;
}

/** A manifest that cannot be read: names the file and line. */
export class FixityManifestError extends Error {
  override name = 'FixityManifestError';
}

const HEX_LENGTH: Record<FixityAlgorithm, number> = { md5: 32, sha256: 64 };

function escapeName(name: string): string {
  return name.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

function unescapeName(name: string): string {
  return name.replace(/\\(\\|n|r)/g, (_m, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : '\\'));
}

/** The manifest text, lines sorted by path (byte order, as `LC_ALL=C sort`). */
export function formatManifest(lines: readonly FixityLine[]): string {
  const sorted = [...lines].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return sorted.map((l) => (/[\\\n\r]/.test(l.path) ? `\\${l.hash}  ${escapeName(l.path)}\n` : `${l.hash}  ${l.path}\n`)).join('');
}

/** The tags of the BSD format (`SHA256 (path) = digest`), as GNU `--tag`, macOS `shasum --tag` and `md5`, and `openssl dgst` write them. */
const TAG_ALGORITHM: Record<string, FixityAlgorithm> = { MD5: 'md5', SHA256: 'sha256', 'SHA2-256': 'sha256' };

/** A line's digest and path, in either format; undefined for neither. */
function lineParts(line: string): { hash: string; path: string; tag?: string } | undefined {
  const tagged = /^([A-Za-z0-9-]+) ?\((.+)\) ?= ([0-9a-fA-F]+)$/.exec(line);
  if (tagged && TAG_ALGORITHM[tagged[1]!.toUpperCase()]) return { tag: tagged[1]!, path: tagged[2]!, hash: tagged[3]! };
  const plain = /^([0-9a-fA-F]+) [ *](.+)$/.exec(line);
  return plain ? { hash: plain[1]!, path: plain[2]! } : undefined;
}

/**
 * Read a manifest; the algorithm is told by the digests' length (32 hex digits: md5, 64:
 * sha256). `*` (binary mode) before the name is accepted, and so is the BSD tag format
 * (`SHA256 (path) = digest`). Errors name the file and line.
 */
export function parseManifest(text: string, file: string): { algorithm: FixityAlgorithm; lines: FixityLine[] } {
  let algorithm: FixityAlgorithm | undefined;
  const lines: FixityLine[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '' || line.startsWith('#')) return;
    const escaped = line.startsWith('\\');
    const body = escaped ? line.slice(1) : line;
    const parsed = lineParts(body);
    if (!parsed) throw new FixityManifestError(`${file}: line ${i + 1}: expected "<hex digest>  <path>" or "SHA256 (<path>) = <hex digest>", got ${JSON.stringify(line.slice(0, 80))}`);
    const hash = parsed.hash.toLowerCase();
    const kind = (Object.keys(HEX_LENGTH) as FixityAlgorithm[]).find((a) => HEX_LENGTH[a] === hash.length);
    if (!kind) throw new FixityManifestError(`${file}: line ${i + 1}: a ${hash.length}-digit digest is neither md5 (32) nor sha256 (64)`);
    if (parsed.tag && TAG_ALGORITHM[parsed.tag.toUpperCase()] !== kind) throw new FixityManifestError(`${file}: line ${i + 1}: an ${parsed.tag} tag on a ${hash.length}-digit digest`);
    if (algorithm && kind !== algorithm) throw new FixityManifestError(`${file}: line ${i + 1}: an ${kind} digest among ${algorithm} digests`);
    algorithm = kind;
    lines.push({ hash, path: escaped ? unescapeName(parsed.path) : parsed.path });
  });
  if (!algorithm) throw new FixityManifestError(`${file}: no digests in it`);
  return { algorithm, lines };
}
