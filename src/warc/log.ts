/**
 * `--log`: a CSV line per record (warcit's columns), streamed to a temporary file while the
 * WARC is written (memory stays flat), moved into place once the WARC is. The temporary file
 * lives in the temp directory, so a log inside an input directory is never archived.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { copyFile, mkdtemp, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { finished } from 'node:stream/promises';
import type { Stringifier } from 'csv-stringify';
import { checkOutputTarget, describeCreateError, OutputError, tempPathFor } from '../util/atomic.js';
import { makeDirectory } from '../util/make-dir.js';
import { tempRoot } from '../util/temp-root.js';
import type { LogRow } from './plan-file.js';

const LOG_COLUMNS = ['file', 'Record-Type', 'URL', 'timestamp', 'Content-Type', 'mime', 'charset'];

export class RecordLog {
  private constructor(
    readonly path: string,
    private readonly dir: string,
    private readonly csv: Stringifier,
    private readonly out: WriteStream,
  ) {}

  static async open(path: string): Promise<RecordLog> {
    await checkOutputTarget(path, true); // a link or device is refused now, not once the WARC is written
    const { stringify } = await import('csv-stringify');
    const dir = await mkdtemp(join(tempRoot(), `warckit-log-${process.pid}-`));
    const out = createWriteStream(join(dir, 'log.csv'));
    const csv = stringify({ header: true, columns: LOG_COLUMNS, record_delimiter: '\r\n' });
    csv.pipe(out);
    return new RecordLog(path, dir, csv, out);
  }

  /** Rows waiting for their record: written to the log when it is written to the WARC, dropped when it is left out. */
  private readonly waiting: LogRow[] = [];

  /** A row for a record about to be written. */
  queue(row: LogRow): void {
    this.waiting.push(row);
  }

  /** The record of that type and URL was written (its row goes in the log) or left out (its row does not). */
  settle(type: string, url: string | undefined, written: boolean): void {
    const at = this.waiting.findIndex((row) => row.URL === url && row['Record-Type'] === type);
    if (at < 0) return;
    const [row] = this.waiting.splice(at, 1);
    if (written) this.csv.write(row);
  }

  /** Move the log into place (atomically); the message names the log when it cannot be. */
  async commit(): Promise<void> {
    await checkOutputTarget(this.path, true); // what is there now: a link or device put in its place meanwhile
    const temp = tempPathFor(this.path);
    try {
      for (const row of this.waiting.splice(0)) this.csv.write(row);
      this.csv.end();
      await finished(this.out);
      await makeDirectory(dirname(this.path));
      await copyFile(join(this.dir, 'log.csv'), temp);
      await rename(temp, this.path);
    } catch (error) {
      await rm(temp, { force: true }).catch(() => undefined);
      throw new OutputError(`cannot write ${this.path}: ${await describeCreateError(error, dirname(this.path))}`);
    } finally {
      await rm(this.dir, { recursive: true, force: true });
    }
  }

  async abort(): Promise<void> {
    this.csv.destroy();
    this.out.destroy();
    await rm(this.dir, { recursive: true, force: true });
  }
}
