/**
 * @internal `warckit-convert --manifest`: the last run's fixity manifests are checked before
 * anything runs (every file they list: missing or changed is reported), and rewritten at the
 * end for this run's sources and outputs (files from earlier runs keep their lines).
 */
import type { Logger } from '../util/logger.js';
import { checkManifests, hashesFor, type ManifestCheck, manifestPaths, writeManifests } from '../verify/fixity-files.js';
import type { FixityProblem, UnlistedFile } from '../verify/fixity-files.js';

/** What `--manifest` found and wrote. */
export interface FixityReport {
  /** Files the last run's manifests list, checked now. */
  checked: number;
  /** Those missing or changed since. */
  problems: FixityProblem[];
  /** The manifests written (md5 and sha256). */
  manifests: { md5: string; sha256: string };
  /** This run's sources and outputs the manifests could not list, and why. */
  unlisted: UnlistedFile[];
}

export async function checkFixity(outputDir: string, logger: Logger, signal?: AbortSignal): Promise<ManifestCheck> {
  const paths = manifestPaths(outputDir);
  const check = await checkManifests([paths.md5, paths.sha256], signal);
  for (const p of check.problems) logger.error(`fixity: ${p.detail}`);
  if (check.checked) logger.info(`fixity: ${check.checked} file(s) checked against ${paths.md5} and ${paths.sha256}: ${check.problems.length ? `${check.problems.length} problem(s)` : 'all as recorded'}`);
  return check;
}

/** Write the manifests for `files`; `unnamed`: this run's files they cannot name (said so, as those found gone). */
export async function recordFixity(outputDir: string, check: ManifestCheck, files: Iterable<string>, unnamed: readonly UnlistedFile[], logger: Logger, signal?: AbortSignal): Promise<FixityReport> {
  const manifests = manifestPaths(outputDir);
  const { hashes, unlisted: gone } = await hashesFor(files, check.hashes, signal);
  await writeManifests(manifests, hashes, check.listed);
  const unlisted = [...unnamed, ...gone];
  for (const u of unlisted) logger.error(`fixity: ${u.path}: not listed in the manifests: ${u.reason}`);
  return { checked: check.checked, problems: check.problems, manifests, unlisted };
}
