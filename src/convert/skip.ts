/** @internal Is a recorded conversion still current: same source, same rule, output present and unchanged? */
import { stat } from 'node:fs/promises';
import { sha256File } from './digest.js';
import type { PlannedConversion } from './plan.js';
import type { ConversionResult } from './results.js';

export async function isConversionCurrent(previous: ConversionResult | undefined, planned: PlannedConversion, sourceSha256: string, signal?: AbortSignal): Promise<boolean> {
  if (!previous?.success) return false;
  if (previous.source_sha256 !== sourceSha256 || previous.rule_digest !== planned.ruleDigest || previous.output !== planned.output) return false;
  if (typeof previous.output_size !== 'number' || typeof previous.output_sha256 !== 'string') return false;
  const info = await stat(planned.output).catch(() => undefined);
  if (!info?.isFile() || info.size !== previous.output_size) return false;
  return (await sha256File(planned.output, info.size, signal)) === previous.output_sha256;
}
