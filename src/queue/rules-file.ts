/**
 * @internal The rules a queue's jobs name: a file on shared storage (or one of warckit's shipped
 * rule sets, by name, since each worker has its own install), checked by sha256 so a worker
 * never converts by rules that differ from the producer's.
 */
import { createHash } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';
import { parseRules, SHIPPED_RULES_DIR } from '../rules/load.js';
import type { RuleSet } from '../rules/schema.js';
import { readRegularFile } from '../util/regular-file.js';
import type { SourceJobData } from './job.js';

const MAX_RULES_BYTES = 16 * 1024 * 1024;

/** The rules can not be used on the queue (not a file), or differ on this worker. */
export class QueueRulesError extends Error {
  override name = 'QueueRulesError';
}

/** The producer's side: which file, and its digest. */
export async function rulesIdentity(ruleSet: RuleSet): Promise<SourceJobData['rules']> {
  const file = resolve(ruleSet.file);
  let text: Buffer;
  try {
    text = await readRegularFile(file, { maxBytes: MAX_RULES_BYTES });
  } catch (error) {
    throw new QueueRulesError(`with a queue, rules must come from a file the workers can read: ${(error as Error).message}`);
  }
  const sha256 = createHash('sha256').update(text).digest('hex');
  return { file, sha256, ...(dirname(file) === SHIPPED_RULES_DIR ? { shipped: basename(file) } : {}) };
}

const cache = new Map<string, RuleSet>();

/** The worker's side: the named rules, read here, refused unless they are the producer's bytes. */
export async function loadJobRules(rules: SourceJobData['rules']): Promise<RuleSet> {
  const file = rules.shipped ? join(SHIPPED_RULES_DIR, basename(rules.shipped)) : rules.file;
  const key = `${file}\0${rules.sha256}`;
  const known = cache.get(key);
  if (known) return known;
  let text: Buffer;
  try {
    text = await readRegularFile(file, { maxBytes: MAX_RULES_BYTES });
  } catch (error) {
    throw new QueueRulesError(`rules ${file}: ${(error as Error).message} on this worker (is the shared storage mounted at the same path?)`);
  }
  const sha256 = createHash('sha256').update(text).digest('hex');
  if (sha256 !== rules.sha256) {
    throw new QueueRulesError(`rules ${file} differ on this worker (sha256 ${sha256.slice(0, 12)}…, the producer's ${rules.sha256.slice(0, 12)}…)${rules.shipped ? ': run the same warckit version on every machine' : ''}`);
  }
  const ruleSet = parseRules(text.toString('utf8'), file);
  cache.set(key, ruleSet);
  return ruleSet;
}
