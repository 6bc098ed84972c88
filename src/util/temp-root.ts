/**
 * Where temporary files go: the OS temp directory (TMPDIR) as an absolute path. A relative TMPDIR
 * would hand tools relative paths (ffmpeg reads `tmp:rel/a.flv` as the protocol `tmp:`) that
 * also break when a run changes directory.
 */
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';

export function tempRoot(): string {
  return resolve(tmpdir());
}
