/**
 * The conversion results file (`warcit-conversion-results.yaml`): warcit's structure
 * `conversions: {<source url>: [{url, output, metadata, type, success}]}`, which we extend
 * with digests, sizes, exit codes and timings. Reading accepts warcit's own files.
 */
import { readYamlFile } from '../util/yaml-file.js';
import { journalPathFor, readJournal } from './results-journal.js';
import { warckitSpelling } from '../transclusions/media-urls.js';

/** The rule a conversion ran, as it appears under `metadata` (warcit: the rule mapping itself). */
export type RuleMetadata = Record<string, unknown> & { name?: string; ext?: string; mime?: string; skip_as_source?: boolean };

/** One conversion of one source file. Keys past `success` are warckit's extensions. */
export interface ConversionResult {
  url: string;
  output: string;
  metadata: RuleMetadata;
  type: string;
  success: boolean;
  output_size?: number;
  output_sha256?: string;
  source_size?: number;
  source_sha256?: string;
  /** The source file's absolute path (`<archive>/<member>` for ZIP members): tells snapshots of one URL apart. */
  source_path?: string;
  exit_code?: number | null;
  signal?: string | null;
  stderr_tail?: string;
  duration_seconds?: number;
  tool_version?: string;
  argv?: string[];
  [key: string]: unknown;
}

/** A results document: each source URL's conversions (warcit's `conversions:` mapping), and any other keys kept as they are. */
export interface ConversionResults {
  conversions: Record<string, ConversionResult[]>;
  [key: string]: unknown;
}

/** The results file is unreadable or not in the expected shape. */
export class ResultsFileError extends Error {
  override name = 'ResultsFileError';
}

/**
 * Validate parsed YAML as a results document; errors name the file and the path inside it.
 * A document without a `conversions:` mapping is not a results file and is refused; an empty
 * one is accepted with a warning.
 */
export function toConversionResults(doc: unknown, file: string, warn: (message: string) => void = () => undefined): ConversionResults {
  if (doc === null || doc === undefined) {
    warn(`${file}: empty results file: no conversions recorded`);
    return { conversions: {} };
  }
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new ResultsFileError(`${file}: not a conversion results file: expected a mapping with a "conversions" key`);
  const root = doc as Record<string, unknown>;
  if (!('conversions' in root)) {
    const keys = Object.keys(root);
    const hint = 'transclusions' in root ? ' (this looks like a transclusion manifest: give it to --transclusions)' : keys.length ? ` (it has ${keys.slice(0, 5).map((k) => JSON.stringify(k)).join(', ')})` : '';
    throw new ResultsFileError(`${file}: not a conversion results file: no "conversions:" mapping${hint}`);
  }
  const conversions = root.conversions ?? {};
  if (typeof conversions !== 'object' || conversions === null || Array.isArray(conversions)) {
    throw new ResultsFileError(`${file}: conversions: expected a mapping of source URL to a list of results`);
  }
  if (Object.keys(conversions).length === 0) warn(`${file}: empty results file: no conversions recorded`);
  for (const [source, list] of Object.entries(conversions as Record<string, unknown>)) {
    if (!Array.isArray(list)) throw new ResultsFileError(`${file}: conversions["${source}"]: expected a list`);
    list.forEach((item, i) => {
      const where = `${file}: conversions["${source}"][${i}]`;
      if (typeof item !== 'object' || item === null) throw new ResultsFileError(`${where}: expected a mapping`);
      const r = item as Record<string, unknown>;
      if (typeof r.url !== 'string') throw new ResultsFileError(`${where}.url: expected a string`);
      if (typeof r.output !== 'string') throw new ResultsFileError(`${where}.output: expected a string`);
      if (r.metadata !== undefined && (typeof r.metadata !== 'object' || r.metadata === null)) {
        throw new ResultsFileError(`${where}.metadata: expected a mapping`);
      }
      r.metadata ??= {};
      r.type ??= 'conversion';
      r.success = r.success === true;
    });
  }
  return { ...root, conversions: conversions as Record<string, ConversionResult[]> };
}

export interface ReadResultsOptions {
  /** Told about an empty results file and about journal entries that could not be read. */
  warn?: (message: string) => void;
}

/** Read the YAML of a results file alone (not its journal); undefined when there is no such file. */
export async function readResultsYaml(file: string, warn?: (message: string) => void): Promise<ConversionResults | undefined> {
  const doc = await readYamlFile(file, (message) => new ResultsFileError(message), { missingOk: true });
  return doc === undefined ? undefined : toConversionResults(doc, file, warn);
}

/**
 * Read a results file (ours or warcit's), with the entries of its journal when a run was
 * stopped before folding them in (each journal line replaces its source's list).
 */
export async function readConversionResults(file: string, options: ReadResultsOptions = {}): Promise<ConversionResults> {
  const journal = await readJournal(journalPathFor(file), options.warn);
  const found = await readResultsYaml(file, journal.length ? undefined : options.warn);
  // A first run killed before its first fold: the journal is all there is.
  if (!found && !journal.length) throw new ResultsFileError(`${file}: does not exist`);
  const doc: ConversionResults = found ?? { conversions: {} };
  for (const line of journal) doc.conversions[line.source] = line.results;
  return respeltResults(doc);
}

/**
 * The results with their source URLs and output URLs spelt as warckit names the files today
 * ({@link warckitSpelling}): a results file of warcit-converter, or of an older warckit, that
 * keys `…/café.flv` (or under `HTTP://X/`) is read as keying `…/caf%C3%A9.flv`, so its entries
 * match, are merged into and are checked against what warckit names that file now. Two
 * spellings of one source join, an entry listed under both kept once.
 */
export function respeltResults(doc: ConversionResults): ConversionResults {
  const conversions: Record<string, ConversionResult[]> = {};
  for (const [source, list] of Object.entries(doc.conversions)) {
    const key = warckitSpelling(source);
    const fixed = list.map((r) => (typeof r.url === 'string' && warckitSpelling(r.url) !== r.url ? { ...r, url: warckitSpelling(r.url) } : r));
    const merged = [...(conversions[key] ?? []), ...fixed];
    const seen = new Set<string>();
    conversions[key] = merged.filter((r) => {
      const id = `${String(r.output)}\0${String(r.url)}`;
      return !seen.has(id) && Boolean(seen.add(id));
    });
  }
  return { ...doc, conversions };
}
