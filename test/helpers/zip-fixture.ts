/**
 * A ZIP built like warcit's `www.iana.org.zip` test fixture: a site under one top directory,
 * directory entries, HTML/CSS/JS/image members (several larger than 4 KB after deflate), a
 * member without extension and a stored one. Contents are pseudo-random text from a fixed
 * seed, so they do not compress away.
 */
import { createWriteStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import yazl from 'yazl';
import { makeZip, PNG } from './site.js';

function words(seed: number, length: number): string {
  let state = seed;
  let out = '';
  while (out.length < length) {
    state = (state * 1103515245 + 12345) >>> 0;
    out += `${(state >>> 8).toString(36)} `;
    if (state % 13 === 0) out += '\n';
  }
  return out.slice(0, length);
}

const page = (seed: number, size: number): string => `<!DOCTYPE html>\n<html><head><title>Page ${seed}</title></head><body><p>${words(seed, size)}</p></body></html>\n`;

export const IANA_LIKE_MTIME = new Date(Date.UTC(2016, 6, 6, 10, 20, 30));

/** Member name → content; '' content with a trailing '/' name is a directory entry. */
export function ianaLikeMembers(): Array<[string, Buffer, { compress: boolean }]> {
  const d = 'www.iana.org/';
  const deflate = { compress: true };
  return [
    [`${d}`, Buffer.alloc(0), deflate],
    [`${d}_css/2015.1/print.css`, Buffer.from(`body { color: #000 }\n/* ${words(1, 30000)} */\n`), deflate],
    [`${d}_css/2015.1/screen.css`, Buffer.from(`p { margin: 0 }\n/* ${words(2, 20000)} */\n`), deflate],
    [`${d}_img/bookmark_icon.ico`, Buffer.concat([Buffer.from([0, 0, 1, 0, 1, 0, 16, 16]), Buffer.from(words(3, 7000))]), deflate],
    [`${d}_img/logo.png`, PNG, { compress: false }],
    [`${d}_js/2013.1/iana.js`, Buffer.from('function iana() { return 1; }\n'), deflate],
    [`${d}_js/2013.1/jquery.js`, Buffer.from(`/* jQuery */\n${words(4, 40000)}\n`), deflate],
    [`${d}about/index.html`, Buffer.from(page(5, 8000)), deflate],
    [`${d}about/presentations`, Buffer.from(page(6, 36000)), deflate],
    [`${d}domains/root/db`, Buffer.from(page(7, 60000)), deflate],
    [`${d}index.html`, Buffer.from(page(8, 6500)), deflate],
    [`${d}numbers`, Buffer.from(page(9, 9000)), deflate],
    [`${d}robots.txt`, Buffer.from('User-agent: *\nDisallow:\n'), { compress: false }],
  ];
}

export async function makeIanaLikeZip(path: string): Promise<void> {
  const zip = new yazl.ZipFile();
  for (const [name, content, { compress }] of ianaLikeMembers()) {
    if (name.endsWith('/')) zip.addEmptyDirectory(name, { mtime: IANA_LIKE_MTIME, forceDosTimestamp: true });
    else zip.addBuffer(content, name, { mtime: IANA_LIKE_MTIME, forceDosTimestamp: true, compress });
  }
  zip.end();
  await new Promise<void>((resolve, reject) => {
    zip.outputStream.pipe(createWriteStream(path)).on('close', resolve).on('error', reject);
  });
}

/** Offset of a member's entry in the central directory (signature PK\1\2), by name. */
function centralEntry(zip: Buffer, member: string): number {
  for (let at = zip.indexOf('PK\x01\x02', 0, 'latin1'); at >= 0; at = zip.indexOf('PK\x01\x02', at + 4, 'latin1')) {
    const nameLength = zip.readUInt16LE(at + 28);
    if (zip.toString('utf8', at + 46, at + 46 + nameLength) === member) return at;
  }
  throw new Error(`no member ${member}`);
}

/** Flip one byte of a stored member's data (its CRC-32 no longer matches). */
export async function flipStoredByte(path: string, content: Buffer): Promise<void> {
  const zip = await readFile(path);
  const at = zip.indexOf(content);
  if (at < 0) throw new Error('stored content not found');
  zip[at + Math.floor(content.length / 2)]! ^= 0x20;
  await writeFile(path, zip);
}

/** Change the CRC-32 the central directory records for a member. */
export async function changeRecordedCrc(path: string, member: string): Promise<void> {
  const zip = await readFile(path);
  const at = centralEntry(zip, member);
  zip.writeUInt32LE((zip.readUInt32LE(at + 16) ^ 0x01010101) >>> 0, at + 16);
  await writeFile(path, zip);
}

/**
 * Rename members in place, each to a name of the same length (in the local headers and the
 * central directory), and set or clear the UTF-8 name flag: how ZIPs that zip writers refuse to
 * make (`../x`, `/abs`, `dir\x`, CP437 names) are made for tests.
 */
export async function renameMembers(path: string, renames: Array<{ from: string; to: Buffer | string; utf8?: boolean }>): Promise<void> {
  const zip = await readFile(path);
  for (const { from, to, utf8 } of renames) {
    const bytes = typeof to === 'string' ? Buffer.from(to) : to;
    if (bytes.length !== Buffer.byteLength(from)) throw new Error(`${from}: the new name must be as long`);
    const central = centralEntry(zip, from);
    const local = zip.readUInt32LE(central + 42);
    for (const [flags, name] of [[central + 8, central + 46], [local + 6, local + 30]] as const) {
      bytes.copy(zip, name);
      if (utf8 !== undefined) zip.writeUInt16LE(utf8 ? zip.readUInt16LE(flags) | 0x800 : zip.readUInt16LE(flags) & ~0x800, flags);
    }
  }
  await writeFile(path, zip);
}

/**
 * A ZIP with the member names legacy and hand-made ZIPs have and zip writers refuse to write:
 * `../evil.html` (up), `/abs/x.html` (abs), `www\back.html` (back), `www/a/../b.html` (dots),
 * `www/M\x81ller.html` in CP437 (cp437), and `www/ok.html` (ok); contents in brackets.
 */
export async function oddlyNamedZip(path: string): Promise<void> {
  const contents: Record<string, string> = { 'xx/evil.html': 'up', '_abs/x.html': 'abs', 'www/back.html': 'back', 'www/a/xx/b.html': 'dots', 'www/M_ller.html': 'cp437', 'www/ok.html': 'ok' };
  await makeZip(path, '', contents);
  await renameMembers(path, [
    { from: 'xx/evil.html', to: '../evil.html' },
    { from: '_abs/x.html', to: '/abs/x.html' },
    { from: 'www/back.html', to: 'www\\back.html' },
    { from: 'www/a/xx/b.html', to: 'www/a/../b.html' },
    // CP437 (no UTF-8 flag): 0x81 is ü.
    { from: 'www/M_ller.html', to: Buffer.from('www/M\x81ller.html', 'latin1'), utf8: false },
  ]);
}

/** Mark a member encrypted and/or change its compression method (both headers): ZIPs warckit cannot read. */
export async function patchMember(path: string, member: string, change: { encrypted?: boolean; method?: number }): Promise<void> {
  const zip = await readFile(path);
  const central = centralEntry(zip, member);
  const local = zip.readUInt32LE(central + 42);
  for (const [flags, method] of [[central + 8, central + 10], [local + 6, local + 8]] as const) {
    if (change.encrypted) zip.writeUInt16LE(zip.readUInt16LE(flags) | 1, flags);
    if (change.method !== undefined) zip.writeUInt16LE(change.method, method);
  }
  await writeFile(path, zip);
}

/** Where each member of {@link oddlyNamedZip} is archived (its URL's path under the prefix) and what it holds, in ZIP order. */
export const ODDLY_NAMED_URLS: ReadonlyArray<readonly [string, string]> = [
  ['evil.html', 'up'],
  ['abs/x.html', 'abs'],
  ['www/back.html', 'back'],
  ['www/b.html', 'dots'],
  ['www/M%C3%BCller.html', 'cp437'],
  ['www/ok.html', 'ok'],
];
