/**
 * Replay side: what an archived page gets back (the lookup rule over metadata records), and
 * the page's HTML with `<video>`/`<audio>` in place of its old players, as a replay server
 * that rewrites pages would do it per page view.
 *
 * Run:  npx tsc -p examples/tsconfig.json && node dist/examples/replay-lookup.js <warc-or-cdxj...> <page-url> <timestamp> [page.html]
 * e.g.  node dist/examples/replay-lookup.js pipeline-output/pipeline.warc.gz http://www.example.com/index.html 20090415120000 examples/site/index.html
 */
import { readFile } from 'node:fs/promises';
import { injectTransclusionsIntoBytes, TransclusionLookup } from 'warckit';

const args = process.argv.slice(2);
const html = args.length >= 4 && args.at(-1)!.endsWith('.html') ? args.pop() : undefined;
const timestamp = args.pop();
const pageUrl = args.pop();
if (!pageUrl || !timestamp || !args.length) {
  console.error('usage: replay-lookup <warc-or-cdxj...> <page-url> <timestamp> [page.html]');
  process.exit(2);
}

// Open once (a server keeps it open); WARCs are scanned, CDXJ indexes (warckit-replay index) binary-searched.
const lookup = await TransclusionLookup.open(args);
try {
  const found = await lookup.lookup(pageUrl, timestamp);
  if (!found) {
    console.log(`${pageUrl} has no transclusions at or near ${timestamp}`);
  } else {
    console.log(`${found.pageUrl} at ${found.timestamp} (${found.records} record(s)):`);
    for (const t of found.transclusions) {
      console.log(`  ${t.selector ?? '(any player)'} ← ${t.mediaUrl}`);
      for (const f of t.formats) console.log(`      ${f.mime ?? '?'}${f.poster ? ' (poster)' : ''}${f.original ? ' (original)' : ''}  ${f.url}`);
    }
    if (html) {
      // Media URLs become the replay system's own (here pywb's id_ form for the capture); the
      // page's relative references (src="ep1/video.flv") resolve against its URL.
      const page = await readFile(html);
      const injected = injectTransclusionsIntoBytes(page, found.transclusions, { pageUrl: found.pageUrl, rewriteUrl: (url) => `/coll/${found.timestamp}id_/${url}` });
      process.stdout.write(injected.bytes);
    }
  }
  for (const problem of lookup.problems) console.warn(`damaged: ${problem.file} at ${problem.offset}: ${problem.problem}`);
} finally {
  await lookup.close();
}
