/**
 * `--max-size --cdxj` in real ReplayWeb.page: the parts and their indexes packed as a WACZ
 * (WARCs in archive/, each part's .cdxj as written in indexes/), so wabac.js finds every record
 * through our CDXJ alone (it does not index WARCs of a WACZ that has indexes) and reads it at the
 * offset and length the index gives. Pages in the first and the last part replay.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { main as warcMain } from '../../src/cli/warckit.js';
import { browserSkip, launchChromium } from '../helpers/browser.js';
import { runCli } from '../helpers/cli.js';
import { startReplayWebPage } from '../helpers/replaywebpage.js';
import { tempDir } from '../helpers/tmp.js';
import { packWacz } from '../helpers/wacz.js';

const P = 'http://www.example.com/';
const TS = '20090415120000';

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
