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
