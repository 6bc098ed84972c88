/** A one-line progress bar on a TTY (files done/total, bytes, current file); nothing otherwise. */
import { createRequire } from 'node:module';
import type { CliIO } from './io.js';

export interface ProgressDisplay {
  update(done: number, total: number, payload: { bytes?: string; current?: string }): void;
  stop(): void;
}

const none: ProgressDisplay = { update: () => undefined, stop: () => undefined };

export function humanBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

export function createProgress(io: CliIO, enabled: boolean, label: string): ProgressDisplay {
  if (!enabled || !io.isTTY) return none;
  const cliProgress = createRequire(import.meta.url)('cli-progress') as typeof import('cli-progress'); // TTY runs only
  const bar = new cliProgress.SingleBar(
    {
      stream: io.stderr as NodeJS.WriteStream,
      format: `${label} [{bar}] {value}/{total} files | {bytes} | {current}`,
      hideCursor: true,
      clearOnComplete: true,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total, payload) {
      const current = (payload.current ?? '').slice(-50);
      if (!started) {
        bar.start(total, done, { bytes: payload.bytes ?? '', current });
        started = true;
      } else bar.update(done, { bytes: payload.bytes ?? '', current });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
