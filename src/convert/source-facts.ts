/**
 * @internal What a source is, learnt once per source before its rules are chosen: its MIME type
 * sniffed from its first bytes and ffprobe's view of it (one run), or both from its
 * characterization sidecar when the source's sha256 is the one recorded there.
 */
import { open } from 'node:fs/promises';
import { mimeFromContent, SNIFF_BYTES } from '../media/mime.js';
import { type MediaInfo, parseProbeJson, ProbeError, probeMedia } from '../media/probe.js';
import { mediaDuration, videoStreams } from '../rules/conditions.js';
import type { SourceFacts } from '../rules/match.js';
import type { Placeholder } from '../rules/template.js';
import { type Characterization, probeJsonValue } from './characterization.js';

export interface GatheredFacts extends SourceFacts {
  /** ffprobe ran (or its recorded answer was reused). */
  probed: boolean;
  /** ffprobe's JSON, parsed, for the sidecar. */
  ffprobe?: unknown;
  toolVersion?: string;
}

export interface GatherFactsInput {
  inputPath: string;
  sha256: string;
  sniff: boolean;
  probe: boolean;
  ffprobe?: string;
  /** The source's sidecar from an earlier run. */
  cached?: Characterization;
  signal?: AbortSignal;
}

async function sniffFile(path: string): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return await mimeFromContent(head.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}

function fromMedia(media: MediaInfo): Pick<GatheredFacts, 'media' | 'notMedia'> {
  return media.hasVideo || media.hasAudio ? { media } : { notMedia: 'not media: ffprobe found no audio or video stream in it' };
}

/** Sniff and probe a source as asked; a file ffprobe cannot read is `notMedia`, not an error. */
export async function gatherFacts(input: GatherFactsInput): Promise<GatheredFacts> {
  const cached = input.cached?.source.sha256 === input.sha256 ? input.cached.source : undefined;
  const facts: GatheredFacts = { probed: false };
  if (input.sniff) facts.mime = cached?.mime ?? (await sniffFile(input.inputPath));
  if (!input.probe || !input.ffprobe) return facts;
  if (cached && (cached.ffprobe !== null || cached.not_media)) {
    facts.probed = true;
    if (cached.tool_version) facts.toolVersion = cached.tool_version;
    if (cached.ffprobe === null) return { ...facts, notMedia: cached.not_media! };
    try {
      const known = fromMedia(parseProbeJson(JSON.stringify(cached.ffprobe), input.inputPath));
      // What was media when it was recorded must still parse as media; else the sidecar was edited: probe again.
      if (known.media || cached.not_media) return { ...facts, ffprobe: cached.ffprobe, ...known };
    } catch {
      // not ffprobe's JSON: probe again below
    }
    facts.probed = false;
  }
  try {
    const media = await probeMedia(input.inputPath, { ffprobePath: input.ffprobe, ...(input.signal ? { signal: input.signal } : {}) });
    return { ...facts, probed: true, ffprobe: probeJsonValue(media.json), ...(media.toolVersion ? { toolVersion: media.toolVersion } : {}), ...fromMedia(media) };
  } catch (error) {
    if (!(error instanceof ProbeError) || input.signal?.aborted) throw error;
    const why = error.stderrTail.split('\n').filter(Boolean).pop() ?? error.message;
    return { ...facts, probed: true, ffprobe: null, notMedia: `not media: ffprobe cannot read it (${why.replace(/^.*?: /, '')})` };
  }
}

function decimal(n: number): string {
  return String(Number(n.toFixed(6)));
}

/** Placeholder values from the probe: `{duration}` and `{middle}` in seconds, the first video stream's `{width}`, `{height}`, `{frame_rate}`. */
export function probeValues(media: MediaInfo | undefined): Partial<Record<Placeholder, string>> {
  if (!media) return {};
  const out: Partial<Record<Placeholder, string>> = {};
  const duration = mediaDuration(media);
  if (duration !== undefined) {
    out.duration = decimal(duration);
    out.middle = decimal(duration / 2);
  }
  const video = videoStreams(media)[0];
  if (video?.width) out.width = String(video.width);
  if (video?.height) out.height = String(video.height);
  if (video?.frameRateText) out.frame_rate = video.frameRateText;
  return out;
}
