/**
 * Inputs that repeat one another: the same path given twice, or a path inside another input
 * (`site site/a.flv`, `site.zip site.zip/www/`). Their files would be archived twice, as
 * warcit does; the run says so. Pure: paths are compared as given, resolved, not looked up.
 */
import { resolve } from 'node:path';
import { isInside } from '../util/path-inside.js';
import type { EntryInput } from './entry.js';

export interface Overlap {
  /** The input that repeats files... */
  input: string;
  /** ...of this one. */
  within: string;
}

/** The warning for an overlap. */
export function overlapWarning({ input, within }: Overlap): string {
  const same = resolve(input) === resolve(within);
  return `${input} ${same ? 'is the same as' : 'is inside'} ${within}, also an input: its files are archived twice`;
}

/** The path input that `path` is, or is inside, if any: an output there would replace a file to archive. */
export function inputHolding(path: string, inputs: ReadonlyArray<string | EntryInput>): string | undefined {
  const full = resolve(path);
  return inputs.find((input): input is string => typeof input === 'string' && isInside(resolve(input), full));
}

/** Each path input that is, or is inside, another path input, with that other one. */
export function overlappingInputs(inputs: ReadonlyArray<string | EntryInput>): Overlap[] {
  const paths = inputs.filter((input): input is string => typeof input === 'string').map((input) => ({ input, full: resolve(input) }));
  const overlaps: Overlap[] = [];
  paths.forEach(({ input, full }, i) => {
    const other = paths.find((p, j) => j !== i && isInside(p.full, full) && (full !== p.full || j < i));
    if (other) overlaps.push({ input, within: other.input });
  });
  return overlaps;
}
