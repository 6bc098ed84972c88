/**
 * @internal The per-source side of probe-based rules: which planned conversions the facts
 * select, the "not media" result, the conversion event recorded with each result, and the
 * rule's `verify` bound to one conversion.
 */
import type { FileEntry } from '../inputs/entry.js';
import { matchRules } from '../rules/match.js';
import type { ConversionRule, RuleSet } from '../rules/schema.js';
import { checkDecodes, checkLossless, decodeMedia } from '../verify/media-checks.js';
import type { PlannedConversion } from './plan.js';
import type { ConversionResult } from './results.js';
import type { OutputVerdict } from './run.js';
import type { GatheredFacts } from './source-facts.js';

/** The program a rule runs (`ffmpeg`), when its first argument is plain text. */
export function programOf(rule: ConversionRule): string | undefined {
  const first = rule.argv[0];
  return first?.length === 1 && first[0] && 'text' in first[0] ? first[0].text : undefined;
}

/** Rules that read the source as media (their command is ffmpeg or ffprobe). */
export function isMediaRule(rule: ConversionRule): boolean {
  const program = programOf(rule);
  return program === 'ffmpeg' || program === 'ffprobe';
}

function key(output: string, digest: string): string {
  return `${output}\0${digest}`;
}

/** The planned conversions of one source that its facts select (by output and rule digest). */
export function selectedKeys(ruleSet: RuleSet, items: readonly PlannedConversion[], facts: GatheredFacts | undefined, digestOf: (rule: ConversionRule) => string): Set<string> {
  const first = items[0];
  if (!first) return new Set();
  const byExt = new Map(items.map((p) => [p.rule.ext, p.output]));
  return new Set(matchRules(ruleSet, first.source.url, facts).map((rule) => key(byExt.get(rule.ext) ?? '', digestOf(rule))));
}

export function isSelected(selected: ReadonlySet<string>, p: PlannedConversion): boolean {
  return selected.has(key(p.output, p.ruleDigest));
}

/** The one entry a source that is not media gets in the results: no output, the reason. */
export function notMediaResult(entry: FileEntry, sourcePath: string, sha256: string, size: number, reason: string): ConversionResult {
  return { url: entry.url, output: '', metadata: {}, type: 'not-media', success: false, source_size: size, source_sha256: sha256, source_path: sourcePath, exit_code: null, failure: reason };
}

/**
 * The one entry a source that cannot be read gets in the results when its rules are
 * alternatives chosen by what the file is: which would have run is unknown, so none is named.
 */
export function unreadableResult(entry: FileEntry, sourcePath: string, reason: string): ConversionResult {
  return { url: entry.url, output: '', metadata: {}, type: 'unreadable', success: false, source_path: sourcePath, exit_code: null, failure: reason };
}

/** The conversion "event" recorded with a result: when, which tool and version, which rule of which rules file. */
export function conversionEvent(rule: ConversionRule, ruleSet: RuleSet, toolVersion: string | undefined, probeVersion: string | undefined): Record<string, unknown> {
  return {
    date: new Date().toISOString(),
    ...(programOf(rule) ? { tool: programOf(rule) } : {}),
    ...(toolVersion ? { tool_version: toolVersion } : {}),
    ...(probeVersion ? { characterized_by: probeVersion } : {}),
    rule: rule.name,
    rules_file: ruleSet.file,
    ...(rule.purpose ? { purpose: rule.purpose } : {}),
    verify: rule.verify,
  };
}

export interface VerifierContext {
  ffmpeg: string | undefined;
  inputPath: string;
  facts: GatheredFacts | undefined;
  /** The source's decoded length, shared by the source's `verify: decode` rules. */
  sourceSeconds: () => Promise<number | undefined>;
  signal?: AbortSignal;
}

/** The rule's `verify` for one conversion, or undefined for `exists` (the runner's own checks). */
export function verifierFor(rule: ConversionRule, ctx: VerifierContext): ((written: string, output: string) => Promise<OutputVerdict | undefined>) | undefined {
  if (rule.verify === 'exists') return undefined;
  return async (written, output) => {
    const media = ctx.facts?.media;
    if (!ctx.ffmpeg || !media) {
      return { passed: false, detail: `cannot verify (${rule.verify}): ${!ctx.ffmpeg ? 'ffmpeg not found' : 'the source was not probed'}`, record: { level: rule.verify, passed: false } };
    }
    const signal = ctx.signal ? { signal: ctx.signal } : {};
    if (rule.verify === 'decode') return checkDecodes({ ffmpeg: ctx.ffmpeg, written, source: media, sourceSeconds: ctx.sourceSeconds, ...signal });
    return checkLossless({ ffmpeg: ctx.ffmpeg, sourcePath: ctx.inputPath, source: media, written, output, ...signal });
  };
}

/** Decode the source once to learn its length (for `verify: decode`). */
export function sourceSecondsOnce(ffmpeg: string | undefined, inputPath: string, signal?: AbortSignal): () => Promise<number | undefined> {
  let seconds: Promise<number | undefined> | undefined;
  return () => (seconds ??= ffmpeg ? decodeMedia(ffmpeg, inputPath, signal).then((r) => r.seconds) : Promise.resolve(undefined));
}
