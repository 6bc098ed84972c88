/**
 * Planning: inputs × matching rules → one {@link PlannedConversion} per output, laid out as
 * warcit lays them out: `<output_dir>/<basename of the input's parent>/<relative path>.<ext>`.
 */
import { createHash } from 'node:crypto';
import { basename, isAbsolute, relative, resolve, sep } from 'node:path';
import type { FileEntry } from '../inputs/entry.js';
import { matchRules } from '../rules/match.js';
import type { ConversionRule, RuleSet } from '../rules/schema.js';
import type { Logger } from '../util/logger.js';

export interface PlannedConversion {
  source: FileEntry;
  rule: ConversionRule;
  /** `<source url>.<ext>` */
  url: string;
  /** Absolute path of the output. */
  output: string;
  /** sha256 of the rule as loaded: a changed rule means the output is redone. */
  ruleDigest: string;
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

export function ruleDigest(rule: ConversionRule): string {
  return createHash('sha256').update(canonicalJson(rule.metadata)).digest('hex');
}

/**
 * warcit's output path: `abspath(join(output_dir, basename(root_dir), relpath(full_filename + '.' + ext, root_dir)))`.
 * A path that would leave the output directory (a file input outside the working directory)
 * falls back to the file's own name. ZIP members go to `<archive name>/<member path>.<ext>`.
 */
export function outputPathFor(entry: FileEntry, ext: string, outputDir: string, cwd: string = process.cwd()): string {
  const full = `${entry.filePath ?? entry.path}.${ext}`;
  const root = entry.zip ? '' : entry.rootDir;
  let rel = entry.zip ? `${basename(entry.zip.archive)}/${entry.zip.member}.${ext}` : relative(resolve(cwd, root), resolve(cwd, full));
  if (rel === '' || isAbsolute(rel) || rel.split(sep)[0] === '..') rel = basename(full);
  const out = resolve(cwd, outputDir, basename(root), rel);
  const dir = resolve(cwd, outputDir);
  return out.startsWith(dir + sep) ? out : resolve(dir, basename(full));
}

/** Plan every conversion, sources in input order, rules in file order; duplicate outputs are planned once. */
export function planConversions(entries: readonly FileEntry[], ruleSet: RuleSet, outputDir: string, logger?: Logger): PlannedConversion[] {
  const planned: PlannedConversion[] = [];
  const byOutput = new Map<string, PlannedConversion>();
  for (const source of entries) {
    for (const rule of matchRules(ruleSet, source.url)) {
      const output = outputPathFor(source, rule.ext, outputDir);
      const earlier = byOutput.get(output);
      if (earlier) {
        logger?.warn(`${source.path}: ${rule.name} would write ${output}, already written for ${earlier.source.path}; left out`);
        continue;
      }
      const item = { source, rule, url: `${source.url}.${rule.ext}`, output, ruleDigest: ruleDigest(rule) };
      byOutput.set(output, item);
      planned.push(item);
    }
  }
  return planned;
}
