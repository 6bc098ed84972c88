/**
 * Planning: inputs × matching rules → one {@link PlannedConversion} per output, laid out as
 * warcit lays them out: `<output_dir>/<basename of the input's parent>/<relative path>.<ext>`.
 */
import { createHash } from 'node:crypto';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fittedName, nameTooLong } from '../util/beside-names.js';
import type { FileEntry } from '../inputs/entry.js';
import { candidateRules } from '../rules/match.js';
import type { ConversionRule, RuleSet } from '../rules/schema.js';
import type { Logger } from '../util/logger.js';

export interface PlannedConversion {
  source: FileEntry;
  /** What identifies the source file across runs: its absolute path (`<archive>/<member>` for ZIP members). */
  sourcePath: string;
  rule: ConversionRule;
  /** `<source url>.<ext>` */
  url: string;
  /** Absolute path of the output. */
  output: string;
  /** sha256 of the rule as loaded: a changed rule means the output is redone. */
  ruleDigest: string;
  /**
   * Whether it runs depends on what the file is (its file types have `mime`/`probe`
   * conditions): decided once the source is sniffed and probed. Alternatives for one output
   * (a stream copy, a re-encode) are planned side by side; at most one runs.
   */
  conditional: boolean;
}

/** JSON with sorted keys, so a rule's digest does not depend on key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The rule's identity for re-runs; `purpose` only labels what it makes, so adding one redoes nothing. */
export function ruleDigest(rule: ConversionRule): string {
  const { purpose: _purpose, ...making } = rule.metadata;
  return createHash('sha256').update(canonicalJson(making)).digest('hex');
}

/**
 * warcit's output path: `abspath(join(output_dir, basename(root_dir), relpath(full_filename + '.' + ext, root_dir)))`.
 * A path that would leave the output directory (a file input outside the working directory)
 * falls back to the file's own name. ZIP members go to `<archive name>/<member path>.<ext>`. A
 * name longer than file systems take is cut to fit, tagged with a hash (the results record it).
 */
export function outputPathFor(entry: FileEntry, ext: string, outputDir: string, cwd: string = process.cwd()): string {
  const full = `${entry.filePath ?? entry.path}.${ext}`;
  const root = entry.zip ? '' : entry.rootDir;
  let rel = entry.zip ? `${basename(entry.zip.archive)}/${entry.zip.member}.${ext}` : relative(resolve(cwd, root), resolve(cwd, full));
  if (rel === '' || isAbsolute(rel) || rel.split(sep)[0] === '..') rel = basename(full);
  const dir = resolve(cwd, outputDir);
  const out = fitted(resolve(cwd, outputDir, basename(root), rel), ext);
  return out.startsWith(dir + sep) ? out : fitted(resolve(dir, basename(full)), ext);
}

/** The path with its file name cut to fit the file system when too long (see fittedName). */
function fitted(path: string, ext: string): string {
  const name = basename(path);
  return nameTooLong(name) ? join(dirname(path), fittedName(name.slice(0, -ext.length - 1), `.${ext}`)) : path;
}

/** The source's identity across runs (see {@link PlannedConversion.sourcePath}). */
export function sourcePathOf(entry: FileEntry, cwd: string = process.cwd()): string {
  return entry.zip ? `${resolve(cwd, entry.zip.archive)}/${entry.zip.member}` : resolve(cwd, entry.filePath ?? entry.path);
}

/** Outputs cannot be written where the plan puts them (a file stands where their directory must be): refused before anything runs. */
export class OutputPathError extends Error {
  override name = 'OutputPathError';
  constructor(readonly problems: readonly string[]) {
    super(`outputs cannot be written where they go, nothing was converted:${problems.map((p) => `\n  ${p}`).join('')}`);
  }
}

/** Two sources would share an output or a URL (or an earlier run's): refused before anything runs. */
export class OutputCollisionError extends Error {
  override name = 'OutputCollisionError';
  constructor(readonly collisions: readonly string[]) {
    const shown = collisions.slice(0, 10).map((c) => `\n  ${c}`).join('');
    super(`outputs would collide, nothing was converted:${shown}${collisions.length > 10 ? `\n  … and ${collisions.length - 10} more` : ''}`);
  }
}

/**
 * Plan every conversion, sources in input order, rules in file order. A file given twice is
 * planned once; two different files with one output path, or with one URL (the results file
 * keeps one list per URL), throw {@link OutputCollisionError}.
 */
export function planConversions(entries: readonly FileEntry[], ruleSet: RuleSet, outputDir: string, logger?: Logger): PlannedConversion[] {
  const planned: PlannedConversion[] = [];
  const byOutput = new Map<string, PlannedConversion>();
  const byUrl = new Map<string, string>();
  const collisions: string[] = [];
  // A conversion's URL must not be an input file's, unless that file is the output itself (an earlier run's, kept among the inputs).
  const inputAt = new Map<string, FileEntry>();
  const warned = new Set<FileEntry>();
  for (const entry of entries) if (!inputAt.has(entry.url)) inputAt.set(entry.url, entry);
  for (const source of entries) {
    const sourcePath = sourcePathOf(source);
    const { rules, conditional } = candidateRules(ruleSet, source.url);
    const mine = new Set<string>();
    const sameUrl = rules.length ? byUrl.get(source.url) : undefined;
    if (sameUrl !== undefined && sameUrl !== sourcePath) {
      collisions.push(`${source.url} is the URL of both ${sameUrl} and ${sourcePath}: a results file keeps one list per URL; convert them in separate runs with different --output-dir`);
      continue;
    }
    if (rules.length) byUrl.set(source.url, sourcePath);
    for (const rule of rules) {
      const output = outputPathFor(source, rule.ext, outputDir);
      const digest = ruleDigest(rule);
      const earlier = byOutput.get(output);
      if (earlier && !(earlier.source === source && conditional)) {
        if (earlier.sourcePath === sourcePath && source.sameUrlAs) {
          if (!warned.has(source)) logger?.warn(`${source.sameUrlAs.name} has the URL of ${source.sameUrlAs.other}: only that one is converted (warckit archives both and writes the conversions with the one they were made from)`);
          warned.add(source);
        } else if (earlier.sourcePath === sourcePath) logger?.debug(`${source.path}: given twice; converted once`);
        else collisions.push(`${output} would be written for both ${earlier.sourcePath} and ${sourcePath}`);
        continue;
      }
      // The same rule reached through several conditional file types is planned once.
      if (mine.has(`${output}\0${digest}`)) continue;
      mine.add(`${output}\0${digest}`);
      const item = { source, sourcePath, rule, url: `${source.url}.${rule.ext}`, output, ruleDigest: digest, conditional };
      const holder = inputAt.get(item.url);
      if (holder && !(holder.filePath !== undefined && !holder.zip && resolve(holder.filePath) === output)) {
        collisions.push(`${item.url}, the URL rule ${rule.name} gives the conversion of ${sourcePath}, is the URL of the input file ${holder.path}: replay would show one of them; give the rule another ext, or leave that file out`);
        continue;
      }
      byOutput.set(output, item);
      planned.push(item);
    }
  }
  if (collisions.length) throw new OutputCollisionError(collisions);
  return planned;
}
