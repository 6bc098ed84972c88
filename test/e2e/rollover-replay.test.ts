/**
 * `--max-size --cdxj` in real ReplayWeb.page: the parts and their indexes packed as a WACZ
 * (WARCs in archive/, each part's .cdxj as written in indexes/), so wabac.js finds every record
 * through our CDXJ alone (it does not index WARCs of a WACZ that has indexes) and reads it at the
 * offset and length the index gives. Pages in the first and the last part replay.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { finished } from 'node:stream/promises';
import { test } from 'node:test';
import yazl from 'yazl';
import { main as warcMain } from '../../src/cli/warckit.js';
import { browserSkip, launchChromium } from '../helpers/browser.js';
import { runCli } from '../helpers/cli.js';
import { startReplayWebPage } from '../helpers/replaywebpage.js';
import { tempDir } from '../helpers/tmp.js';

const P = 'http://www.example.com/';
const TS = '20090415120000';

/** A WACZ of the parts (stored, as WACZ readers need) and their indexes, with its datapackage.json. */
async function packWacz(path: string, warcs: string[]): Promise<void> {
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

test('ReplayWeb.page replays pages of the first and last part of a rolled-over set through the CDXJ indexes', { skip: browserSkip, timeout: 300_000 }, async (t) => {
  const dir = await tempDir();
  const site = join(dir, 'site');
  await mkdir(site);
  await writeFile(join(site, 'a-first.html'), '<html><body><h1>First page</h1><p id="x">in the first part</p></body></html>');
  for (let i = 0; i < 6; i++) await writeFile(join(site, `m${i}.bin`), randomBytes(60_000));
  await writeFile(join(site, 'z-last.html'), '<html><body><h1>Last page</h1><p id="x">in the last part</p></body></html>');
  const { code, stderr } = await runCli(warcMain, [P, site, '-n', join(dir, 'set'), '-d', TS, '--max-size', '100KB', '--cdxj', '-q']);
  assert.equal(code, 0, stderr);
  const warcs = Array.from({ length: 6 }, (_, i) => join(dir, `set-0000${i}.warc.gz`));
  await packWacz(join(dir, 'set.wacz'), warcs);
  const browser = await launchChromium();
  t.after(() => browser.close());
  const server = await startReplayWebPage();
  t.after(() => server.close());
  server.addWarc('set.wacz', join(dir, 'set.wacz'));
  for (const [page, text] of [['a-first.html', 'in the first part'], ['z-last.html', 'in the last part']] as const) {
    const { frame, close } = await server.open(browser, 'set.wacz', `${P}${page}`, TS);
    try {
      assert.equal(await frame.evaluate(() => document.getElementById('x')?.textContent), text);
    } finally {
      await close();
    }
  }
});
