/**
 * Which rules apply to a file: warcit's matching by name, as a pure function over the URL,
 * and warckit's conditions on what the file is (sniffed MIME type, probed properties), which
 * need facts about the file gathered first.
 */
import { asWarcitUrl } from '../inputs/url.js';
import { meetsProbeConditions, mimeMatches } from './conditions.js';
import type { MediaInfo } from '../media/probe.js';
import type { ConversionRule, FileTypeRule, RuleSet } from './schema.js';

/** What is known about a file beyond its name. */
export interface SourceFacts {
  /** MIME type sniffed from its first bytes. */
  mime?: string;
  /** ffprobe's view, when it found audio or video. */
  media?: MediaInfo;
  /** ffprobe found no audio or video stream (or could not read it): why. */
  notMedia?: string;
}

/** warcit: `ext` matches the end of the URL; otherwise `regex` matches at its start. */
export function fileTypeMatches(fileType: FileTypeRule, url: string): boolean {
  // Also as warcit names the file (`vidéo.flv` where warckit writes `vid%C3%A9o.flv`): rules are written for either.
  const asWarcit = asWarcitUrl(url);
  if (fileType.ext !== undefined && (url.endsWith(fileType.ext) || asWarcit.endsWith(fileType.ext))) return true;
  if (fileType.regex) return fileType.regex.test(url) || (asWarcit !== url && fileType.regex.test(asWarcit));
  return false;
}

/** The name test of a file type; one that names no ext or regex (only `mime`) passes every name. */
function nameMatches(fileType: FileTypeRule, url: string): boolean {
  if (fileType.ext === undefined && !fileType.regex) return true;
  return fileTypeMatches(fileType, url);
}

/** Does the file type need facts (sniffing, probing) to decide? */
export function isConditional(fileType: FileTypeRule): boolean {
  return fileType.mime !== undefined || fileType.probe !== undefined;
}

/** What must be learnt about a file before its rules are known: `sniff` its MIME type, `probe` it. */
export function factsNeeded(ruleSet: RuleSet, url: string): { sniff: boolean; probe: boolean } {
  const types = ruleSet.fileTypes.filter((ft) => nameMatches(ft, url));
  return {
    sniff: types.some((ft) => ft.mime !== undefined),
    probe: types.some((ft) => ft.probe !== undefined) || types.some((ft) => ft.conversionRules.some((r) => r.usesProbe || r.verify !== 'exists')),
  };
}

function conditionsHold(fileType: FileTypeRule, facts: SourceFacts | undefined): boolean {
  if (fileType.mime && !mimeMatches(fileType.mime, facts?.mime)) return false;
  // Probe conditions hold only for media: a text file named .flv meets none, not even `video: false`.
  if (fileType.probe && !(facts?.media && meetsProbeConditions(fileType.probe, facts.media))) return false;
  return true;
}

/**
 * The rules to run for a URL, in file order: every rule of every matching file type, less
 * those marked `skip: true`; a file type with `final: true` ends the search. A rule reached
 * twice for the same extension runs once (the first). File types with conditions (`mime`,
 * `probe`) match only when `facts` show they hold.
 */
export function matchRules(ruleSet: RuleSet, url: string, facts?: SourceFacts): ConversionRule[] {
  const out: ConversionRule[] = [];
  const seen = new Set<string>();
  for (const fileType of ruleSet.fileTypes) {
    if (!nameMatches(fileType, url) || !conditionsHold(fileType, facts)) continue;
    for (const rule of fileType.conversionRules) {
      if (rule.skip || seen.has(rule.ext)) continue;
      seen.add(rule.ext);
      out.push(rule);
    }
    if (fileType.final) break;
  }
  return out;
}

/**
 * Every rule that may run for a URL, before anything is known about the file: warcit's
 * {@link matchRules} when no file type it matches has conditions, else every rule of every
 * file type its name matches (alternatives for one output included), to be narrowed by
 * {@link matchRules} with the facts.
 */
export function candidateRules(ruleSet: RuleSet, url: string): { rules: ConversionRule[]; conditional: boolean } {
  const types = ruleSet.fileTypes.filter((ft) => nameMatches(ft, url));
  if (!types.some(isConditional)) return { rules: matchRules(ruleSet, url), conditional: false };
  return { rules: types.flatMap((ft) => ft.conversionRules.filter((r) => !r.skip)), conditional: true };
}

/** Rules of matching file types that are marked `skip: true` (for -v messages). */
export function skippedRules(ruleSet: RuleSet, url: string): ConversionRule[] {
  return ruleSet.fileTypes.filter((ft) => fileTypeMatches(ft, url)).flatMap((ft) => ft.conversionRules.filter((r) => r.skip));
}
