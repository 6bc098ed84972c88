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

/**
 * Read a manifest; the algorithm is told by the digests' length (32 hex digits: md5, 64:
 * sha256). `*` (binary mode) before the name is accepted. Errors name the file and line.
 */
export function parseManifest(text: string, file: string): { algorithm: FixityAlgorithm; lines: FixityLine[] } {
  let algorithm: FixityAlgorithm | undefined;
  const lines: FixityLine[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '' || line.startsWith('#')) return;
    const escaped = line.startsWith('\\');
    const match = /^([0-9a-fA-F]+) [ *](.+)$/.exec(escaped ? line.slice(1) : line);
    if (!match) throw new FixityManifestError(`${file}: line ${i + 1}: expected "<hex digest>  <path>", got ${JSON.stringify(line.slice(0, 80))}`);
    const hash = match[1]!.toLowerCase();
    const kind = (Object.keys(HEX_LENGTH) as FixityAlgorithm[]).find((a) => HEX_LENGTH[a] === hash.length);
    if (!kind) throw new FixityManifestError(`${file}: line ${i + 1}: a ${hash.length}-digit digest is neither md5 (32) nor sha256 (64)`);
    if (algorithm && kind !== algorithm) throw new FixityManifestError(`${file}: line ${i + 1}: an ${kind} digest among ${algorithm} digests`);
    algorithm = kind;
    lines.push({ hash, path: escaped ? unescapeName(match[2]!) : match[2]! });
  });
  if (!algorithm) throw new FixityManifestError(`${file}: no digests in it`);
  return { algorithm, lines };
}
