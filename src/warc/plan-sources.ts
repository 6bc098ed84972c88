/**
 * What configures a WARC run besides its inputs — mapfile, conversions, transclusion
 * manifest — from files or from objects, read and checked before anything is walked or written.
 */
import type { ConversionOutcome, ConvertResult } from '../convert/convert.js';
import { type ConversionResult, type ConversionResults, readConversionResults, toConversionResults } from '../convert/results.js';
import { loadTransclusionManifest, manifestFromDocument, type TransclusionManifest, type TransclusionManifestDocument } from '../transclusions/manifest.js';
import { canonicalUrlPrefix } from '../inputs/url.js';
import { alignManifestUrls } from '../transclusions/media-urls.js';
import { canonicalPageUrl } from '../transclusions/record-uri.js';
import { timestamp14 } from '../util/timestamps.js';
import { type SourceCharacterizations, loadCharacterizations } from './characterization.js';
import { conversionsRoot } from './conversion-outputs.js';
import { loadMapfile, mapfileRowsFrom, type MapfileRow } from './mapfile.js';
import { type WarcRecordOptions, WarcOptionsError, shownValue } from './options.js';

export interface PlanSources {
  mapfile?: { rows: MapfileRow[]; name: string };
  conversions?: {
    results: ConversionResults;
    /** Names the results in messages: the file, or `conversions`. */
    name: string;
    /** Outputs must resolve inside this directory; undefined: not checked (objects from the caller). */
    root?: string;
  };
  manifest?: TransclusionManifest;
  /** Manifest media URLs respelt as the inputs are named (see media-urls.ts): as respelt → as written. */
  manifestSpelling?: Map<string, string>;
  /** `characterize`: the ffprobe JSON of each source (by URL) and of its outputs. */
  characterizations?: Map<string, SourceCharacterizations>;
  /** `characterize`: sources whose sidecar is missing, broken or refused (their records cannot be written). */
  unusableCharacterizations?: Set<string>;
}

function isConvertResult(value: unknown): value is ConvertResult {
  return typeof value === 'object' && value !== null && Array.isArray((value as ConvertResult).conversions) && typeof (value as ConvertResult).outputDir === 'string';
}

/** A results document from conversion outcomes: each source's results in plan order. */
function resultsFromOutcomes(outcomes: readonly ConversionOutcome[]): ConversionResults {
  const conversions: Record<string, ConversionResult[]> = {};
  for (const outcome of outcomes) {
    if (typeof outcome !== 'object' || outcome === null || typeof outcome.source !== 'string') throw new WarcOptionsError('conversions', 'the outcomes convertMedia returned', shownValue(outcome));
    if (!outcome.result) continue;
    (conversions[outcome.source] ??= []).push(outcome.result);
  }
  return { conversions };
}

async function loadConversions(options: WarcRecordOptions, warn: (message: string) => void): Promise<PlanSources['conversions']> {
  const given = options.conversions;
  if (given === undefined) return undefined;
  const dir = options.conversionsDir;
  if (typeof given === 'string') return { results: await readConversionResults(given, { warn }), name: given, root: await conversionsRoot(given, dir) };
  const root = dir !== undefined ? await conversionsRoot('.', dir) : isConvertResult(given) ? await conversionsRoot('.', given.outputDir) : undefined;
  const withRoot = root !== undefined ? { root } : {};
  if (isConvertResult(given)) return { results: resultsFromOutcomes(given.conversions), name: given.resultsFile ?? 'conversions', ...withRoot };
  if (Array.isArray(given)) return { results: resultsFromOutcomes(given), name: 'conversions', ...withRoot };
  if (typeof given === 'object' && given !== null) return { results: toConversionResults(given, 'conversions', warn), name: 'conversions', ...withRoot };
  throw new WarcOptionsError('conversions', 'a results file path, what convertMedia returned, or a results document', shownValue(given));
}

async function loadManifest(given: WarcRecordOptions['transclusions']): Promise<TransclusionManifest | undefined> {
  if (given === undefined) return undefined;
  if (typeof given === 'string') return loadTransclusionManifest(given);
  if (typeof given === 'object' && given !== null && (given as TransclusionManifest).transclusions instanceof Map) return given as TransclusionManifest;
  if (typeof given === 'object' && given !== null) return manifestFromDocument(given as TransclusionManifestDocument);
  throw new WarcOptionsError('transclusions', 'a manifest path, a TransclusionManifest, or a manifest document', shownValue(given));
}

/** Why a URL, as written, is not one replay systems can find a record by, or undefined. */
function unreplayableUrl(url: string): string | undefined {
  if (/\s/.test(url)) return 'holds a space';
  if (/[^\x21-\x7e]/.test(url)) return 'holds characters a URL holds only percent-encoded';
  const origin = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(url)?.[0];
  if (origin !== undefined && origin !== origin.toLowerCase() && !origin.includes('@')) return 'has its scheme or host in capitals';
  return undefined;
}

/** Read the mapfile, conversions and manifest a run is given (in that order, as warcit reads them). */
export async function loadPlanSources(options: WarcRecordOptions, warn: (message: string) => void): Promise<PlanSources> {
  const sources: PlanSources = {};
  if (options.mapfile !== undefined) {
    sources.mapfile = typeof options.mapfile === 'string' ? { rows: await loadMapfile(options.mapfile), name: options.mapfile } : { rows: mapfileRowsFrom(options.mapfile, timestamp14), name: 'mapfile' };
    for (const row of sources.mapfile.rows) {
      const problem = row.URL !== undefined ? unreplayableUrl(row.URL) : undefined;
      if (problem) warn(`${row.where ?? `${sources.mapfile.name}: line ${row.line}`}: URL ${row.URL} ${problem}: it is written as given, and replay systems will not find it so; write it as a browser asks for it (${canonicalPageUrl(row.URL!)})`);
    }
  }
  const prefix = typeof options.urlPrefix === 'string' ? canonicalUrlPrefix(options.urlPrefix) : undefined;
  const conversions = await loadConversions(options, warn);
  if (conversions) sources.conversions = conversions;
  if (options.characterize && conversions) {
    // Sidecars are read only inside the directory the results speak for.
    if (conversions.root === undefined) throw new WarcOptionsError('conversionsDir', 'the directory of the conversions, to read their characterization sidecars from (`characterize` with conversions given as objects)', 'nothing');
    sources.unusableCharacterizations = new Set();
    sources.characterizations = await loadCharacterizations(conversions.results, conversions.root, warn, sources.unusableCharacterizations);
  }
  const manifest = await loadManifest(options.transclusions);
  if (manifest) {
    // A mapfile's URLs name files freely: those are matched exactly, as written.
    const exact = new Set(sources.mapfile?.rows.flatMap((row) => (row.URL ? [row.URL] : [])));
    const aligned = prefix !== undefined ? alignManifestUrls(manifest, prefix, exact) : { manifest, respelt: [] };
    sources.manifest = aligned.manifest;
    if (aligned.respelt.length) sources.manifestSpelling = new Map(aligned.respelt.map(([written, spelt]) => [spelt, written]));
  }
  return sources;
}
