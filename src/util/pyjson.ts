/**
 * JSON text formatted the way Python's `json.dumps` writes it (ASCII-only with `\uXXXX`
 * escapes, `", "`/`": "` separators, optional indent and sorted keys), so the metadata we
 * write is byte-for-byte what warcit writes for the same data.
 */
export interface PyJsonOptions {
  indent?: number;
  sortKeys?: boolean;
}

function pyString(value: string): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (code < 0x20 || (code > 0x7e && code <= 0xffff)) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else if (code > 0xffff) {
      for (let i = 0; i < ch.length; i++) out += `\\u${ch.charCodeAt(i).toString(16).padStart(4, '0')}`;
    } else out += ch;
  }
  return `${out}"`;
}

export function pyJsonDumps(value: unknown, options: PyJsonOptions = {}): string {
  const { indent, sortKeys = false } = options;
  const itemSep = indent === undefined ? ', ' : ',';
  const write = (v: unknown, level: number): string => {
    if (v === null || v === undefined) return 'null';
    if (typeof v === 'boolean') return v ? 'true' : 'false';
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
      return Number.isInteger(v) ? String(v) : String(v);
    }
    if (typeof v === 'string') return pyString(v);
    if (v instanceof Date) return pyString(v.toISOString());
    const pad = indent === undefined ? '' : `\n${' '.repeat(indent * (level + 1))}`;
    const end = indent === undefined ? '' : `\n${' '.repeat(indent * level)}`;
    if (Array.isArray(v)) {
      if (v.length === 0) return '[]';
      return `[${v.map((item) => pad + write(item, level + 1)).join(itemSep)}${end}]`;
    }
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
    if (sortKeys) entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    if (entries.length === 0) return '{}';
    return `{${entries.map(([k, x]) => `${pad}${pyString(k)}: ${write(x, level + 1)}`).join(itemSep)}${end}}`;
  };
  return write(value, 0);
}
