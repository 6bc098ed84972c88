/**
 * @internal The results file for the length of one conversion run: locked against other runs,
 * read once (with the journal of a run that was stopped folded in), updated per source through
 * the append-only journal, and written back as YAML once, when the run ends.
 */
import { rm } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { Logger } from '../util/logger.js';
import { checkOutputTarget, describeCreateError, lockOutputFile, OutputError } from '../util/atomic.js';
import type { FileLock } from '../util/file-lock.js';
import { makeDirectory } from '../util/make-dir.js';
import { journalPathFor, JournalWriter, readJournal } from './results-journal.js';
import { type ConversionResult, type ConversionResults, readResultsYaml, respeltResults } from './results.js';
import { assembleConversionResults, orderedResult, stringifySourceResults, writeConversionResults } from './results-write.js';

function sameList(a: readonly ConversionResult[] | undefined, b: readonly ConversionResult[]): boolean {
  if (!a || a.length !== b.length) return false;
  return a.every((x, i) => x === b[i]) || JSON.stringify(a) === JSON.stringify(b);
}

/** Sources rendered per turn of the event loop while a run waits on its commands. */
const RENDER_BATCH = 200;

export class ResultsStore {
  private changed = false;
  private closed = false;
  /** Each source's YAML, rendered when recorded or in idle time, so the final write only joins them (Ctrl-C stays quick). */
  private readonly rendered = new Map<string, string>();
  private pending: string[] = [];
  private renderer: NodeJS.Immediate | undefined;

  private constructor(
    readonly file: string,
    private readonly doc: ConversionResults,
    private readonly journal: JournalWriter,
    private readonly lock: FileLock,
  ) {}

  /** Lock the results file, read it and fold in a stopped run's journal. */
  static async open(file: string, logger: Logger): Promise<ResultsStore> {
    const command = [basename(process.argv[1] ?? 'node'), ...process.argv.slice(2)].join(' ');
    // A results file that could not be written at the end (a link, a device) is refused before anything runs.
    await checkOutputTarget(file, true);
    await makeDirectory(dirname(file)).catch(async (error: unknown) => {
      throw new OutputError(`cannot write ${file}: ${await describeCreateError(error, dirname(file))}`, { cause: error });
    });
    const lock = await lockOutputFile(file, { command, hint: 'wait for it to finish, or convert into another --output-dir' });
    try {
      if (lock.tookOver) {
        const o = lock.tookOver;
        logger.warn(`${file}: took over the lock of a run that is gone (pid ${o.pid} on ${o.host}, since ${o.since})`);
      }
      const read: ConversionResults = (await readResultsYaml(file, (m) => logger.warn(m))) ?? { conversions: {} };
      const journalPath = journalPathFor(file);
      const pending = await readJournal(journalPath, (m) => logger.warn(m));
      for (const line of pending) read.conversions[line.source] = line.results;
      const doc = respeltResults(read);
      if (pending.length) {
        await writeConversionResults(file, doc);
        logger.warn(`${file}: recovered ${pending.length} source(s) recorded by a run that was stopped (from ${journalPath})`);
      }
      await rm(journalPath, { force: true });
      return new ResultsStore(file, doc, new JournalWriter(journalPath), lock);
    } catch (error) {
      await lock.release();
      throw error;
    }
  }

  get conversions(): Readonly<Record<string, readonly ConversionResult[]>> {
    return this.doc.conversions;
  }

  /** Replace a source's list (warcit's `conversions.update`); in the journal when this returns. */
  record(source: string, list: readonly ConversionResult[]): void {
    const results = list.map(orderedResult);
    if (sameList(this.doc.conversions[source], results)) return;
    this.journal.append({ source, results });
    this.doc.conversions[source] = results;
    this.rendered.set(source, stringifySourceResults(source, results));
    if (!this.changed) this.startRendering();
    this.changed = true;
  }

  /** Once the file is going to be rewritten, render the sources read from it a batch at a time. */
  private startRendering(): void {
    this.pending = Object.keys(this.doc.conversions);
    const step = (): void => {
      for (let n = 0; n < RENDER_BATCH && this.pending.length; n++) {
        const source = this.pending.pop()!;
        if (!this.rendered.has(source)) this.rendered.set(source, stringifySourceResults(source, this.doc.conversions[source]!));
      }
      this.renderer = this.pending.length && !this.closed ? setImmediate(step) : undefined;
    };
    this.renderer = setImmediate(step);
  }

  private text(): string {
    return assembleConversionResults(this.doc, (source, list) => this.rendered.get(source) ?? stringifySourceResults(source, list));
  }

  /** Write the YAML if anything changed, drop the journal, release the lock. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.renderer) clearImmediate(this.renderer);
    try {
      this.journal.close();
      if (this.changed) await writeConversionResults(this.file, this.doc, this.text());
      await rm(this.journal.path, { force: true });
    } finally {
      await this.lock.release();
    }
  }
}
