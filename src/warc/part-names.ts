/**
 * Names of a rolled-over WARC's parts (pure): `site.warc.gz` → `site-00000.warc.gz`,
 * `site-00001.warc.gz`…, as browsertrix-crawler numbers its rolled-over WARCs; and each WARC's
 * CDXJ index, `<warc>.cdxj`, named for the whole WARC name so `site.warc` and `site.warc.gz`
 * side by side never share an index.
 */
import { basename, dirname, join } from 'node:path';

/** Digits of a part number (more when a run makes 100,000 parts or more). */
const DIGITS = 5;

/** The name without its `.warc.gz`/`.warc` ending, and that ending. */
function split(warcName: string): { base: string; ext: string } {
  const match = /\.warc(\.gz)?$/i.exec(warcName);
  return match ? { base: warcName.slice(0, match.index), ext: match[0] } : { base: warcName, ext: '' };
}

/** The path of part `index` of the WARC at `warcPath`. */
export function partPath(warcPath: string, index: number): string {
  const { base, ext } = split(basename(warcPath));
  return join(dirname(warcPath), `${base}-${String(index).padStart(DIGITS, '0')}${ext}`);
}

/** The part number of `name` if it is a part of the WARC named `warcName`, else undefined. */
export function partNumber(name: string, warcName: string): number | undefined {
  const { base, ext } = split(warcName);
  if (!name.startsWith(`${base}-`) || !name.endsWith(ext)) return undefined;
  const digits = name.slice(base.length + 1, name.length - ext.length);
  return digits.length >= DIGITS && /^\d+$/.test(digits) ? Number(digits) : undefined;
}

/** The part of the WARC named `warcName` whose name `name` starts with (at its start, or after a temp file's dot). */
export function partNameWithin(name: string, warcName: string): string | undefined {
  const { base, ext } = split(warcName);
  const from = name.startsWith('.') && !base.startsWith('.') ? 1 : 0;
  if (!name.startsWith(`${base}-`, from)) return undefined;
  const digits = /^\d+/.exec(name.slice(from + base.length + 1))?.[0];
  if (digits === undefined || digits.length < DIGITS) return undefined;
  const part = `${base}-${digits}${ext}`;
  return name.startsWith(part, from) ? part : undefined;
}

/** The CDXJ index written beside a WARC (`--cdxj`). */
export function indexPathOf(warcPath: string): string {
  return `${warcPath}.cdxj`;
}
