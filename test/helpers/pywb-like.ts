/**
 * A page served the way pywb serves it, for the client's pywb path in `npm test` (pywb itself
 * cannot be installed by npm; the README says how it was tried against real pywb 2.10): pywb's
 * URL scheme (`/<coll>/<ts>mp_/<url>`, `/<coll>/<ts>id_/<url>`, closest capture), its `wbinfo`
 * head insert with the client as `static/transclusions.js`, and its CDX API
 * (`/<coll>/cdx?url=…&matchType=prefix&output=json`, one JSON object per line; one record per
 * URI and time is served, the first in CDX order, as pywb does). No wombat: the client does not
 * rely on it.
 */
import { createReadStream } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WARCParser } from 'warcio';
import { clientScriptPath } from '../../src/replay/client-path.js';

interface Capture {
  url: string;
  timestamp: string;
  type: string;
  digest: string;
  payload: Buffer;
}

function seconds(ts: string): number {
  const d = ts.padEnd(14, '0');
  return Date.UTC(+d.slice(0, 4), +d.slice(4, 6) - 1, +d.slice(6, 8), +d.slice(8, 10), +d.slice(10, 12), +d.slice(12, 14)) / 1000;
}

async function loadCaptures(paths: readonly string[]): Promise<Capture[]> {
  const captures: Capture[] = [];
  for (const path of paths) {
    for await (const record of WARCParser.iterRecords(createReadStream(path))) {
      const url = record.warcTargetURI;
      if (!url || !['resource', 'conversion', 'response'].includes(record.warcType)) continue;
      const date = new Date(record.warcDate ?? '');
      const timestamp = date.toISOString().replace(/\D/g, '').slice(0, 14);
      captures.push({ url, timestamp, type: record.warcContentType ?? 'application/octet-stream', digest: (record.warcPayloadDigest ?? '').replace(/^sha1:/, ''), payload: Buffer.from(await record.readFully(false)) });
    }
  }
  // pywb's order: urlkey (urn: keys lowercased), timestamp, then the rest of the CDX line.
  return captures.sort((a, b) => a.url.toLowerCase().localeCompare(b.url.toLowerCase()) || a.timestamp.localeCompare(b.timestamp) || a.digest.localeCompare(b.digest));
}

function closest(captures: readonly Capture[], url: string, ts: string): Capture | undefined {
  let best: Capture | undefined;
  for (const c of captures.filter((c) => c.url === url)) {
    if (!best || Math.abs(seconds(c.timestamp) - seconds(ts)) < Math.abs(seconds(best.timestamp) - seconds(ts))) best = c;
  }
  return best;
}

function headInsert(origin: string, coll: string, url: string, timestamp: string): string {
  return `<!-- WB Insert -->
<script>
  wbinfo = {};
  wbinfo.top_url = "${origin}/${coll}/${timestamp}/${url}";
  wbinfo.url = "${url}";
  wbinfo.timestamp = "${timestamp}";
  wbinfo.request_ts = "${timestamp}";
  wbinfo.prefix = decodeURI("${origin}/${coll}/");
  wbinfo.mod = "";
  wbinfo.is_framed = false;
  wbinfo.is_live = false;
  wbinfo.coll = "${coll}";
  wbinfo.static_prefix = "${origin}/static/";
</script>
<script src="${origin}/static/transclusions.js"> </script>
<!-- End WB Insert -->
`;
}

export interface PywbLike {
  origin: string;
  close(): Promise<void>;
}

/** Serve `warcs` as pywb collection `coll` on loopback. */
export async function startPywbLike(warcs: readonly string[], coll = 'my-coll'): Promise<PywbLike> {
  const captures = await loadCaptures(warcs);
  let origin = '';
  const server: Server = createServer((req, res) => {
    const path = req.url ?? '/';
    if (path === '/static/transclusions.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      createReadStream(clientScriptPath()).pipe(res);
      return;
    }
    const query = new URL(path, 'http://x');
    if (query.pathname === `/${coll}/cdx`) {
      const prefix = (query.searchParams.get('url') ?? '').toLowerCase();
      const lines = captures.filter((c) => c.url.toLowerCase().startsWith(prefix)).map((c) => JSON.stringify({ urlkey: c.url.toLowerCase(), timestamp: c.timestamp, url: c.url, mime: c.type, digest: c.digest }));
      res.writeHead(200, { 'content-type': 'text/x-ndjson' }).end(lines.map((l) => `${l}\n`).join(''));
      return;
    }
    const match = new RegExp(`^/${coll}/(\\d{1,14})(mp_|id_)?/(.+)$`).exec(path);
    const capture = match ? closest(captures, match[3]!, match[1]!) : undefined;
    if (!match || !capture) {
      res.writeHead(404, { 'content-type': 'text/html' }).end('<p>Not found</p>');
      return;
    }
    const headers = { 'content-type': capture.type, 'memento-datetime': new Date(seconds(capture.timestamp) * 1000).toUTCString(), 'accept-ranges': 'bytes' };
    if (match[2] !== 'id_' && capture.type.startsWith('text/html')) {
      const page = capture.payload.toString('latin1');
      const insert = headInsert(origin, coll, capture.url, capture.timestamp);
      const at = /<head[^>]*>|<html[^>]*>/i.exec(page);
      const html = at ? page.slice(0, at.index + at[0].length) + insert + page.slice(at.index + at[0].length) : insert + page;
      res.writeHead(200, headers).end(Buffer.from(html, 'latin1'));
      return;
    }
    const range = /bytes=(\d+)-(\d*)/.exec(req.headers.range ?? '');
    const body = capture.payload;
    if (range) {
      const start = Number(range[1]);
      const end = range[2] ? Math.min(Number(range[2]), body.length - 1) : body.length - 1;
      res.writeHead(206, { ...headers, 'content-range': `bytes ${start}-${end}/${body.length}`, 'content-length': end - start + 1 }).end(body.subarray(start, end + 1));
    } else res.writeHead(200, { ...headers, 'content-length': body.length }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { origin, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
