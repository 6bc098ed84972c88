/**
 * Whether browsers play a media format, by its MIME type or, without one, its file name: what a
 * <video>/<audio> put in at replay can use. MIDI, FLV, RealMedia, WMV, AVI and MKV (FFV1) play in
 * none; MP4/H.264, WebM, Ogg, MP3, AAC, WAV and FLAC play in all current browsers.
 */
const PLAYABLE_TYPES = new Set([
  'video/mp4',
  'video/webm',
  'video/ogg',
  'audio/mp4',
  'audio/mpeg',
  'audio/mp3',
  'audio/aac',
  'audio/ogg',
  'audio/webm',
  'audio/wav',
  'audio/wave',
  'audio/x-wav',
  'audio/flac',
  'audio/x-flac',
]);
const PLAYABLE_EXTENSIONS = new Set(['mp4', 'm4v', 'm4a', 'webm', 'ogv', 'ogg', 'oga', 'opus', 'mp3', 'aac', 'wav', 'flac']);

export function playsInBrowsers(contentType: string | undefined, url: string): boolean {
  const type = contentType?.split(';')[0]!.trim().toLowerCase();
  if (type) return PLAYABLE_TYPES.has(type);
  const ext = /\.([a-z0-9]+)$/i.exec(url.replace(/[?#].*$/, ''))?.[1]?.toLowerCase();
  return ext !== undefined && PLAYABLE_EXTENSIONS.has(ext);
}
