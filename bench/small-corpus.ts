/**
 * A site of small files for the bench, the same bytes every run: 1–20 KB each, a realistic mix
 * of text (HTML, CSS, JavaScript: words and markup that compress about 3–4×, as real pages do)
 * and images (PNG and JPEG headers before bytes that do not compress), 500 files a directory.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A small seeded PRNG (mulberry32), so every run writes the same corpus. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KINDS = [
  { ext: 'html', weight: 35 },
  { ext: 'css', weight: 12 },
  { ext: 'js', weight: 18 },
  { ext: 'png', weight: 20 },
  { ext: 'jpg', weight: 15 },
] as const;
const TOTAL_WEIGHT = KINDS.reduce((n, k) => n + k.weight, 0);

function vocabulary(random: () => number): string[] {
  const letters = 'etaoinshrdlcumwfgypbvkjxqz';
  return Array.from({ length: 2000 }, () => {
    const length = 2 + Math.floor(random() * random() * 10);
    let word = '';
    for (let i = 0; i < length; i++) word += letters[Math.floor(random() * random() * letters.length)];
    return word;
  });
}

function text(ext: string, size: number, random: () => number, words: string[]): Buffer {
  const word = (): string => words[Math.floor(random() * words.length)]!;
  const parts: string[] = [];
  let length = 0;
  const push = (s: string): void => {
    parts.push(s);
    length += s.length;
  };
  if (ext === 'html') push(`<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${word()} ${word()}</title><link rel="stylesheet" href="/css/${word()}.css"></head>\n<body>\n`);
  while (length < size) {
    const sentence = Array.from({ length: 5 + Math.floor(random() * 15) }, word).join(' ');
    if (ext === 'html') push(random() < 0.2 ? `<p><a href="/${word()}/${word()}.html">${sentence}</a></p>\n` : `<p class="${word()}">${sentence}.</p>\n`);
    else if (ext === 'css') push(`.${word()} .${word()} { margin: ${Math.floor(random() * 40)}px; color: #${Math.floor(random() * 0xffffff).toString(16).padStart(6, '0')}; font-family: ${word()}, sans-serif; }\n`);
    else push(`function ${word()}_${word()}(${word()}, ${word()}) { return ${word()}.${word()}(${JSON.stringify(sentence)}) || ${Math.floor(random() * 1000)}; }\n`);
  }
  return Buffer.from(parts.join('').slice(0, size));
}

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
const JPEG = Buffer.from('ffd8ffe000104a46494600010100000100010000', 'hex');

function image(ext: string, size: number, random: () => number): Buffer {
  const data = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i += 4) data.writeUInt32LE(Math.floor(random() * 4294967296), Math.min(i, size - 4));
  (ext === 'png' ? PNG : JPEG).copy(data, 0);
  return data;
}

/**
 * Write files `from`…`files - 1` of the corpus under `dir` (each file's bytes depend on its
 * index alone, so a larger corpus is a smaller one plus more files); returns their total bytes.
 */
export async function writeSmallCorpus(dir: string, files: number, from = 0): Promise<number> {
  const words = vocabulary(prng(1));
  let bytes = 0;
  for (let i = from; i < files; i++) {
    const random = prng(0x9e3779b9 ^ (i * 2654435761));
    const sub = join(dir, `d${Math.floor(i / 500)}`);
    if (i % 500 === 0 || i === from) await mkdir(sub, { recursive: true });
    let pick = random() * TOTAL_WEIGHT;
    const kind = KINDS.find((k) => (pick -= k.weight) < 0) ?? KINDS[0];
    const size = 1024 + Math.floor(random() * 19 * 1024);
    const data = kind.ext === 'png' || kind.ext === 'jpg' ? image(kind.ext, size, random) : text(kind.ext, size, random, words);
    await writeFile(join(sub, `f${i}.${kind.ext}`), data);
    bytes += data.length;
  }
  return bytes;
}
