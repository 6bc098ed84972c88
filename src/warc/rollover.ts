/**
 * The file sink of `writeWarc`: one WARC, or with `maxSize` numbered parts (site-00000.warc.gz,
 * site-00001.warc.gz…) as browsertrix-crawler's `rolloverSize` makes them. A record is never
 * split, and the records planned for one input file (its resource, revisit, conversions,
 * characterization and youtube-dl metadata) always share a part; each part starts with its own
 * warcinfo. Every part is locked and written under a temporary name (or appended to in place
 * with a way back) and all are moved into place together at the end: a failed or interrupted
 * run leaves no part, as a single WARC is all or nothing. `cdxj` indexes each part beside it.
 */
import { readdir, rm, stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { type AtomicFile, OutputError, OutputExistsError } from '../util/atomic.js';
import type { NormalizedWarcOptions, WriteWarcOptions } from './options.js';
import { openWarcOutput } from './output.js';
import { indexPathOf, partNumber, partPath } from './part-names.js';
import { payloadSize } from './payload.js';
import type { cdxjLineOf } from './record-index.js';
import { headPrefix } from './records.js';
import { type WarcRecordInput, WarcWriter, type WarcWriterOptions, type WrittenRecord } from './writer.js';

/** A WARC file a run wrote to. */
export interface WarcPart {
  path: string;
  /** Records this run wrote to it. */
  records: number;
  /** Bytes this run added to it. */
  bytes: number;
  /** Its CDXJ index (`cdxj`), when written. */
  index?: string;
}

/** What the parts need from `writeWarc`: its options, writer settings, and where warnings and records go. */
export interface PartsSettings {
  opts: NormalizedWarcOptions;
  options: Pick<WriteWarcOptions, 'fsync'>;
  writer: Omit<WarcWriterOptions, 'name' | 'onRecord'>;
  onRecord: (record: WrittenRecord, input: WarcRecordInput) => void;
  warn: (message: string) => void;
  /** The record IDs and clock of the plan, for the warcinfo record of each new part. */
  makeId: () => string;
  now: () => Date;
}

/** Bytes a record can take in the WARC at most (its head, payload, and gzip's worst case), known before it is written. */
export function recordBound(input: WarcRecordInput, version: NormalizedWarcOptions['warcVersion']): number {
  const payload = payloadSize(input.payload);
  return headPrefix(input.head, version).length + 512 + payload + Math.ceil(payload / 1024) + 64;
}

/** One WARC being written: its file, its writer, and its index lines. */
class Part {
  records = 0;
  /** Input files placed in it (a part with none takes the next whatever its size). */
  groups = 0;
  /** Its warcinfo record is written (rolling over: before its first input file). */
  hasInfo = false;
  /** Bound of the records queued but not yet written. */
  private pending = 0;
  readonly lines: string[] = [];
  /** Payload digests as written, for the index lines of revisits (their record is in the same part). */
  private readonly digests = new WeakMap<WarcRecordInput, string | undefined>();

  constructor(
    readonly file: AtomicFile,
    readonly writer: WarcWriter,
  ) {}

  get path(): string {
    return this.file.path;
  }

  /** The part's size once what is queued is written, at most. */
  bound(): number {
    return this.writer.offset + this.pending;
  }

  /** Queue a record; a promise only when the writer has no room for it yet. */
  add(input: WarcRecordInput, bound: number): Promise<void> | undefined {
    this.pending += bound;
    const queued = this.writer.addNow(input);
    if (queued) return this.queued(queued, bound);
    return this.writer.add(input).then((later) => this.queued(later, bound));
  }

  private queued(queued: { readonly written: Promise<WrittenRecord | undefined> }, bound: number): undefined {
    // Only when rolling over (one WARC takes no bounds): a promise per record.
    if (bound !== 0) {
      const { written } = queued;
      written.then(
        () => (this.pending -= bound),
        () => undefined,
      );
    }
    return undefined;
  }

  /** The record is written: count it and index it. */
  written(record: WrittenRecord, input: WarcRecordInput, opts: Pick<NormalizedWarcOptions, 'gzip'>, lineOf: typeof cdxjLineOf | undefined): void {
    this.records++;
    // Payload digests are kept only for the index lines of revisits.
    if (!lineOf) return;
    const digest = input.revisitOf ? this.digests.get(input.revisitOf) : record.digests.payload;
    if (input.payloadDigest) this.digests.set(input, digest);
    const line = lineOf(record, digest, basename(this.path), opts.gzip);
    if (line !== undefined) this.lines.push(line);
  }

  /** Wait until every record queued is written, so `bound()` is the exact size. */
  async settle(): Promise<void> {
    await this.writer.settled();
  }
}

/** The existing parts of the WARC at `warcPath`, by number. */
async function existingParts(warcPath: string): Promise<number[]> {
  const names = await readdir(dirname(warcPath)).catch(() => [] as string[]);
  const numbers = names.map((name) => partNumber(name, basename(warcPath))).filter((n): n is number => n !== undefined);
  return numbers.sort((a, b) => a - b);
}

export class WarcParts {
  private readonly parts: Part[] = [];
  /** The records of the input file being gathered, to place them in one part. */
  private group: WarcRecordInput[] = [];
  private warcinfo: WarcRecordInput | undefined;
  private next = 0;
  /** Parts of an earlier run beyond this run's (overwrite), removed once this run's are in place. */
  private stale: number[] = [];
  /** `cdxj`: the index line maker (loaded only then: warcio.js costs start-up time). */
  private lineOf: typeof cdxjLineOf | undefined;

  private constructor(private readonly settings: PartsSettings) {}

  /** Lock and open the first WARC this run writes (before any input is read, so a second run fails at once). */
  static async open(settings: PartsSettings): Promise<WarcParts> {
    const parts = new WarcParts(settings);
    const { path, mode, maxSize } = settings.opts;
    if (settings.opts.cdxj) parts.lineOf = (await import('./record-index.js')).cdxjLineOf;
    if (maxSize === undefined) await parts.openPart(path, mode);
    else await parts.openFirstPart(path, mode, maxSize);
    return parts;
  }

  /** Rolling over: existing parts are refused (create), replaced (overwrite), or the last appended to unless full (append). */
  private async openFirstPart(path: string, mode: NormalizedWarcOptions['mode'], maxSize: number): Promise<void> {
    const existing = await existingParts(path);
    const last = existing.at(-1);
    if (mode === 'create' && last !== undefined) {
      const more = existing.length > 1 ? `so do ${existing.length - 1} more part(s) of that name, to ${basename(partPath(path, last))}; ` : '';
      throw new OutputExistsError(partPath(path, existing[0]!), `${more}use -o/--overwrite to replace the parts, or -a/--append to add to the last one`);
    }
    if (mode === 'overwrite') this.stale = existing;
    const appendTo = mode === 'append' && last !== undefined && (await stat(partPath(path, last))).size < maxSize ? last : undefined;
    this.next = appendTo ?? (mode === 'append' && last !== undefined ? last + 1 : 0);
    await this.openPart(partPath(path, this.next++), appendTo !== undefined ? 'append' : mode === 'overwrite' ? 'overwrite' : 'create');
  }

  private get current(): Part {
    return this.parts.at(-1)!;
  }

  private async openPart(path: string, mode: NormalizedWarcOptions['mode']): Promise<Part> {
    const { opts, options, writer, warn } = this.settings;
    const file = await openWarcOutput({ ...opts, path, mode }, options, warn);
    const part = new Part(
      file,
      new WarcWriter(file.handle, file.startOffset, {
        ...writer,
        name: path,
        onRecord: (record, input) => {
          part.written(record, input, opts, this.lineOf);
          this.settings.onRecord(record, input);
        },
      }),
    );
    // An appended part already holds records: the size rule applies to it from the start.
    if (file.startOffset > 0) part.groups = 1;
    this.parts.push(part);
    return part;
  }

  /**
   * Add the plan's next record (`fileStart`: the first of an input file's records); a promise to
   * wait for when it could not be queued at once.
   */
  add(input: WarcRecordInput, fileStart: boolean): Promise<void> | undefined {
    // One WARC: straight to the writer, without a promise while it has room (the usual case).
    if (this.settings.opts.maxSize === undefined) return this.current.add(input, 0);
    return this.addRolling(input, fileStart);
  }

  private async addRolling(input: WarcRecordInput, fileStart: boolean): Promise<void> {
    if (input.head.type === 'warcinfo' && !fileStart && this.parts.length === 1 && this.current.records === 0 && !this.warcinfo) {
      // Written before each part's first input file (see place), naming that part.
      this.warcinfo = input;
      return;
    }
    if (fileStart && this.group.length) await this.place(this.group.splice(0));
    this.group.push(input);
  }

  private async write(part: Part, input: WarcRecordInput): Promise<void> {
    await part.add(input, recordBound(input, this.settings.opts.warcVersion));
  }

  /** Put one input file's records in the current part, or in a new one if they would take it past `maxSize`. */
  private async place(group: WarcRecordInput[]): Promise<void> {
    const { maxSize, warcVersion } = this.settings.opts;
    const bound = group.reduce((n, input) => n + recordBound(input, warcVersion), 0);
    let part = this.current;
    if (part.groups > 0 && part.bound() + bound > maxSize!) {
      // Near the limit: decide on the exact size.
      await part.settle();
      if (part.writer.offset + bound > maxSize!) part = await this.rollOver();
    }
    part.groups++;
    await this.writeInfo(part);
    for (const input of group) await this.write(part, input);
  }

  /** The part's warcinfo, once: the plan's first, then a copy with its own record ID, date and WARC-Filename. */
  private async writeInfo(part: Part): Promise<void> {
    if (part.hasInfo || !this.warcinfo) return;
    part.hasInfo = true;
    const { head } = this.warcinfo;
    const first = this.parts.every((p) => !p.hasInfo || p === part);
    const own = first ? {} : { recordId: this.settings.makeId(), date: this.settings.now() };
    await this.write(part, { ...this.warcinfo, head: { ...head, ...own, filename: basename(part.path) } });
  }

  /** Finish writing the current part (it stays under its temporary name) and start the next, with its own warcinfo. */
  private async rollOver(): Promise<Part> {
    await this.current.writer.flush();
    const path = partPath(this.settings.opts.path, this.next++);
    return this.openPart(path, this.settings.opts.mode === 'overwrite' ? 'overwrite' : 'create');
  }

  /** Write what is gathered and wait for every record. */
  async flush(): Promise<void> {
    if (this.group.length) await this.place(this.group.splice(0));
    // No input file at all: a new WARC still gets its warcinfo, as a single WARC does.
    if (this.current.file.startOffset === 0) await this.writeInfo(this.current);
    // Earlier parts were flushed as the run rolled over from them.
    await this.current.writer.flush();
  }

  /**
   * Move every part into place (in order), then write their indexes. A part that cannot be
   * moved stops the rest, which are removed; the error names those already in place.
   */
  async commit(): Promise<{ parts: WarcPart[]; indexError?: string }> {
    // Every part on disk first (fsync), so that moving them into place takes milliseconds for the whole set.
    if (this.settings.options.fsync) for (const part of this.parts) await part.file.handle.sync();
    const placed: string[] = [];
    for (const [i, part] of this.parts.entries()) {
      try {
        await part.file.commit();
      } catch (error) {
        for (const rest of this.parts.slice(i + 1)) await rest.file.abort();
        if (!placed.length) throw error;
        throw new OutputError(`${(error as Error).message}; parts already in place: ${placed.join(', ')}`, { cause: error });
      }
      placed.push(part.path);
    }
    await this.removeStale();
    const parts: WarcPart[] = this.parts.map((part) => ({ path: part.path, records: part.records, bytes: part.writer.offset - part.file.startOffset }));
    if (!this.settings.opts.cdxj) return { parts };
    // The WARCs are in place: an index that cannot be written is reported, and the others still written.
    const failed: string[] = [];
    const { indexWarcBytes, writeIndexFile } = await import('./index-file.js');
    for (const [i, part] of this.parts.entries()) {
      try {
        const earlier = await indexWarcBytes(part.path, part.file.startOffset);
        await writeIndexFile(indexPathOf(part.path), [...earlier, ...part.lines]);
        parts[i]!.index = indexPathOf(part.path);
      } catch (error) {
        failed.push((error as Error).message);
      }
    }
    return failed.length ? { parts, indexError: failed.join('; ') } : { parts };
  }

  /** With overwrite: an earlier run's parts numbered past this run's would mix two runs in one set. */
  private async removeStale(): Promise<void> {
    for (const n of this.stale.filter((n) => n >= this.next)) {
      const path = partPath(this.settings.opts.path, n);
      try {
        await rm(path, { force: true });
        await rm(indexPathOf(path), { force: true });
        this.settings.warn(`removed ${path}, a part of an earlier run past this run's last part (-o replaces the whole set)`);
      } catch (error) {
        this.settings.warn(`${path}: not removed (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): it is not a part of this run's set`);
      }
    }
  }

  /** Stop: every part is removed (or, appended to, put back as it was). */
  async abort(): Promise<void> {
    for (const part of this.parts) await part.writer.close();
    for (const part of this.parts) await part.file.abort();
  }
}
