import { splitCanonicalOrigin } from '../transclusions/record-uri.js';
import { safeDecode } from '../util/safe-decode.js';

/** Characters warcit percent-escapes in file paths (RFC 2396 reserved, plus '#' and ' '). */
const ESCAPED = new Set([...'#;?:@&=+$, ']);

/**
 * A character of a file path as warcit puts it in a URL: one of `#;?:@&=+$, ` as lowercase
 * `%xx`, any other as it is; and, where warcit writes a header that no reader can parse, a
 * control character (U+0000–U+001F, U+007F) as upper-case `%XX`, the form WARC headers already
 * gave it. Rules (`.*\.flv$` stops at a newline), results keys and manifests then all name the
 * file as its record does. A backslash is `%5C` too (warcit leaves it raw): no URI may hold
 * one, browsers read it as `/`, and `back\slash.html` must not take `back/slash.html`'s URL.
 * And a non-ASCII character is its UTF-8 bytes as `%XX` (warcit leaves `é` raw), as browsers ask
 * for it: ReplayWeb.page finds no record at `…/café.flv`, pywb cannot serve `…/日本.flv`.
 */
export function urlPathChar(ch: string): string {
  if (ESCAPED.has(ch)) return `%${ch.charCodeAt(0).toString(16)}`;
  const code = ch.charCodeAt(0);
  if (code > 0x7f) return utf8Escapes(ch);
  return code < 0x20 || code === 0x7f || ch === '\\' ? `%${code.toString(16).padStart(2, '0').toUpperCase()}` : ch;
}

/** A character's UTF-8 bytes as `%XX` escapes (a lone surrogate, which has none, as U+FFFD's). */
function utf8Escapes(ch: string): string {
  try {
    return encodeURIComponent(ch);
  } catch {
    return '%EF%BF%BD';
  }
}

/** A path {@link pathToUrlPath} leaves as it is: printable ASCII with nothing to escape, no empty or `.` segment. */
const PLAIN_PATH = /^(?!\.?(?:\/|$))(?:[^#;?:@&=+$, \\/\x00-\x1f\x7f-\uffff]|\/(?!\.?(?:\/|$)))*$/;

/**
 * Turn a relative file path into the URL path warcit gives it: `/` separators, a leading
 * `./` dropped, and `#;?:@&=+$, ` escaped as lowercase `%xx`, exactly as warcit writes them
 * (a backslash is part of a name: see urlPathChar; ZIP members' are separators, made `/` when read).
 */
export function pathToUrlPath(relativePath: string): string {
  // Most paths need nothing done: as they are (a string built a character at a time costs more than the rest of a file's records).
  if (PLAIN_PATH.test(relativePath)) return relativePath;
  const slashed = relativePath.split(/\/+/).filter((part) => part !== '' && part !== '.').join('/');
  let out = '';
  for (const ch of slashed) out += urlPathChar(ch);
  return out;
}

/**
 * A URL as warcit writes it (see urlPathChar): the UTF-8 escapes of non-ASCII characters and a
 * `%5C` as the characters themselves. Patterns written for warcit (rules `regex:`, `-m`
 * overrides such as `*vidéo.flv`) are tried on this form too.
 */
export function asWarcitUrl(url: string): string {
  return url.replace(/(?:%[C-F][0-9A-F](?:%[89AB][0-9A-F])+)+|%5C/g, (run) => (run === '%5C' ? '\\' : safeDecode(run)));
}

/**
 * A URL prefix with its scheme and host as replay systems ask for them (lower case, no default
 * port: `HTTP://WWW.Example.COM:80/Old/` → `http://www.example.com/Old/`); ReplayWeb.page finds
 * no record at `HTTP://WWW.EXAMPLE.COM/…`. The path stays as given.
 */
export function canonicalUrlPrefix(prefix: string): string {
  const split = splitCanonicalOrigin(prefix);
  return split ? split.origin + split.rest : prefix;
}

/** The URL of a file below an input: prefix + escaped relative path. */
export function urlFor(prefix: string, relativePath: string): string {
  return prefix + pathToUrlPath(relativePath);
}

/** The directory URL an index file stands for: everything up to and including the last '/'. */
export function indexUrlOf(url: string): string {
  return url.slice(0, url.lastIndexOf('/') + 1);
}

/** Python fnmatch semantics (case folded by the caller): `*` also matches '/', `[!x]` negates. */
export function fnmatchToRegExp(pattern: string): RegExp {
  let rx = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '*') rx += '.*';
    else if (ch === '?') rx += '.';
    else if (ch === '[') {
      const close = pattern.indexOf(']', i + 2);
      if (close === -1) rx += '\\[';
      else {
        let body = pattern.slice(i + 1, close).replace(/\\/g, '\\\\');
        if (body.startsWith('!')) body = `^${body.slice(1)}`;
        rx += `[${body}]`;
        i = close;
      }
    } else rx += ch.replace(/[.+^${}()|\\/]/g, '\\$&');
  }
  return new RegExp(`^${rx}$`, 's');
}

/** True if `value` matches any of the wildcard patterns. */
export function matchesAny(value: string, patterns: readonly RegExp[]): boolean {
  return patterns.some((rx) => rx.test(value));
}
