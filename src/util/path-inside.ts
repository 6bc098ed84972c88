/** Whether a path is a directory or inside it, by name (no links followed). */
import { isAbsolute, relative, sep } from 'node:path';

/** Whether `path` is `root` or inside it. */
export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}
