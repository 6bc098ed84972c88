/**
 * The transclusion manifest: which page embeds which media.
 * `transclusions: {<media url>: [{url, timestamp, selector, metadata_file}]}`; a single
 * mapping instead of a list is accepted. `metadata_file` JSON is read (and checked) here,
 * relative to the working directory or, failing that, to the manifest's directory.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { unknownKeyMessage } from '../util/did-you-mean.js';
import { parsePageTimestamp, TimestampError } from '../util/timestamps.js';
import { readRegularFile, RegularFileError } from '../util/regular-file.js';
import { readYamlFile } from '../util/yaml-file.js';
import { selectorProblem } from './selector-check.js';

const ENTRY_KEYS = ['url', 'timestamp', 'selector', 'metadata_file'];
const ROOT_KEYS = ['transclusions'];

/** One page that embeds a media file, as the manifest gives it. */
export interface TransclusionEntry {
  /** The page that embeds the media. */
  url: string;
  /** The page's capture timestamp (digits; 14 or fewer). */
  timestamp?: string;
  /** CSS selector of the element(s) to replace at replay. */
  selector?: string;
  /** JSON written verbatim as the record's payload instead of the generated formats. */
  metadata_file?: string;
  /** Contents of metadata_file, loaded with the manifest. */
  metadataJson?: Buffer;
}

/** A loaded transclusion manifest: which pages embed each media file. */
export interface TransclusionManifest {
  /** Media URL → the pages that embed it. */
  transclusions: Map<string, TransclusionEntry[]>;
}

/** A page entry of a manifest given as an object: as in the YAML file, with the timestamp as digits or a Date. */
export interface TransclusionPageInput {
  /** The page that embeds the media. */
  url: string;
  /** The page's capture time: 4 to 14 digits (`20090415`, its last second, as warcio pads) or a Date. */
  timestamp?: string | number | Date;
  /** CSS selector of the element(s) to replace at replay (default `object, embed`). */
  selector?: string;
  /** JSON written verbatim as the record's payload (a path, relative to the working directory). */
  metadata_file?: string;
}

/**
 * A transclusion manifest as a plain object, shaped as the YAML file.
 * @example
 * { transclusions: { 'http://www.example.com/media/intro.flv': [{ url: 'http://www.example.com/index.html', timestamp: '20090415120000' }] } }
 */
export interface TransclusionManifestDocument {
  transclusions: Record<string, TransclusionPageInput | readonly TransclusionPageInput[]>;
}

/** A transclusion manifest is not valid: names the file (or `transclusions`) and the place inside it. */
export class ManifestError extends Error {
  override name = 'ManifestError';
}

function asString(value: unknown, where: string, what: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && what === 'timestamp' && Number.isInteger(value)) return String(value);
  throw new ManifestError(`${where}: expected ${what === 'timestamp' ? 'digits (e.g. 20160102)' : 'a string'}, got ${JSON.stringify(value)}`);
}

/**
 * Why a page URL cannot be one replay systems ask for, if it cannot: records are found by the
 * page's absolute URL, so `www.example.com/p.html` would name a page nobody ever looks up.
 */
function notAbsolute(url: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:\/\/[^/?#]/i.test(url)) return undefined;
  // www.example.com/p.html: a host name first (a dot, and not a page's own name such as p.html).
  const first = url.split(/[/?#]/)[0]!;
  if (/^[^:]+\.[a-z]{2,}(?::\d+)?$/i.test(first) && !/\.(s?html?|php|aspx?|jsp|cgi)$/i.test(first)) return `(no scheme): write http://${url}`;
  return '(no scheme and host): write the URL the page was archived under';
}

/** Validate a parsed manifest (pure); metadata files are read by `loadTransclusionManifest`. */
export function toTransclusionManifest(doc: unknown, file: string): TransclusionManifest {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new ManifestError(`${file}: expected a mapping with a "transclusions" key`);
  }
  for (const key of Object.keys(doc)) if (!ROOT_KEYS.includes(key)) throw new ManifestError(`${file}: ${key}: ${unknownKeyMessage(key, ROOT_KEYS)}`);
  const root = (doc as Record<string, unknown>).transclusions;
  if (typeof root !== 'object' || root === null || Array.isArray(root)) {
    throw new ManifestError(`${file}: transclusions: expected a mapping of media URL to page entries`);
  }
  const out = new Map<string, TransclusionEntry[]>();
  for (const [media, value] of Object.entries(root as Record<string, unknown>)) {
    const items = Array.isArray(value) ? value : [value];
    const entries = items.map((item, i) => {
      const where = `${file}: transclusions["${media}"]${Array.isArray(value) ? `[${i}]` : ''}`;
      if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new ManifestError(`${where}: expected a mapping with "url"`);
      const raw = item as Record<string, unknown>;
      for (const key of Object.keys(raw)) if (!ENTRY_KEYS.includes(key)) throw new ManifestError(`${where}.${key}: ${unknownKeyMessage(key, ENTRY_KEYS)}`);
      const url = asString(raw.url, `${where}.url`, 'url');
      if (!url) throw new ManifestError(`${where}.url: missing the URL of the page that embeds the media`);
      const unusable = notAbsolute(url);
      if (unusable) throw new ManifestError(`${where}.url: "${url}" is not an absolute URL ${unusable}`);
      const entry: TransclusionEntry = { url };
      const timestamp = asString(raw.timestamp, `${where}.timestamp`, 'timestamp');
      if (timestamp !== undefined) {
        if (!/^\d{4,14}$/.test(timestamp)) throw new ManifestError(`${where}.timestamp: expected 4 to 14 digits, got "${timestamp}"`);
        try {
          parsePageTimestamp(timestamp, `${where}.timestamp`);
        } catch (error) {
          if (error instanceof TimestampError) throw new ManifestError(error.message);
          throw error;
        }
        entry.timestamp = timestamp;
      }
      const selector = asString(raw.selector, `${where}.selector`, 'selector');
      if (selector !== undefined) {
        const problem = selectorProblem(selector);
        if (problem) throw new ManifestError(`${where}.selector: "${selector}" ${problem}`);
        entry.selector = selector;
      }
      const metadataFile = asString(raw.metadata_file, `${where}.metadata_file`, 'metadata_file');
      if (metadataFile !== undefined) entry.metadata_file = metadataFile;
      return entry;
    });
    out.set(media, entries);
  }
  return { transclusions: out };
}

async function readMetadataFile(name: string, manifestFile: string, where: string): Promise<Buffer> {
  const candidates = isAbsolute(name) ? [name] : [resolve(name), resolve(dirname(manifestFile), name)];
  for (const candidate of candidates) {
    let data: Buffer;
    try {
      data = await readRegularFile(candidate, { what: 'metadata_file', maxBytes: 16 * 1024 * 1024 });
    } catch (error) {
      if (error instanceof RegularFileError && error.problem === 'missing') continue;
      throw new ManifestError(`${where}: ${(error as Error).message}`);
    }
    try {
      JSON.parse(data.toString('utf8'));
    } catch (error) {
      throw new ManifestError(`${where}: ${candidate} is not valid JSON (${(error as Error).message})`);
    }
    return data;
  }
  throw new ManifestError(`${where}: cannot read ${name}`);
}

/** Read, validate and resolve a manifest file. */
export async function loadTransclusionManifest(file: string): Promise<TransclusionManifest> {
  return readMetadataFiles(toTransclusionManifest(await readYamlFile(file, (message) => new ManifestError(message)), file), file, file);
}

/** 14 digits for a Date given as a page timestamp (UTC). */
function dateDigits(value: unknown): unknown {
  return value instanceof Date && !Number.isNaN(value.getTime()) ? value.toISOString().replace(/[^\d]/g, '').slice(0, 14) : value;
}

/** Validate a manifest given as an object (named `label` in errors); metadata files are read relative to the working directory. */
export async function manifestFromDocument(doc: TransclusionManifestDocument, label = 'transclusions'): Promise<TransclusionManifest> {
  const root = typeof doc === 'object' && doc !== null ? (doc as { transclusions?: unknown }).transclusions : undefined;
  let plain: unknown = doc;
  if (typeof root === 'object' && root !== null && !Array.isArray(root)) {
    const transclusions = Object.fromEntries(
      Object.entries(root).map(([media, value]) => {
        const dated = (item: unknown): unknown => (typeof item === 'object' && item !== null && 'timestamp' in item ? { ...item, timestamp: dateDigits((item as { timestamp: unknown }).timestamp) } : item);
        return [media, Array.isArray(value) ? value.map(dated) : dated(value)];
      }),
    );
    plain = { ...doc, transclusions };
  }
  return readMetadataFiles(toTransclusionManifest(plain, label), label, `${process.cwd()}/${label}`);
}

/** Read each entry's metadata_file; `base` is the file relative names may also be taken from. */
async function readMetadataFiles(manifest: TransclusionManifest, label: string, base: string): Promise<TransclusionManifest> {
  for (const [media, entries] of manifest.transclusions) {
    for (const [i, entry] of entries.entries()) {
      if (entry.metadata_file) {
        entry.metadataJson = await readMetadataFile(entry.metadata_file, base, `${label}: transclusions["${media}"][${i}].metadata_file`);
      }
    }
  }
  return manifest;
}
