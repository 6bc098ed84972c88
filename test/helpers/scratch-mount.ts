/**
 * Runs a command on a small tmpfs of its own (full disk, read-only file system) inside a user
 * and mount namespace (`unshare -rm`), so tests need no root and leave no mount behind.
 * As a script (inside the namespace): mounts, prepares, runs the command, prints a JSON report.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ScratchSpec {
  /** Directory to mount the tmpfs on (created). */
  mountPoint: string;
  sizeKb: number;
  /** Files to create on it first (relative path → content, or a number of bytes). */
  files?: Record<string, string | number>;
  /** Fill the file system up to this many KB free. */
  leaveFreeKb?: number;
  readOnly?: boolean;
  argv: string[];
  cwd: string;
  env?: Record<string, string>;
}

export interface ScratchReport {
  code: number | null;
  stderr: string;
  /** Names on the tmpfs after the command, at its top level. */
  after: string[];
  /** Every file below the tmpfs after the command (relative paths), with its size. */
  files: Record<string, number>;
}

/** Whether user+mount namespaces can be made here (else the tests that need them skip). */
export function scratchMountsAvailable(): boolean {
  const r = spawnSync('unshare', ['-rm', 'mount', '-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', '/mnt'], { stdio: 'ignore' });
  return r.status === 0;
}

export function runOnScratchMount(spec: ScratchSpec): ScratchReport {
  const r = spawnSync('unshare', ['-rm', process.execPath, fileURLToPath(import.meta.url)], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, WARCKIT_SCRATCH_SPEC: JSON.stringify(spec) },
  });
  if (r.status !== 0) throw new Error(`scratch mount failed: ${r.error?.message ?? r.stderr}`);
  return JSON.parse(r.stdout) as ScratchReport;
}

function inside(spec: ScratchSpec): ScratchReport {
  mkdirSync(spec.mountPoint, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${spec.sizeKb}k`, 'tmpfs', spec.mountPoint]);
  for (const [rel, content] of Object.entries(spec.files ?? {})) {
    mkdirSync(join(spec.mountPoint, rel, '..'), { recursive: true });
    writeFileSync(join(spec.mountPoint, rel), typeof content === 'number' ? Buffer.alloc(content, 'x') : content);
  }
  if (spec.leaveFreeKb !== undefined) {
    const free = Number(execFileSync('df', ['--output=avail', '-k', spec.mountPoint], { encoding: 'utf8' }).trim().split('\n')[1]);
    if (free > spec.leaveFreeKb) writeFileSync(join(spec.mountPoint, 'filler'), Buffer.alloc((free - spec.leaveFreeKb) * 1024));
  }
  if (spec.readOnly) execFileSync('mount', ['-o', 'remount,ro', spec.mountPoint]);
  const run = spawnSync(spec.argv[0]!, spec.argv.slice(1), { cwd: spec.cwd, encoding: 'utf8', env: { ...process.env, ...spec.env } });
  const files: Record<string, number> = {};
  for (const rel of readdirSync(spec.mountPoint, { recursive: true, encoding: 'utf8' }).sort()) {
    const info = statSync(join(spec.mountPoint, rel));
    if (info.isFile()) files[rel] = info.size;
  }
  return { code: run.status, stderr: run.stderr, after: readdirSync(spec.mountPoint).sort(), files };
}

// Only as the script run inside the namespace (the test runner also loads this file on its own).
const asScript = process.env.WARCKIT_SCRATCH_SPEC;
if (asScript && process.argv[1] === fileURLToPath(import.meta.url)) {
  delete process.env.WARCKIT_SCRATCH_SPEC;
  process.stdout.write(JSON.stringify(inside(JSON.parse(asScript) as ScratchSpec)));
}
