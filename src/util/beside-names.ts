/**
 * Names of the files kept beside an output while it is written: its partial
 * (`.<name>.partial-<pid>-<hex>[.<ext>]`, renamed into place when complete), its lock
 * (`<name>.lock`) and its append marker (`<name>.appending`). A name near the file system's
 * limit would make those too long (a 241-byte output name fits; its partial's 270 bytes do
 * not), so then the name in them is cut, with a hash of the whole so that two outputs never
 * share one. The same output always gets the same names: a later run finds what an earlier
 * one left. Conversion outputs and sidecars whose own names would be too long are cut the
 * same way ({@link fittedName}).
 */
import { createHash } from 'node:crypto';

/** The longest file name (in bytes) the usual Linux file systems take: ext4, XFS, Btrfs, tmpfs. */
export const NAME_MAX = 255;

/** Room kept after a partial's prefix for `<pid>-<8 hex>.<ext>` (pid up to 7 digits, an extension up to 20 bytes). */
const PARTIAL_ROOM = 37;
/** Room kept after a lock's name for `.break-<16 hex>` (a stale lock being broken). */
const LOCK_ROOM = 23;

/** The first `max` bytes of `text`, never cutting a character in two. */
function firstBytes(text: string, max: number): string {
  let out = '';
  let size = 0;
  for (const ch of text) {
    size += Buffer.byteLength(ch);
    if (size > max) break;
    out += ch;
  }
  return out;
}

/**
 * `<name><suffix>` when it leaves `room` bytes to spare under {@link NAME_MAX}, else
 * `<start of name>~<8 hex of its hash><suffix>`.
 */
function besideName(name: string, suffix: string, room = 0): string {
  const whole = `${name}${suffix}`;
  if (Buffer.byteLength(whole) + room <= NAME_MAX) return whole;
  const tag = `~${createHash('sha256').update(name).digest('hex').slice(0, 8)}`;
  return `${firstBytes(name, NAME_MAX - room - Buffer.byteLength(tag + suffix))}${tag}${suffix}`;
}

/** What the names of `finalName`'s partials start with: `.<finalName>.partial-` (cut when too long). */
export function partialPrefix(finalName: string): string {
  return besideName(`.${finalName}`, '.partial-', PARTIAL_ROOM);
}

/** The name of `finalName`'s lock: `<finalName>.lock` (cut when too long; room kept for `.break-<token>` beside it). */
export function lockName(finalName: string): string {
  return besideName(finalName, '.lock', LOCK_ROOM);
}

/** The name of `finalName`'s append marker: `<finalName>.appending` (cut when too long; room kept for `.<pid>`, its temporary name). */
export function markerName(finalName: string): string {
  return besideName(finalName, '.appending', 8);
}

/**
 * `<stem><suffix>`, or when that is longer than a file system takes, the stem cut and tagged
 * with its hash (`<start>~<8 hex><suffix>`): an output of a source whose name is near the limit
 * (`<250-byte name>.flv.webm`) is still written, under a name its results file records.
 */
export function fittedName(stem: string, suffix: string): string {
  return besideName(stem, suffix);
}

/** Whether a file name is too long for the usual file systems (see {@link NAME_MAX}). */
export function nameTooLong(name: string): boolean {
  return Buffer.byteLength(name) > NAME_MAX;
}
