/**
 * The transclusions of the replayed page, by the lookup rule: list the page's metadata records
 * through the replay index (pywb's CDX API, wabac.js's URL API), take those at the capture time
 * closest to the page's, fetch and merge them. Without an index API, fetch the classic record
 * URIs directly (one record each). A page without metadata costs index queries only (a directory
 * page also two fetches of its classic URIs, which pywb's index cannot list: see metadataIndexKey).
 */
import { mergeTransclusions, selectClosest, type LookupResult } from '../../src/replay/lookup.js';
import { parseTransclusionRecord, type TransclusionRecord } from '../../src/replay/records.js';
import { EMBEDS_PREFIX, isMetadataFor, metadataUriPrefixes, pageUrlCandidates, TRANSCLUSIONS_PREFIX } from '../../src/transclusions/record-uri.js';
import type { Listed, ReplayEnv } from './replay-env.js';

async function text(env: ReplayEnv, url: string): Promise<{ body: string; memento?: string } | undefined> {
  try {
    const response = await env.fetch(url, { credentials: 'same-origin' });
    if (!response.ok) return undefined;
    const memento = response.headers.get('Memento-Datetime');
    return { body: await response.text(), ...(memento ? { memento } : {}) };
  } catch {
    return undefined;
  }
}

/** The page's metadata records as the index lists them; undefined when no index could be asked. */
async function listRecords(env: ReplayEnv, pageUrl: string): Promise<Listed[] | undefined> {
  let answered = false;
  const listed: Listed[] = [];
  await Promise.all(
    metadataUriPrefixes(pageUrl).map(async (prefix) => {
      const url = env.listUrl(prefix);
      const got = url ? await text(env, url) : undefined;
      if (!got) return;
      try {
        listed.push(...env.parseList(got.body).filter((l) => isMetadataFor(l.url, pageUrl)));
        answered = true;
      } catch {
        // not an index answer (an HTML error page): as if unanswered
      }
    }),
  );
  if (!answered) return undefined;
  const seen = new Set<string>();
  return listed.filter((l) => !seen.has(`${l.timestamp} ${l.url}`) && seen.add(`${l.timestamp} ${l.url}`));
}

async function load(env: ReplayEnv, uri: string, timestamp: string): Promise<TransclusionRecord | undefined> {
  const got = await text(env, env.recordUrl(uri, timestamp));
  if (!got) return undefined;
  try {
    return parseTransclusionRecord({ targetUri: uri, warcDate: got.memento ?? timestamp, body: got.body });
  } catch {
    return undefined;
  }
}

/** Closest captures of the classic URIs, asked directly (no index API). */
async function loadDirect(env: ReplayEnv, pageUrl: string): Promise<TransclusionRecord[]> {
  const records = await Promise.all([TRANSCLUSIONS_PREFIX, EMBEDS_PREFIX].map((prefix) => load(env, prefix + pageUrl, env.timestamp)));
  return selectClosest(
    records.filter((r): r is TransclusionRecord => r !== undefined),
    env.timestamp,
  );
}

/** What the page gets, or undefined when it has no transclusion metadata. */
export async function findTransclusions(env: ReplayEnv): Promise<LookupResult | undefined> {
  for (const pageUrl of pageUrlCandidates(env.pageUrl)) {
    const listed = await listRecords(env, pageUrl);
    let records: TransclusionRecord[];
    // A directory page's urn:embeds: record is keyed without its slash in pywb: no prefix query finds it, a fetch of its URI does.
    if (listed === undefined || (listed.length === 0 && pageUrl.endsWith('/'))) records = await loadDirect(env, pageUrl);
    else {
      const closest = selectClosest(listed, env.timestamp);
      records = (await Promise.all(closest.map((l) => load(env, l.url, l.timestamp)))).filter((r): r is TransclusionRecord => r !== undefined);
    }
    if (records.length) return { pageUrl, timestamp: records[0]!.timestamp, transclusions: mergeTransclusions(records), records: records.length };
  }
  return undefined;
}
