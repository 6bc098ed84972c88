/** Reading a rules file: YAML 1.1 as PyYAML reads it (anchors, aliases, `<<` merges), then {@link toRuleSet}. */
import { readRegularFile, RegularFileError } from '../util/regular-file.js';
import { dirname, resolve } from 'node:path';
import { packagePath } from '../package-path.js';
import { isCollection, isMap, isScalar, type Node, parseDocument, visit } from 'yaml';
import { RulesError, type RuleSet, toRuleSet } from './schema.js';
import { utf16Advice, utf16Kind } from '../util/utf16.js';

/** The rules shipped with warckit (`rules/default-conversion-rules.yaml`). */
export const DEFAULT_RULES_PATH: string = packagePath('rules', 'default-conversion-rules.yaml');

/** The directory of warckit's shipped rule sets: `default-conversion-rules.yaml`, `derivatives.yaml`, `preservation.yaml`. */
export const SHIPPED_RULES_DIR: string = dirname(DEFAULT_RULES_PATH);

/** Parse rules from YAML text; `file` names it in errors, and its directory is `{rules_dir}`. */
export function parseRules(text: string, file: string): RuleSet {
  let doc: unknown;
  const anchorHolders = new Set<string>();
  try {
    const parsed = parseDocument(text, { version: '1.1', merge: true, prettyErrors: true });
    if (parsed.errors.length) throw parsed.errors[0];
    if (isMap(parsed.contents)) {
      for (const pair of parsed.contents.items) {
        if (isScalar(pair.key) && holdsAnchor(pair.value as Node | null)) anchorHolders.add(String(pair.key.value));
      }
    }
    doc = parsed.toJS();
  } catch (error) {
    throw new RulesError(file, '', `not valid YAML (${(error as Error).message.split('\n')[0]})`);
  }
  return toRuleSet(doc, file, { anchorHolders, dir: dirname(resolve(file)) });
}

/** Does this node, or anything in it, carry a YAML anchor (`&name`)? warcit's files keep anchors under top-level keys. */
function holdsAnchor(node: Node | null): boolean {
  if (!node) return false;
  if (node.anchor) return true;
  if (!isCollection(node)) return false;
  let found = false;
  visit(node, (_key, n) => {
    if ((isCollection(n) || isScalar(n)) && n.anchor) {
      found = true;
      return visit.BREAK;
    }
    return undefined;
  });
  return found;
}

/** Load and validate a rules file; the default rules when no file is given. */
export async function loadRules(file: string = DEFAULT_RULES_PATH): Promise<RuleSet> {
  let text: string;
  try {
    const bytes = await readRegularFile(file, { maxBytes: 16 * 1024 * 1024 });
    const utf16 = utf16Kind(bytes);
    if (utf16) throw new RulesError(file, '', utf16Advice(utf16));
    text = bytes.toString('utf8');
  } catch (error) {
    if (error instanceof RulesError) throw error;
    if (error instanceof RegularFileError && error.problem !== 'missing') throw new RulesError(file, '', error.message.replace(`${file}: `, ''));
    const code = (error as NodeJS.ErrnoException).code ?? (error instanceof RegularFileError ? 'ENOENT' : undefined);
    throw new RulesError(file, '', code === 'ENOENT' ? 'no such file' : `cannot read (${code ?? (error as Error).message})`);
  }
  return parseRules(text, file);
}
