/**
 * `--log` must never land on another file of the same run: the log is moved into place last, so
 * a log path naming a file to archive (warcit replaces it), the WARC, its index, the mapfile,
 * the results file, the manifest or a conversion output would replace that file with a CSV
 * after the run had done its work.
 */
import { realpath, stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import type { EntryInput } from '../inputs/entry.js';
import { inputHolding } from '../inputs/overlap.js';
import { OutputError } from '../util/atomic.js';
import { isInside } from '../util/path-inside.js';
import { realPaths } from '../util/real-paths.js';
import { isOwnFileName, isOwnWarcName } from './own-files.js';
import { indexPathOf, partNameWithin } from './part-names.js';
import type { PlanSources } from './plan-sources.js';

/** The files of a run that a log could land on. */
export interface RunFiles {
  inputs: ReadonlyArray<string | EntryInput>;
  warcPath: string | undefined;
  rollover: boolean | undefined;
  mapfile: string | undefined;
  /** The conversions' results file, when given as a path. */
  results: string | undefined;
  manifest: string | undefined;
  sources: PlanSources;
}

/** What of the WARC's own files `name` is (in the WARC's directory), if any. */
function warcFileKind(name: string, warcName: string, rollover: boolean): string | undefined {
  if (!isOwnFileName(name, warcName, rollover)) return undefined;
  if (isOwnWarcName(name, warcName, rollover)) return rollover && name !== warcName ? 'a part of the WARC this run writes' : 'the WARC this run writes';
  const warc = rollover ? (partNameWithin(name, warcName) ?? warcName) : warcName;
  return name === basename(indexPathOf(warc)) ? 'the index of the WARC this run writes' : 'kept beside the WARC this run writes';
}

/** Every file the conversions' results name: outputs and characterization sidecars. */
function conversionPaths(sources: PlanSources): string[] {
  const paths: string[] = [];
  for (const list of Object.values(sources.conversions?.results.conversions ?? {})) {
    for (const r of list) {
      if (typeof r.output === 'string') paths.push(r.output);
      if (typeof r.characterization === 'string') paths.push(r.characterization);
    }
  }
  return paths;
}

/** What the log at `log` would replace, or undefined. */
export async function logClash(log: string, run: RunFiles): Promise<string | undefined> {
  const realPath = realPaths();
  const target = await realPath(log);
  // An existing file among the inputs, named as given or through a link (`lnk/site/f1.bin` with `lnk -> .`).
  const paths = run.inputs.filter((input): input is string => typeof input === 'string');
  const realInputs = await Promise.all(paths.map(async (input) => realpath(input).catch(() => resolve(input))));
  const input = inputHolding(log, run.inputs) ?? paths.find((_, k) => isInside(realInputs[k]!, target));
  if (input !== undefined && (await stat(log).then((info) => info.isFile(), () => false))) return `one of the files to archive (input ${input})`;
  if (run.warcPath !== undefined) {
    const warc = await realPath(run.warcPath);
    const kind = dirname(target) === dirname(warc) ? warcFileKind(basename(target), basename(warc), run.rollover ?? false) : undefined;
    if (kind) return kind;
  }
  const named: Array<[string | undefined, string]> = [
    [run.mapfile, 'the mapfile of this run'],
    [run.results, "the results file of this run's conversions"],
    [run.results === undefined ? undefined : `${run.results}.journal`, "the journal of this run's conversions"],
    [run.manifest, 'the transclusion manifest of this run'],
  ];
  for (const [path, what] of named) if (path !== undefined && (await realPath(path)) === target) return what;
  for (const path of conversionPaths(run.sources)) if ((await realPath(path)) === target) return "a file of this run's conversions";
  return undefined;
}

/** Refuse a log path that is another file of the run (see {@link logClash}). */
export async function refuseLogClash(log: string, run: RunFiles): Promise<void> {
  const what = await logClash(log, run);
  if (what) throw new OutputError(`${log} is ${what}: refusing to replace it with the log; give the log another path`);
}
