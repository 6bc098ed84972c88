/**
 * The conversion rules file (warcit's format, loaded unchanged) checked and normalized before
 * anything runs. Every error names the file and the path inside it, and says what was expected:
 * `rules.yaml: file_types[1].conversion_rules[0].command: expected a string, got a number`.
 */
import { RE2JS } from 're2js';
import { SIDECAR_EXT } from '../convert/characterization.js';
import { unknownKeyMessage } from '../util/did-you-mean.js';
import { parseProbeConditions, PROBE_KEYS, type ProbeConditions } from './conditions.js';
import { type ArgTemplate, parseCommandTemplate, PROBE_PLACEHOLDERS, TemplateSyntaxError, usesPlaceholder } from './template.js';

/** Stream kinds a rule can require of its source (warckit extension: `requires: video`). */
export type StreamKind = 'video' | 'audio';

/** What an output is for (Archivematica's purposes; warckit extension: `purpose: access`). */
export type Purpose = 'access' | 'preservation' | 'poster' | 'thumbnail' | 'derivative';
export const PURPOSES: readonly Purpose[] = ['access', 'preservation', 'poster', 'thumbnail', 'derivative'];

/**
 * The proof a conversion must give before its output counts: `exists` (written, not empty),
 * `decode` (decodes without errors, duration as the source's), `lossless` (per-frame checksums
 * of every video and audio stream equal to the source's).
 */
export type VerifyLevel = 'exists' | 'decode' | 'lossless';
export const VERIFY_LEVELS: readonly VerifyLevel[] = ['exists', 'decode', 'lossless'];

/** A rule mapping exactly as loaded from YAML: what results record under `metadata`. */
export type RuleMapping = Record<string, unknown>;

/** One conversion: run `argv` to write `<source>.<ext>`. */
export interface ConversionRule {
  /** `name`, or `ext` when the rule has no name. */
  name: string;
  ext: string;
  mime?: string;
  skip: boolean;
  skipAsSource: boolean;
  poster: boolean;
  /** The source must have these streams, else the rule is left out for that file (not a failure). */
  requires: readonly StreamKind[];
  /** Argument templates: from `command` split once, or from `args`. */
  argv: readonly ArgTemplate[];
  purpose?: Purpose;
  /** Default `exists`. */
  verify: VerifyLevel;
  /** The command uses a probe-derived placeholder (`{duration}`, `{width}`...): the source is probed first. */
  usesProbe: boolean;
  /** The rule's mapping as loaded (a copy), recorded as `metadata` in the results. */
  metadata: RuleMapping;
  /** Where it was defined, for messages: `file_types[0].conversion_rules[2]`. */
  where: string;
}

/** A rule's regex, compiled for RE2 (linear time: no pattern can hang a run). */
export interface UrlPattern {
  /** The pattern as written in the rules file. */
  readonly source: string;
  /** Python `re.match` semantics: does it match at the start of `url`? */
  test(url: string): boolean;
}

export interface FileTypeRule {
  ext?: string;
  /** Python `re.match` semantics: anchored at the start of the URL. */
  regex?: UrlPattern;
  /** Sniffed MIME types (from the file's first bytes) the file must have; `video/*` patterns. */
  mime?: readonly string[];
  /** Properties from one ffprobe run the file must have. */
  probe?: ProbeConditions;
  /** When this file type matches, later ones are not considered (a policy's "otherwise"). */
  final: boolean;
  conversionRules: readonly ConversionRule[];
  where: string;
}

/** A rules file as loaded by {@link loadRules}: warcit's rules, validated, commands parsed into argv templates. */
export interface RuleSet {
  /** The file it came from (for messages), or a label such as `<default rules>`. */
  file: string;
  outputDir?: string;
  urlPrefix?: string;
  /** A file that receives every command's stdout and stderr (warcit's `convert_stdout`). */
  convertStdout?: string;
  /** The rules file's directory, for `{rules_dir}` (assets shipped beside the rules). */
  dir?: string;
  fileTypes: readonly FileTypeRule[];
}

/** The rules file is unreadable or not valid; `file` and `path` locate the problem. */
export class RulesError extends Error {
  override name = 'RulesError';
  constructor(readonly file: string, readonly path: string, detail: string) {
    super(path ? `${file}: ${path}: ${detail}` : `${file}: ${detail}`);
  }
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Date) return 'a date';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return `a ${typeof value} (${String(value)})`;
}

const EXT = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/**
 * Why an ext would make outputs named as warckit-convert's own files beside them (which would be
 * overwritten by that file, or overwrite it), or undefined: the characterization sidecar
 * (`<source>.ffprobe.json`, see SIDECAR_EXT), the frame checksums of `verify: lossless`
 * (`<output>.framemd5`, `<output>.source.framemd5`) and the output it keeps after a failed check
 * (`a.flv.not-lossless.mkv`).
 */
function reservedExtProblem(ext: string): string | undefined {
  const parts = ext.toLowerCase().split('.');
  if (ext.toLowerCase() === SIDECAR_EXT) return `is the name of the characterization sidecar warckit-convert writes for each source (<source>.${SIDECAR_EXT})`;
  if (parts.at(-1) === 'framemd5') return 'ends as the frame checksums verify: lossless keeps beside an output (<output>.framemd5)';
  if (parts.includes('not-lossless')) return 'is how verify: lossless names an output it keeps after a failed check (<source>.not-lossless.<ext>)';
  return undefined;
}

/** warcit's rule keys (name, ext, command, mime, skip_as_source, poster, skip), then ours. */
const RULE_KEYS = ['name', 'ext', 'command', 'args', 'mime', 'skip', 'skip_as_source', 'poster', 'requires', 'purpose', 'verify'];
const FILE_TYPE_KEYS = ['ext', 'regex', 'mime', 'probe', 'final', 'conversion_rules'];
const ROOT_KEYS = ['output_dir', 'url_prefix', 'convert_stdout', 'rules', 'file_types'];

class Checker {
  constructor(readonly file: string) {}

  fail(path: string, detail: string): never {
    throw new RulesError(this.file, path, detail);
  }

  mapping(value: unknown, path: string, what = 'a mapping'): Record<string, unknown> {
    if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Date) this.fail(path, `expected ${what}, got ${describe(value)}`);
    return value as Record<string, unknown>;
  }

  list(value: unknown, path: string, what: string): unknown[] {
    if (!Array.isArray(value)) this.fail(path, `expected ${what}, got ${describe(value)}`);
    return value;
  }

  optString(value: unknown, path: string, what = 'a string'): string | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') this.fail(path, `expected ${what}, got ${describe(value)}`);
    return value;
  }

  /** Every key must be known (warcit's, ours, or `x-…` metadata): a misspelt key is an error, not silently ignored. */
  keys(m: Record<string, unknown>, path: string, known: readonly string[], allowExtra = false): void {
    for (const key of Object.keys(m)) {
      if (known.includes(key) || (allowExtra && key.startsWith('x-'))) continue;
      this.fail(path ? `${path}.${key}` : key, unknownKeyMessage(key, known, allowExtra ? '; keys starting with x- are kept as metadata' : ''));
    }
  }

  optBool(value: unknown, path: string): boolean {
    if (value === undefined || value === null) return false;
    if (typeof value !== 'boolean') this.fail(path, `expected true or false, got ${describe(value)}`);
    return value;
  }
}

function checkRule(c: Checker, value: unknown, path: string): ConversionRule {
  const m = c.mapping(value, path, 'a rule mapping (name, ext, command, mime...)');
  c.keys(m, path, RULE_KEYS, true);
  const ext = c.optString(m.ext, `${path}.ext`, 'an extension string such as "webm"');
  if (ext === undefined) c.fail(`${path}.ext`, 'missing: every rule needs the extension of the file it writes, e.g. ext: webm');
  if (!EXT.test(ext)) c.fail(`${path}.ext`, `expected an extension of letters, digits, "_", "-" or "." (no slashes), got ${describe(ext)}`);
  const reserved = reservedExtProblem(ext);
  if (reserved) c.fail(`${path}.ext`, `"${ext}" ${reserved}: give the rule another ext`);
  const name = c.optString(m.name, `${path}.name`) ?? ext;
  const mime = c.optString(m.mime, `${path}.mime`, 'a MIME type string such as "video/webm"');
  const skip = c.optBool(m.skip, `${path}.skip`);
  const skipAsSource = c.optBool(m.skip_as_source, `${path}.skip_as_source`);
  const poster = c.optBool(m.poster, `${path}.poster`);

  let argv: ArgTemplate[];
  let at: string;
  if (m.command !== undefined && m.args !== undefined) c.fail(path, 'give either command or args, not both');
  try {
    if (m.args !== undefined) {
      at = `${path}.args`;
      const args = c.list(m.args, at, 'a list of arguments, e.g. [ffmpeg, -y, -i, "{input}", "{output}"]');
      args.forEach((a, i) => {
        if (typeof a !== 'string' && typeof a !== 'number') c.fail(`${at}[${i}]`, `expected a string, got ${describe(a)}`);
      });
      argv = parseCommandTemplate(args.map(String));
    } else {
      at = `${path}.command`;
      const command = c.optString(m.command, at, 'a command line such as "ffmpeg -y -i {input} {output}"');
      if (command === undefined) c.fail(path, 'missing command: expected command: "ffmpeg -y -i {input} ... {output}" or args: [...]');
      argv = parseCommandTemplate(command);
    }
  } catch (error) {
    if (error instanceof TemplateSyntaxError) c.fail(at!, error.message);
    throw error;
  }
  if (!usesPlaceholder(argv, 'output')) c.fail(at, 'expected the command to write {output} (the converted file), but it never mentions {output}');

  let requires: StreamKind[] = [];
  if (m.requires !== undefined && m.requires !== null) {
    const raw = typeof m.requires === 'string' ? [m.requires] : c.list(m.requires, `${path}.requires`, 'video, audio, or a list of them');
    requires = raw.map((r, i) => {
      if (r !== 'video' && r !== 'audio') c.fail(`${path}.requires${typeof m.requires === 'string' ? '' : `[${i}]`}`, `expected video or audio, got ${describe(r)}`);
      return r;
    });
  }
  const purpose = c.optString(m.purpose, `${path}.purpose`, `one of ${PURPOSES.join(', ')}`);
  if (purpose !== undefined && !(PURPOSES as readonly string[]).includes(purpose)) c.fail(`${path}.purpose`, `expected one of ${PURPOSES.join(', ')}, got ${describe(purpose)}`);
  const verify = c.optString(m.verify, `${path}.verify`, `one of ${VERIFY_LEVELS.join(', ')}`) ?? 'exists';
  if (!(VERIFY_LEVELS as readonly string[]).includes(verify)) c.fail(`${path}.verify`, `expected one of ${VERIFY_LEVELS.join(', ')}, got ${describe(verify)}`);
  const usesProbe = PROBE_PLACEHOLDERS.some((p) => usesPlaceholder(argv, p));
  return {
    name,
    ext,
    mime,
    skip,
    skipAsSource,
    poster,
    requires,
    argv,
    ...(purpose ? { purpose: purpose as Purpose } : {}),
    verify: verify as VerifyLevel,
    usesProbe,
    metadata: structuredClone(m),
    where: path,
  };
}

/**
 * Python's `re.match` on RE2: anchored at the start only; a leading `(?i)`, `(?s)`, `(?m)`
 * becomes a flag, `\Z` becomes `\z`; `(?P<name>…)` is RE2 syntax already. Backreferences and
 * lookaround are refused: they are what makes a pattern take exponential time.
 */
function compileRegex(c: Checker, source: string, path: string): UrlPattern {
  let flags = 0;
  let body = source;
  const inline = /^\(\?([aiLmsux]+)\)/.exec(body);
  if (inline) {
    body = body.slice(inline[0].length);
    if (inline[1]!.includes('x')) c.fail(path, `verbose patterns ((?x)) are not supported, got ${describe(source)}`);
    if (inline[1]!.includes('i')) flags |= RE2JS.CASE_INSENSITIVE;
    if (inline[1]!.includes('s')) flags |= RE2JS.DOTALL;
    if (inline[1]!.includes('m')) flags |= RE2JS.MULTILINE;
  }
  body = body.replace(/((?:^|[^\\])(?:\\\\)*)\\Z/g, '$1\\z');
  if (/\(\?P=|\(\?<?[=!]|(?:^|[^\\])(?:\\\\)*\\[1-9]/.test(body)) {
    c.fail(path, `not supported by the linear-time regex engine (RE2: no backreferences or lookaround), got ${describe(source)}`);
  }
  let re: RE2JS;
  try {
    re = RE2JS.compile(`\\A(?:${body})`, flags);
  } catch (error) {
    c.fail(path, `expected a regular expression, got ${describe(source)}: ${(error as Error).message.replace(/^error parsing regexp: /, '')}`);
  }
  return { source, test: (url) => re.test(url) };
}

/**
 * Check a parsed rules document and build the {@link RuleSet}. The document is not mutated.
 * @param file names the file in error messages.
 * @param options.anchorHolders top-level keys whose values carry YAML anchors (allowed besides the known keys).
 */
export function toRuleSet(doc: unknown, file: string, options: { anchorHolders?: ReadonlySet<string>; dir?: string } = {}): RuleSet {
  const c = new Checker(file);
  const root = c.mapping(doc, '', 'a mapping with file_types (and optionally output_dir, url_prefix, convert_stdout, rules)');
  // Other top-level keys are allowed only where they hold anchors (warcit ignores them; files use them for rule templates).
  const holders = options.anchorHolders ?? new Set<string>();
  const near = Object.keys(root).filter((k) => !ROOT_KEYS.includes(k) && !holders.has(k));
  for (const key of near) c.fail(key, unknownKeyMessage(key, ROOT_KEYS, '; other top-level keys may only hold YAML anchors'));
  const outputDir = c.optString(root.output_dir, 'output_dir', 'a directory path');
  const urlPrefix = c.optString(root.url_prefix, 'url_prefix', 'a URL prefix such as "http://www.example.com/"');
  const convertStdout = c.optString(root.convert_stdout, 'convert_stdout', 'a file path');
  // `rules` only holds the anchors in warcit's files, but a broken rule there is still an error.
  if (root.rules !== undefined && root.rules !== null) {
    c.list(root.rules, 'rules', 'a list of rules').forEach((r, i) => checkRule(c, r, `rules[${i}]`));
  }
  if (root.file_types === undefined) c.fail('file_types', 'missing: expected a list of {ext or regex, conversion_rules}');
  const fileTypes = c.list(root.file_types, 'file_types', 'a list of {ext or regex, conversion_rules}').map((ft, i): FileTypeRule => {
    const where = `file_types[${i}]`;
    const m = c.mapping(ft, where, 'a mapping with ext or regex, and conversion_rules');
    c.keys(m, where, FILE_TYPE_KEYS);
    const ext = c.optString(m.ext, `${where}.ext`, 'a file name ending such as ".flv"');
    const regexSource = c.optString(m.regex, `${where}.regex`, 'a regular expression string');
    const mime = m.mime === undefined || m.mime === null ? undefined : mimePatterns(c, m.mime, `${where}.mime`);
    if (ext === undefined && regexSource === undefined && mime === undefined) c.fail(where, 'expected ext (e.g. ".flv"), regex or mime to say which files it matches');
    if (ext === '') c.fail(`${where}.ext`, 'expected a non-empty file name ending such as ".flv"');
    const regex = regexSource === undefined ? undefined : compileRegex(c, regexSource, `${where}.regex`);
    let probe: ProbeConditions | undefined;
    if (m.probe !== undefined && m.probe !== null) {
      const pm = c.mapping(m.probe, `${where}.probe`, `a mapping of probed properties (${PROBE_KEYS.join(', ')})`);
      c.keys(pm, `${where}.probe`, PROBE_KEYS);
      probe = parseProbeConditions(pm, `${where}.probe`, (path, detail) => c.fail(path, detail));
    }
    const final = c.optBool(m.final, `${where}.final`);
    const list = m.conversion_rules ?? [];
    const conversionRules = c.list(list, `${where}.conversion_rules`, 'a list of rules').map((r, j) => checkRule(c, r, `${where}.conversion_rules[${j}]`));
    const byExt = new Map<string, number>();
    conversionRules.forEach((rule, j) => {
      if (rule.skip) return;
      const earlier = byExt.get(rule.ext);
      if (earlier !== undefined) c.fail(`${where}.conversion_rules[${j}].ext`, `"${rule.ext}" is also the ext of rule ${conversionRules[earlier]!.name} (conversion_rules[${earlier}]): both would write <source>.${rule.ext}; give each its own ext`);
      byExt.set(rule.ext, j);
    });
    return { ext, regex, ...(mime ? { mime } : {}), ...(probe ? { probe } : {}), final, conversionRules, where };
  });
  return { file, outputDir, urlPrefix, convertStdout, ...(options.dir !== undefined ? { dir: options.dir } : {}), fileTypes };
}

/** `mime: video/x-flv` or a list of types; `video/*` and `*` match a family or anything. */
function mimePatterns(c: Checker, value: unknown, path: string): string[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) c.fail(path, 'expected a MIME type or a non-empty list of them');
  return list.map((v, i) => {
    const at = Array.isArray(value) ? `${path}[${i}]` : path;
    if (typeof v !== 'string' || !/^(\*|[\w.+-]+\/(\*|[\w.+-]+))$/.test(v.trim())) c.fail(at, `expected a MIME type such as "video/x-flv" or "video/*", got ${describe(v)}`);
    return v.trim().toLowerCase();
  });
}
