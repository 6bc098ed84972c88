/**
 * @internal The results journal (`<results file>.journal`): one JSON line per finished source,
 * `{"source": <url>, "results": [...]}`, appended as each source finishes, so per-source
 * durability costs one small write instead of rewriting the whole YAML. A process killed at any
 * point (SIGKILL included) leaves at most a torn last line, which is ignored; the next run folds
 * the journal into the results file (replaying it twice gives the same file).
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { readRegularFile, RegularFileError } from '../util/regular-file.js';
import type { ConversionResult } from './results.js';

export interface JournalLine {
  source: string;
  results: ConversionResult[];
}

export function journalPathFor(resultsFile: string): string {
  return `${resultsFile}.journal`;
}

/** The complete lines of a journal, in order; `[]` when there is none. A torn or unreadable line is skipped and reported. */
export async function readJournal(path: string, warn: (message: string) => void = () => undefined): Promise<JournalLine[]> {
  let text: string;
  try {
    text = (await readRegularFile(path, { what: 'results journal', maxBytes: 1024 * 1024 * 1024 })).toString('utf8');
  } catch (error) {
    if (error instanceof RegularFileError && error.problem === 'missing') return [];
    throw error;
  }
  const lines = text.split('\n');
  const torn = lines.pop(); // '' after a complete last line
  if (torn) warn(`${path}: the last entry was cut off (the run was killed while writing it) and is left out`);
  const out: JournalLine[] = [];
  lines.forEach((line, i) => {
    if (!line) return;
    try {
      const parsed = JSON.parse(line) as Partial<JournalLine>;
      if (typeof parsed.source === 'string' && Array.isArray(parsed.results)) out.push({ source: parsed.source, results: parsed.results });
      else warn(`${path}: line ${i + 1} is not a journal entry; left out`);
    } catch {
      warn(`${path}: line ${i + 1} is not valid JSON; left out`);
    }
  });
  return out;
}

/** Appends journal lines; each `append` is one write(2), so it is in the file when the call returns. */
export class JournalWriter {
  private fd: number | undefined;
  constructor(readonly path: string) {}

  append(line: JournalLine): void {
    this.fd ??= openSync(this.path, 'a');
    const data = Buffer.from(`${JSON.stringify(line)}\n`);
    for (let done = 0; done < data.length; ) done += writeSync(this.fd, data, done);
  }

  get written(): boolean {
    return this.fd !== undefined;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
