/**
 * Command templates → argv, once, at load time. Words are split on whitespace; '…' or "…"
 * group a word that contains spaces; nothing else is special. Placeholders (`{input}`,
 * `{output}`, `{{`, `}}` as in Python's str.format) are substituted inside each argument,
 * so a file name is always exactly one argument and never reaches a shell.
 */

export const PLACEHOLDERS = ['input', 'output', 'duration', 'width', 'height', 'frame_rate', 'middle', 'rules_dir'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

/** Placeholders filled from the source's ffprobe run: seconds, pixels, frames per second, half the duration. */
export const PROBE_PLACEHOLDERS: readonly Placeholder[] = ['duration', 'width', 'height', 'frame_rate', 'middle'];

/** A template argument: literal text and placeholders, in order. */
export type TemplatePart = { text: string } | { placeholder: Placeholder };
export type ArgTemplate = readonly TemplatePart[];

/** A placeholder the command uses has no value for this file (e.g. `{width}` of a file without video). */
export class TemplateValueError extends Error {
  override name = 'TemplateValueError';
  constructor(readonly placeholder: Placeholder) {
    super(`{${placeholder}} has no value for this file`);
  }
}

/** A command or argument is not a usable template; `message` says why (no file, no path). */
export class TemplateSyntaxError extends Error {
  override name = 'TemplateSyntaxError';
}

/** Split a command line into words (quotes group, no escapes, no shell expansion). */
export function splitCommand(command: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (const ch of command) {
    if (quote) {
      if (ch === quote) quote = null;
      else word += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (quote) throw new TemplateSyntaxError(`unterminated ${quote} quote`);
  if (inWord) words.push(word);
  return words;
}

/** Parse one argument's placeholders. */
export function parseArgTemplate(arg: string): ArgTemplate {
  const parts: TemplatePart[] = [];
  let text = '';
  for (let i = 0; i < arg.length; i++) {
    const ch = arg[i]!;
    if ((ch === '{' || ch === '}') && arg[i + 1] === ch) {
      text += ch;
      i++;
    } else if (ch === '{') {
      const end = arg.indexOf('}', i);
      const name = end < 0 ? '' : arg.slice(i + 1, end);
      if (!(PLACEHOLDERS as readonly string[]).includes(name)) {
        const shown = end < 0 ? arg.slice(i) : `{${name}}`;
        throw new TemplateSyntaxError(`unknown placeholder ${shown} in "${arg}" (use {input} or {output}, {duration}, {width}, {height}, {frame_rate} or {middle} from the probe, {rules_dir}; write {{ and }} for literal braces)`);
      }
      if (text) parts.push({ text });
      text = '';
      parts.push({ placeholder: name as Placeholder });
      i = end;
    } else if (ch === '}') {
      throw new TemplateSyntaxError(`single } in "${arg}" (write }} for a literal brace)`);
    } else text += ch;
  }
  if (text || parts.length === 0) parts.push({ text });
  return parts;
}

/** Parse a whole command (string or argv list) into argument templates. */
export function parseCommandTemplate(command: string | readonly string[]): ArgTemplate[] {
  const words = typeof command === 'string' ? splitCommand(command) : command;
  if (words.length === 0) throw new TemplateSyntaxError('empty command');
  return words.map(parseArgTemplate);
}

export function usesPlaceholder(template: readonly ArgTemplate[], name: Placeholder): boolean {
  return template.some((arg) => arg.some((part) => 'placeholder' in part && part.placeholder === name));
}

/**
 * Substitute placeholders per argument: one template argument → exactly one argv entry.
 * Throws {@link TemplateValueError} for a placeholder without a value.
 */
export function renderArgv(template: readonly ArgTemplate[], values: Readonly<Partial<Record<Placeholder, string>>>): string[] {
  return template.map((arg) =>
    arg
      .map((part) => {
        if (!('placeholder' in part)) return part.text;
        const value = values[part.placeholder];
        if (value === undefined) throw new TemplateValueError(part.placeholder);
        return value;
      })
      .join(''),
  );
}

/** A command line a POSIX shell would read back as the same argv (for --dry-run and logs only). */
export function shellQuote(argv: readonly string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}
