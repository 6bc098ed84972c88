/** Transclusions used by the replay tests. */
import type { Transclusion } from '../../src/replay/records.js';

export const VIDEO: Transclusion = {
  mediaUrl: 'http://e.com/v.flv',
  formats: [
    { url: 'http://e.com/v.flv.png', mime: 'image/png', poster: true },
    { url: 'http://e.com/v.flv.webm', mime: 'video/webm' },
    { url: 'http://e.com/v.flv.mp4', mime: 'video/mp4' },
    { url: 'http://e.com/v.flv.mkv', mime: 'video/x-matroska', skip_as_source: true },
    { url: 'http://e.com/v.flv', mime: 'video/x-flv', original: true },
  ],
};

export const AUDIO: Transclusion = {
  mediaUrl: 'http://e.com/a b.ra',
  formats: [
    { url: 'http://e.com/a%20b.ra.webm', mime: 'audio/webm' },
    { url: 'http://e.com/a%20b.ra.flac', mime: 'audio/flac', skip_as_source: true },
    { url: 'http://e.com/a%20b.ra', mime: 'audio/x-pn-realaudio', original: true },
  ],
};

/** A transclusion of `mediaUrl` with one webm source. */
export function media(mediaUrl: string, selector?: string): Transclusion {
  return { mediaUrl, ...(selector ? { selector } : {}), formats: [{ url: `${mediaUrl}.webm`, mime: 'video/webm' }, { url: mediaUrl, original: true }] };
}
