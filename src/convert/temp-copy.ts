/**
 * @internal Copies of ZIP members in the system temp dir (ffmpeg needs a seekable file): a copy
 * that cannot be made is the temp dir's problem (full, read-only), and says so, not "cannot read".
 */
import { describeWriteError } from '../util/write-errors.js';
import { tempRoot } from '../util/temp-root.js';

const WRITE_SIDE = new Set(['open', 'write', 'mkdtemp', 'mkdir']);

export class TempCopyError extends Error {
  override name = 'TempCopyError';
  constructor(cause: unknown) {
    super(`cannot copy it out of the ZIP file to a temporary file in ${tempRoot()}: ${describeWriteError(cause)}`, { cause });
  }
}

/** Whether a failed copy failed on its writing side (the temp file), not on reading the member. */
export function isTempSideError(error: unknown): boolean {
  return WRITE_SIDE.has((error as NodeJS.ErrnoException).syscall ?? '');
}

/** Run a step that makes temp dirs or files; its errors become {@link TempCopyError}. */
export async function tempCopyStep<T>(step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    throw new TempCopyError(error);
  }
}
