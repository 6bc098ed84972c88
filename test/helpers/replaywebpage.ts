/**
 * Real ReplayWeb.page (npm `replaywebpage`: its ui.js and service worker) served from a loopback
 * HTTP server as the README's deployment says: the page embeds <replay-web-page>, the client
 * script sits beside sw.js, and the service worker is registered with injectScripts naming it.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import type { Browser, Frame } from 'playwright-core';
import { clientScriptPath } from '../../src/replay/client-path.js';

const require = createRequire(import.meta.url);
// index.html is one of the few paths the package exports; sw.js and ui.js sit beside it.
const RWP_DIR = dirname(require.resolve('replaywebpage/index.html'));

/** The `swName` the README gives: ReplayWeb.page appends its own `?serveIndex=1`, hence the trailing `&`. */
export const SW_NAME = 'sw.js?serveIndex=1&injectScripts=warckit-transclusions.js&';

function type(path: string): string {
  if (path.endsWith('.js')) return 'application/javascript';
  if (path.endsWith('.html')) return 'text/html';
  return 'application/octet-stream';
}

async function sendFile(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) {
    res.writeHead(404).end();
    return;
  }
  const size = info.size;
  const range = /bytes=(\d+)-(\d*)/.exec(req.headers.range ?? '');
  if (range) {
    const start = Number(range[1]);
    const end = range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
    res.writeHead(206, { 'content-type': type(path), 'content-range': `bytes ${start}-${end}/${size}`, 'accept-ranges': 'bytes', 'content-length': end - start + 1 });
    createReadStream(path, { start, end }).pipe(res);
  } else {
    res.writeHead(200, { 'content-type': type(path), 'accept-ranges': 'bytes', 'content-length': size });
    if (req.method === 'HEAD') res.end();
    else createReadStream(path).pipe(res);
  }
}

export interface ReplayWebPageServer {
  origin: string;
  /** Serve a WARC at /<name>. */
  addWarc(name: string, path: string): void;
  /** Open `url` at `ts` from the WARC served as `name` in a fresh browser context; returns the replayed page's frame. */
  open(browser: Browser, name: string, url: string, ts: string): Promise<{ frame: Frame; close: () => Promise<void> }>;
  close(): Promise<void>;
}

function embedPage(source: string, url: string, ts: string): string {
  return `<!doctype html><html><body><script src="/replay/ui.js"></script>
<replay-web-page style="display:block;width:1000px;height:800px" source="${source}" url="${url}" ts="${ts}" replaybase="/replay/" embed="replayonly" swName="${SW_NAME.replace(/&/g, '&amp;')}"></replay-web-page>
</body></html>`;
}

export async function startReplayWebPage(): Promise<ReplayWebPageServer> {
  const warcs = new Map<string, string>();
  let page = '';
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    let file: string | undefined;
    if (path === '/') {
      res.writeHead(200, { 'content-type': 'text/html' }).end(page);
      return;
    }
    if (path === '/replay/warckit-transclusions.js') file = clientScriptPath();
    // The package's own files, as an operator serves them (index.html too: the replay frame may ask before the service worker runs).
    else if (path.startsWith('/replay/') && !path.includes('..')) file = join(RWP_DIR, path === '/replay/' ? 'index.html' : path.slice('/replay/'.length));
    else file = warcs.get(path.slice(1));
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    sendFile(req, res, file).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    addWarc: (name, path) => warcs.set(name, path),
    async open(browser, name, url, ts) {
      page = embedPage(`/${name}`, url, ts);
      const context = await browser.newContext();
      const tab = await context.newPage();
      const messages: string[] = [];
      tab.on('console', (m) => messages.push(`${m.type()}: ${m.text()}`));
      tab.on('pageerror', (e) => messages.push(`page error: ${e.message}`));
      await tab.goto(`${origin}/`);
      const deadline = Date.now() + 90_000;
      let frame: Frame | undefined;
      while (!frame && Date.now() < deadline) {
        frame = tab.frames().find((f) => f.url().includes(`mp_/${url}`));
        if (!frame) await tab.waitForTimeout(100);
      }
      if (!frame) {
        await context.close();
        throw new Error(`ReplayWeb.page did not show ${url} at ${ts} (frames: ${tab.frames().map((f) => f.url()).join(', ')}; console: ${messages.slice(-15).join(' | ')})`);
      }
      await frame.waitForLoadState('load');
      return { frame, close: () => context.close() };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * A test's one replay: Debian's Chromium and a ReplayWeb.page server (both stopped when the test
 * ends) serving `path` as `name`, opened at `url` and `ts`.
 */
export async function replayOnce(t: { after(fn: () => unknown): void }, name: string, path: string, url: string, ts: string): Promise<{ frame: Frame; close: () => Promise<void> }> {
  const { launchChromium } = await import('./browser.js');
  const browser = await launchChromium();
  t.after(() => browser.close());
  const server = await startReplayWebPage();
  t.after(() => server.close());
  server.addWarc(name, path);
  return server.open(browser, name, url, ts);
}
