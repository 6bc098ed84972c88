/** A small test website, made on disk (and as a ZIP) by the tests themselves. */
import { mkdir, utimes, writeFile } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { dirname, join } from 'node:path';
import yazl from 'yazl';

// A real 1x1 PNG.
export const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082', 'hex');
const JPEG = Buffer.concat([Buffer.from('ffd8ffe000104a46494600010100000100010000', 'hex'), Buffer.alloc(64, 1), Buffer.from('ffd9', 'hex')]);

/** Relative path → content. Names with spaces and '#', nested index files, no-extension and xhtml files. */
export const SITE_FILES: Record<string, Buffer | string> = {
  'index.html': '<!doctype html><html><head><link rel="stylesheet" href="style.css"></head><body><img src="img/logo.png"></body></html>\n',
  'style.css': 'body { color: #333; }\n',
  'img/logo.png': PNG,
  'img/photo one.jpg': JPEG,
  'about/index.html': '<html><body>About</body></html>\n',
  'about/team #1.html': '<html><body>Team</body></html>\n',
  'data.json': '{"a": 1}\n',
  'README': 'plain words\n',
  'page.xhtml': '<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body/></html>\n',
};

export const SITE_MTIME = new Date(Date.UTC(2012, 4, 6, 7, 8, 10));

export async function makeSite(root: string, files: Record<string, Buffer | string> = SITE_FILES): Promise<void> {
  for (const [rel, content] of Object.entries(files)) {
    const path = join(root, rel);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, content);
    await utimes(path, SITE_MTIME, SITE_MTIME);
  }
}

/** A ZIP holding the files under `prefix` (e.g. `www.example.com/`), with DOS dates. */
export async function makeZip(path: string, prefix: string, files: Record<string, Buffer | string> = SITE_FILES): Promise<void> {
  const zip = new yazl.ZipFile();
  for (const [rel, content] of Object.entries(files)) {
    zip.addBuffer(Buffer.from(content), prefix + rel, { mtime: SITE_MTIME, forceDosTimestamp: true });
  }
  zip.end();
  await new Promise<void>((resolve, reject) => {
    zip.outputStream.pipe(createWriteStream(path)).on('close', resolve).on('error', reject);
  });
}
