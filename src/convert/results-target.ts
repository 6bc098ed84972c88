/**
 * The results file must never land on another file of the run: it is written after the
 * conversions, so a `--results` path naming an output, a source, the rules or a sidecar would
 * replace that file with YAML (and the next run would convert again and lose it again).
 */
import { realPaths } from '../util/real-paths.js';
import { SIDECAR_EXT } from './characterization.js';
import { OutputCollisionError, outputPathFor, type PlannedConversion } from './plan.js';

export interface ConvertRunFiles {
  /** The conversions planned (their sources are the run's sources). */
  plan: readonly PlannedConversion[];
  outputDir: string;
  rulesFile: string | undefined;
}

/** What the results file at `resultsFile` (or its journal) would replace, or undefined. */
export async function resultsClash(resultsFile: string, run: ConvertRunFiles): Promise<string | undefined> {
  const real = realPaths();
  const targets = new Set([await real(resultsFile), await real(`${resultsFile}.journal`)]);
  const hits = async (path: string): Promise<boolean> => targets.has(await real(path));
  if (run.rulesFile !== undefined && (await hits(run.rulesFile))) return 'the rules file of this run';
  for (const p of run.plan) if (await hits(p.output)) return `the output of rule ${p.rule.name} for ${p.source.url}`;
  for (const entry of new Set(run.plan.map((p) => p.source))) {
    if (entry.filePath !== undefined && (await hits(entry.filePath))) return `a source of this run (${entry.url})`;
    if (await hits(outputPathFor(entry, SIDECAR_EXT, run.outputDir))) return `the characterization sidecar of ${entry.url}`;
  }
  return undefined;
}

/** Refuse a results path that is another file of the run (see {@link resultsClash}). */
export async function refuseResultsClash(resultsFile: string, run: ConvertRunFiles): Promise<void> {
  const what = await resultsClash(resultsFile, run);
  if (what) throw new OutputCollisionError([`${resultsFile} is ${what}: give the results file another path`]);
}
