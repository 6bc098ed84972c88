/**
 * How far an ffmpeg command is: `-progress pipe:1` makes ffmpeg print `key=value` blocks on
 * stdout twice a second (`out_time_us=…`, `progress=continue|end`); the input's length comes
 * from the `Duration:` line it prints on stderr before it starts. Pure parsing, no I/O.
 */

/** The flags that ask for progress, put right after the program (they are global options). */
export const PROGRESS_FLAGS = ['-progress', 'pipe:1'] as const;

/** `argv` with the progress flags, or undefined when it is not an ffmpeg command or uses stdout itself. */
export function withProgressFlags(argv: readonly string[]): string[] | undefined {
  const [program, ...rest] = argv;
  if (program === undefined || !/(^|\/)ffmpeg(\.exe)?$/i.test(program)) return undefined;
  if (rest.some((arg) => arg === '-progress' || arg === '-' || arg === 'pipe:' || arg === 'pipe:1' || arg === '/dev/stdout')) return undefined;
  return [program, ...PROGRESS_FLAGS, ...rest];
}

/** `HH:MM:SS.ss` → seconds. */
function clockSeconds(h: string, m: string, s: string): number {
  return Number(h) * 3600 + Number(m) * 60 + Number(s);
}

export interface FfmpegProgressState {
  /** Seconds of output written. */
  seconds: number;
  /** The input's length, when ffmpeg said it. */
  duration?: number;
  /** 0-1, when the duration is known. */
  fraction?: number;
  done: boolean;
}

/** Reads ffmpeg's progress blocks and Duration line as they come, in any chunking. */
export class FfmpegProgressReader {
  private stdout = '';
  private stderr = '';
  private seconds = 0;
  private duration: number | undefined;
  private done = false;

  /** Progress lines on stdout; true when a block ended (time to tell). */
  pushStdout(chunk: Buffer | string): boolean {
    this.stdout += chunk.toString();
    let updated = false;
    let newline: number;
    while ((newline = this.stdout.indexOf('\n')) >= 0) {
      const line = this.stdout.slice(0, newline).trim();
      this.stdout = this.stdout.slice(newline + 1);
      const eq = line.indexOf('=');
      if (eq < 0) continue;
      const [key, value] = [line.slice(0, eq), line.slice(eq + 1)];
      // out_time_us (out_time_ms is microseconds too, an old misnomer); out_time as a clock.
      if ((key === 'out_time_us' || key === 'out_time_ms') && /^\d+$/.test(value)) this.seconds = Number(value) / 1e6;
      else if (key === 'out_time') {
        const m = /^(-?\d+):(\d\d):(\d\d(?:\.\d+)?)$/.exec(value);
        if (m && !m[1]!.startsWith('-')) this.seconds = clockSeconds(m[1]!, m[2]!, m[3]!);
      } else if (key === 'progress') {
        if (value === 'end') this.done = true;
        updated = true;
      }
    }
    return updated;
  }

  /** stderr, for the first input's Duration (only the start is looked at). */
  pushStderr(chunk: Buffer | string): void {
    if (this.duration !== undefined || this.stderr.length > 64 * 1024) return;
    this.stderr += chunk.toString();
    const m = /Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)/.exec(this.stderr);
    if (m) {
      const duration = clockSeconds(m[1]!, m[2]!, m[3]!);
      if (duration > 0) this.duration = duration;
      this.stderr = '';
    }
  }

  get state(): FfmpegProgressState {
    const state: FfmpegProgressState = { seconds: this.seconds, done: this.done };
    if (this.duration !== undefined) {
      state.duration = this.duration;
      state.fraction = this.done ? 1 : Math.min(1, this.seconds / this.duration);
    }
    return state;
  }
}
