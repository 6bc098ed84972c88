/** "did you mean …?" for a misspelt key: the closest known key by edit distance, or one it is the start of. */
import leven from 'leven';

export function closestKey(key: string, known: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = leven(lower, candidate);
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  if (bestDistance <= Math.max(2, Math.floor(key.length / 3))) return best;
  return lower.length >= 4 ? known.find((k) => k.startsWith(lower)) : undefined;
}

/** `unknown key (did you mean mime?)`, or the list of known keys when none is close. */
export function unknownKeyMessage(key: string, known: readonly string[], extra = ''): string {
  const near = closestKey(key, known);
  return near ? `unknown key (did you mean ${near}?)` : `unknown key (expected one of ${known.join(', ')}${extra})`;
}
