/**
 * A one-line progress bar on a TTY (a percentage, counts, throughput, ETA, the current file);
 * nothing when stderr is not a terminal, with -q, or with --json.
 */
import { createRequire } from 'node:module';
import type { CliIO } from './io.js';

export interface ProgressDisplay {
  /** `fraction` of the work done (0-1), and the text after the bar. */
  show(fraction: number, text: string): void;
  stop(): void;
  /** Whether anything is shown (a terminal, not quiet): otherwise a run need not track its progress at all. */
  readonly shown: boolean;
}

const none: ProgressDisplay = { show: () => undefined, stop: () => undefined, shown: false };

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

/** 75 → `1:15`, 3725 → `1:02:05`. */
export function humanDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const [h, m, r] = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60];
  const pad = (n: number): string => String(n).padStart(2, '0');
  return h ? `${h}:${pad(m)}:${pad(r)}` : `${m}:${pad(r)}`;
}

/** Seconds left at the rate so far, once there is a rate to speak of. */
export function etaSeconds(done: number, total: number, elapsedSeconds: number): number | undefined {
  if (done <= 0 || elapsedSeconds < 0.5 || total <= done) return total <= done && done > 0 ? 0 : undefined;
  return ((total - done) * elapsedSeconds) / done;
}

/** The last path segment, for a narrow line. */
export function shortName(path: string): string {
  return path.slice(path.replace(/\/+$/, '').lastIndexOf('/') + 1);
}

export function createProgress(io: CliIO, enabled: boolean, label: string): ProgressDisplay {
  if (!enabled || !io.isTTY) return none;
  const cliProgress = createRequire(import.meta.url)('cli-progress') as typeof import('cli-progress'); // TTY runs only
  const bar = new cliProgress.SingleBar(
    {
      stream: io.stderr as NodeJS.WriteStream,
      format: `${label} [{bar}] {percent} | {text}`,
      hideCursor: true,
      clearOnComplete: true,
      fps: 5,
      barsize: 20,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    shown: true,
    show(fraction, text) {
      const value = Math.round(Math.min(1, Math.max(0, fraction)) * 1000);
      const payload = { text, percent: `${(value / 10).toFixed(value < 1000 ? 1 : 0)}%` };
      if (!started) {
        bar.start(1000, value, payload);
        started = true;
      } else bar.update(value, payload);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
