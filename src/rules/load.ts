/** Reading a rules file: YAML 1.1 as PyYAML reads it (anchors, aliases, `<<` merges), then {@link toRuleSet}. */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { RulesError, type RuleSet, toRuleSet } from './schema.js';

/** The rules shipped with warckit (`rules/default-conversion-rules.yaml`). */
export const DEFAULT_RULES_PATH: string = fileURLToPath(new URL('../../../rules/default-conversion-rules.yaml', import.meta.url));

/** Parse rules from YAML text; `file` names it in errors. */
export function parseRules(text: string, file: string): RuleSet {
  let doc: unknown;
  try {
    doc = parse(text, { version: '1.1', merge: true, prettyErrors: true });
  } catch (error) {
    throw new RulesError(file, '', `not valid YAML (${(error as Error).message.split('\n')[0]})`);
  }
  return toRuleSet(doc, file);
}

/** Load and validate a rules file; the default rules when no file is given. */
export async function loadRules(file: string = DEFAULT_RULES_PATH): Promise<RuleSet> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new RulesError(file, '', code === 'ENOENT' ? 'no such file' : `cannot read (${code ?? (error as Error).message})`);
  }
  return parseRules(text, file);
}
