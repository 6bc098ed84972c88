/**
 * Read a YAML file into plain data (YAML 1.2 core schema), naming the file in every error.
 * js-yaml checks duplicate keys with a hash lookup (the `yaml` package compares every pair:
 * 50,000 keys took 106 s); aliases are kept as shared objects and a document whose aliases
 * would expand past a bound is refused (a "billion laughs" file).
 */
import { readRegularFile, RegularFileError } from './regular-file.js';
import { utf16Kind, utf16Message } from './utf16.js';
import { CORE_SCHEMA, loadAll, YAMLException } from 'js-yaml';

/** Expanded nodes allowed per character of text (a document without aliases has fewer nodes than characters). */
const EXPANSION_PER_CHAR = 10;
const MIN_EXPANSION = 100_000;

/** The key at `position` of a duplicate-key error, as written. */
function keyAt(text: string, position: number): string | undefined {
  const end = text.indexOf('\n', position);
  const line = text.slice(position, end < 0 ? undefined : end);
  const m = /^(?:"((?:[^"\\]|\\.)*)"|'((?:[^']|'')*)'|(.+?))\s*:(?:\s|$)/.exec(line);
  return m ? (m[1] ?? m[2]?.replace(/''/g, "'") ?? m[3]) : undefined;
}

/** Visit the document as aliases would expand it; false when that passes `budget` nodes. */
function expandsWithin(doc: unknown, budget: number): boolean {
  const stack: unknown[] = [doc];
  let count = 0;
  while (stack.length) {
    const node = stack.pop();
    if (++count > budget) return false;
    if (Array.isArray(node)) for (const item of node) stack.push(item);
    else if (typeof node === 'object' && node !== null) for (const key in node) stack.push((node as Record<string, unknown>)[key]);
  }
  return true;
}

/** Parse YAML text; `file` names it in errors, built by `fail`. */
export function parseYamlText(text: string, file: string, fail: (message: string) => Error): unknown {
  let doc: unknown;
  try {
    const docs = loadAll(text, { schema: CORE_SCHEMA, filename: file });
    if (docs.length > 1) throw fail(`${file}: expected one YAML document, found ${docs.length}`);
    doc = docs[0] ?? null; // an empty file (or only comments) is an empty document, as PyYAML reads it
  } catch (error) {
    if (!(error instanceof YAMLException)) throw error;
    if (error instanceof YAMLException && error.reason === 'duplicated mapping key' && error.mark) {
      const key = keyAt(text, error.mark.position);
      throw fail(`${file}: duplicate key ${key === undefined ? '' : `${JSON.stringify(key)} `}at line ${error.mark.line + 1}, column ${error.mark.column + 1}`);
    }
    const e = error as YAMLException;
    const where = e.mark ? ` at line ${e.mark.line + 1}, column ${e.mark.column + 1}` : '';
    throw fail(`${file}: not valid YAML (${e.reason ?? e.message.split('\n')[0]}${where})`);
  }
  if (!expandsWithin(doc, Math.max(MIN_EXPANSION, EXPANSION_PER_CHAR * text.length))) {
    throw fail(`${file}: refused: its aliases expand to far more data than the file holds (a YAML bomb?)`);
  }
  return doc;
}

/** A results file or manifest bigger than this is not one (a 50,000-media manifest is a few MB). */
const MAX_YAML_BYTES = 1024 * 1024 * 1024;

/** Read and parse a YAML file; errors are made by `fail` from a message naming the file. */
export async function readYamlFile(file: string, fail: (message: string) => Error): Promise<unknown>;
/** …or, with `missingOk`, undefined when the file does not exist. */
export async function readYamlFile(file: string, fail: (message: string) => Error, options: { missingOk: true }): Promise<unknown>;
export async function readYamlFile(file: string, fail: (message: string) => Error, options: { missingOk?: boolean } = {}): Promise<unknown> {
  let text: string;
  try {
    // Only a regular file, read whole: a FIFO would block, /dev/zero never end.
    const bytes = await readRegularFile(file, { maxBytes: MAX_YAML_BYTES });
    const utf16 = utf16Kind(bytes);
    if (utf16) throw fail(utf16Message(file, utf16));
    text = bytes.toString('utf8');
  } catch (error) {
    if (error instanceof RegularFileError && error.problem === 'missing' && options.missingOk) return undefined;
    if (error instanceof RegularFileError) throw fail(error.message);
    throw fail(`${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  return parseYamlText(text, file, fail);
}
