/** Which rules apply to a file: warcit's matching, as a pure function over the URL. */
import type { ConversionRule, FileTypeRule, RuleSet } from './schema.js';

/** warcit: `ext` matches the end of the URL; otherwise `regex` matches at its start. */
export function fileTypeMatches(fileType: FileTypeRule, url: string): boolean {
  if (fileType.ext !== undefined && url.endsWith(fileType.ext)) return true;
  if (fileType.regex) return fileType.regex.test(url);
  return false;
}

/**
 * The rules to run for a URL, in file order: every rule of every matching file type, less
 * those marked `skip: true`. A rule reached twice for the same extension runs once (the first).
 */
export function matchRules(ruleSet: RuleSet, url: string): ConversionRule[] {
  const out: ConversionRule[] = [];
  const seen = new Set<string>();
  for (const fileType of ruleSet.fileTypes) {
    if (!fileTypeMatches(fileType, url)) continue;
    for (const rule of fileType.conversionRules) {
      if (rule.skip || seen.has(rule.ext)) continue;
      seen.add(rule.ext);
      out.push(rule);
    }
  }
  return out;
}

/** Rules of matching file types that are marked `skip: true` (for -v messages). */
export function skippedRules(ruleSet: RuleSet, url: string): ConversionRule[] {
  return ruleSet.fileTypes.filter((ft) => fileTypeMatches(ft, url)).flatMap((ft) => ft.conversionRules.filter((r) => r.skip));
}
