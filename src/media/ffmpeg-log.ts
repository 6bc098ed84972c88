/**
 * What ffmpeg's own log says about its first input: it prints every input stream before
 * converting, so a conversion that already ran tells which kinds of streams the source has
 * without another ffprobe process.
 */

export interface LoggedStreams {
  hasVideo: boolean;
  hasAudio: boolean;
}

/** Stream kinds of `Input #0` in an ffmpeg log (its beginning suffices); undefined when the log does not list them. */
export function inputStreamsFromLog(log: string): LoggedStreams | undefined {
  const start = log.search(/^Input #0,/m);
  if (start < 0) return undefined;
  const rest = log.slice(start);
  const end = rest.search(/^(Input #1,|Output #|Stream mapping:)/m);
  const section = end < 0 ? rest : rest.slice(0, end);
  if (end < 0 && !/^Output #|^Stream mapping:|^\[/m.test(rest)) return undefined; // cut short: the list may be incomplete
  const streams = [...section.matchAll(/^\s*Stream #0:\d+\S*: (Video|Audio|Subtitle|Data|Attachment): (.*)$/gm)];
  return {
    hasVideo: streams.some((m) => m[1] === 'Video' && !m[2]!.includes('(attached pic)')),
    hasAudio: streams.some((m) => m[1] === 'Audio'),
  };
}

/**
 * Lines in which ffmpeg says that writing its output failed (4.x to 7.x wordings, with or
 * without a `[muxer @ …]` prefix). ffmpeg 5.1 still exits 0 after the trailer or the final
 * flush fails (a disk that fills up near the end), leaving a cut-off file behind.
 */
const WRITE_FAILURE = /^(?:\[[^\]\n]*\] )?(?:Error writing trailer\b|Error closing file\b|av_interleaved_write_frame\(\): |Error muxing a packet\b)/;
/** A line longer than this is not one of those (a log line of ffmpeg's is far shorter). */
const MAX_LINE = 4096;

/** Watches an ffmpeg stderr as it comes, in any chunking, for the first line saying its output could not be written. */
export class OutputWriteFailureWatch {
  private rest = '';
  private found: string | undefined;
  private readonly decoder = new TextDecoder('utf-8');

  push(chunk: Uint8Array): void {
    if (this.found !== undefined) return;
    const lines = (this.rest + this.decoder.decode(chunk, { stream: true })).split(/[\r\n]/);
    this.rest = lines.pop()!.slice(-MAX_LINE);
    this.found = lines.find((line) => WRITE_FAILURE.test(line));
  }

  /** The line, once the command has ended (its last line may have no newline). */
  failure(): string | undefined {
    if (this.found === undefined && WRITE_FAILURE.test(this.rest)) this.found = this.rest;
    return this.found;
  }
}

/** The last line of a command's log that says something: ffmpeg ends every failure with "Conversion failed!", which does not. */
export function lastTellingLine(log: string): string | undefined {
  return log.split('\n').reverse().find((line) => line.trim() !== '' && line.trim() !== 'Conversion failed!');
}
