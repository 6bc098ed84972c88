/**
 * Finding ffmpeg and ffprobe: an explicit path first, then `FFMPEG_PATH`/`FFPROBE_PATH`, then
 * PATH, then the binaries shipped by `@ffmpeg-installer/ffmpeg` and `@ffprobe-installer/ffprobe`
 * (so `npm install` alone gives a working converter).
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { runChild } from '../util/child-process.js';

export type MediaTool = 'ffmpeg' | 'ffprobe';

export interface ToolLocation {
  tool: MediaTool;
  path: string;
  /** Where it was found: `option`, `env` (FFMPEG_PATH/FFPROBE_PATH), `path` (PATH) or `npm`. */
  source: 'option' | 'env' | 'path' | 'npm';
}

export interface LocateToolOptions {
  /** An explicit path (the `ffmpegPath`/`ffprobePath` option, `--ffmpeg`); must exist. */
  explicit?: string;
  /** Environment to read FFMPEG_PATH / FFPROBE_PATH / PATH from. Default: process.env. */
  env?: Readonly<Record<string, string | undefined>>;
}

/** ffmpeg or ffprobe cannot be found or run. */
export class MediaToolError extends Error {
  override name = 'MediaToolError';
}

const ENV_VAR: Record<MediaTool, string> = { ffmpeg: 'FFMPEG_PATH', ffprobe: 'FFPROBE_PATH' };
const NPM_PACKAGE: Record<MediaTool, string> = { ffmpeg: '@ffmpeg-installer/ffmpeg', ffprobe: '@ffprobe-installer/ffprobe' };

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

async function onPath(name: string, pathVar: string | undefined): Promise<string | undefined> {
  for (const dir of (pathVar ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (await isExecutable(candidate)) return candidate;
  }
  return undefined;
}

async function fromNpm(tool: MediaTool): Promise<string | undefined> {
  try {
    const mod = (await import(NPM_PACKAGE[tool])) as { default?: { path?: string }; path?: string };
    const path = mod.default?.path ?? mod.path;
    return path && (await isExecutable(path)) ? path : undefined;
  } catch {
    return undefined; // not installed, or no binary for this platform
  }
}

/** Find ffmpeg or ffprobe; throws {@link MediaToolError} saying everywhere it looked. */
export async function locateTool(tool: MediaTool, options: LocateToolOptions = {}): Promise<ToolLocation> {
  const env = options.env ?? process.env;
  if (options.explicit !== undefined) {
    if (!(await isExecutable(options.explicit))) throw new MediaToolError(`${tool}: ${options.explicit} is not an executable file`);
    return { tool, path: options.explicit, source: 'option' };
  }
  const fromEnv = env[ENV_VAR[tool]];
  if (fromEnv) {
    if (!(await isExecutable(fromEnv))) throw new MediaToolError(`${tool}: ${ENV_VAR[tool]}=${fromEnv} is not an executable file`);
    return { tool, path: fromEnv, source: 'env' };
  }
  const found = await onPath(tool, env.PATH);
  if (found) return { tool, path: found, source: 'path' };
  const shipped = await fromNpm(tool);
  if (shipped) return { tool, path: shipped, source: 'npm' };
  throw new MediaToolError(`${tool} not found: set ${ENV_VAR[tool]}, put ${tool} on PATH, or install ${NPM_PACKAGE[tool]}`);
}

const versions = new Map<string, Promise<string>>();

/** The first line of `<tool> -version`, e.g. `ffmpeg version 5.1.6-0+deb12u1`; cached per path. */
export function toolVersion(path: string): Promise<string> {
  let version = versions.get(path);
  if (!version) {
    const out: Buffer[] = [];
    version = runChild([path, '-version'], { timeoutMs: 30_000, onStdout: (c) => out.push(c) }).then((r) => {
      if (r.exitCode !== 0) {
        versions.delete(path);
        const why = r.notFound ? 'not found' : r.error ? r.error.message : r.timedOut ? 'timed out' : r.signal ? `killed by ${r.signal}` : `exit code ${String(r.exitCode)}`;
        throw new MediaToolError(`${path} -version failed: ${why}`);
      }
      const first = Buffer.concat(out).toString('utf8').split('\n')[0] ?? '';
      const match = /^(\S+ version \S+)/.exec(first);
      return match ? match[1]! : first.trim();
    });
    versions.set(path, version);
  }
  return version;
}
