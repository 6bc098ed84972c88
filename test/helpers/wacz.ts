/** A WACZ packed as ReplayWeb.page reads it, from WARCs and their indexes. */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { finished } from 'node:stream/promises';
import yazl from 'yazl';

/** A WACZ of WARCs (stored, as WACZ readers need) and the `.cdxj` written beside each (`warckit --cdxj`), with its datapackage.json. */
export async function packWacz(path: string, warcs: string[]): Promise<void> {
  const zip = new yazl.ZipFile();
  const resources = [];
  for (const warc of warcs) {
    for (const [inZip, file] of [[`archive/${basename(warc)}`, warc], [`indexes/${basename(warc)}.cdxj`, `${warc}.cdxj`]] as const) {
      const data = await readFile(file);
      zip.addBuffer(data, inZip, { compress: false });
      resources.push({ name: basename(inZip), path: inZip, hash: `sha256:${createHash('sha256').update(data).digest('hex')}`, bytes: data.length });
    }
  }
  zip.addBuffer(Buffer.from(JSON.stringify({ profile: 'data-package', wacz_version: '1.1.1', resources }, null, 2)), 'datapackage.json');
  zip.end();
  const out = createWriteStream(path);
  zip.outputStream.pipe(out);
  await finished(out);
}
