/**
 * @internal A dry run lists the commands that would run. Sources whose rules depend on what
 * they are are sniffed and probed (read only) to choose; nothing is converted or written.
 */
import { resolve } from 'node:path';
import pLimit from 'p-limit';
import type { FileEntry } from '../inputs/entry.js';
import type { RuleSet } from '../rules/schema.js';
import type { ConversionOutcome, ConvertResult } from './convert.js';
import { ruleDigest, type PlannedConversion } from './plan.js';
import { isMediaRule, isSelected, selectedKeys } from './policy.js';
import { argvFor } from './run.js';
import { type GatheredFacts, gatherFacts, probeValues } from './source-facts.js';

/** What the dry run needs of a source. */
export interface DrySource {
  entry: FileEntry;
  items: PlannedConversion[];
  needs: { sniff: boolean; probe: boolean };
}

/** Where the run would write, and with which tools. */
export interface DryRunContext {
  outputDir: string;
  /** Unless the run writes none. */
  resultsFile?: string;
  tools: { ffmpeg?: string; ffprobe?: string };
  ffprobe?: string;
  jobs: number;
  signal?: AbortSignal;
}

/** The commands a run would run, and the sources that are not media. */
export async function dryRunPlan(plan: readonly PlannedConversion[], sources: ReadonlyMap<FileEntry, DrySource>, ruleSet: RuleSet, ctx: DryRunContext): Promise<ConvertResult> {
  const limit = pLimit(ctx.jobs);
  const chosen = new Map<FileEntry, { facts?: GatheredFacts; selected?: Set<string> }>();
  await Promise.all(
    [...sources.values()].map((state) =>
      limit(async () => {
        const path = state.entry.filePath ? resolve(state.entry.filePath) : undefined;
        if (!path || (!state.needs.probe && !state.needs.sniff)) return;
        const facts = await gatherFacts({ inputPath: path, sha256: '', ...state.needs, ...(ctx.ffprobe ? { ffprobe: ctx.ffprobe } : {}), ...(ctx.signal ? { signal: ctx.signal } : {}) });
        const conditional = state.items.some((p) => p.conditional);
        chosen.set(state.entry, { facts, ...(conditional ? { selected: selectedKeys(ruleSet, state.items, facts, ruleDigest) } : {}) });
      }),
    ),
  );
  const conversions: ConversionOutcome[] = [];
  for (const p of plan) {
    const known = chosen.get(p.source);
    if (known?.selected && !isSelected(known.selected, p)) continue;
    const base = { source: p.source.url, sourcePath: p.source.path, rule: p.rule.name, url: p.url, output: p.output };
    if (known?.facts?.notMedia && isMediaRule(p.rule)) {
      if (!conversions.some((c) => c.status === 'not-media' && c.sourcePath === p.source.path)) conversions.push({ ...base, rule: '', url: p.source.url, output: '', status: 'not-media', argv: [] });
      continue;
    }
    const values = { ...probeValues(known?.facts?.media), ...(ruleSet.dir ? { rules_dir: ruleSet.dir } : {}) };
    let argv: string[] = [];
    try {
      argv = argvFor(p, resolve(p.source.filePath ?? p.source.path), p.output, ctx.tools, values);
    } catch {
      argv = []; // a placeholder without a value: the run would record that failure
    }
    conversions.push({ ...base, status: 'planned', argv });
  }
  const files = new Set(conversions.map((c) => c.sourcePath)).size;
  return { outputDir: ctx.outputDir, ...(ctx.resultsFile !== undefined ? { resultsFile: ctx.resultsFile } : {}), dryRun: true, files, converted: 0, skipped: 0, failed: 0, notMedia: conversions.filter((c) => c.status === 'not-media').length, conversions, failures: [], unwrittenSidecars: [] };
}

