/**
 * Files shipped in the package (package.json, `rules/`, `dist/client/`), found from wherever
 * this module was loaded: `dist/src` when used as a library, `dist/cli` in the bundled CLIs.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/** The package's directory: the nearest one above this module holding a package.json. */
export function packageRoot(): string {
  if (root !== undefined) return root;
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start, up = 0; up < 4; dir = dirname(dir), up++) {
    if (existsSync(join(dir, 'package.json'))) return (root = dir);
  }
  throw new Error(`warckit's package.json not found above ${start}: is the package installed whole?`);
}

/** A path inside the package, e.g. `packagePath('rules', 'default-conversion-rules.yaml')`. */
export function packagePath(...segments: string[]): string {
  return join(packageRoot(), ...segments);
}
