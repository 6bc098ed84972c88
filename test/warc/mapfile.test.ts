import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeWarc } from '../../src/warc/build.js';
import type { WrittenRecord } from '../../src/warc/writer.js';
import { loadMapfile, MapfileError, MapfileMatcher, type MapfileRow } from '../../src/warc/mapfile.js';
import { within } from '../helpers/deadline.js';
import { PNG } from '../helpers/site.js';
import { makeSpecialFiles } from '../helpers/special-files.js';
import { tempDir } from '../helpers/tmp.js';

test('a mapfile that is a FIFO, a socket or /dev/zero is an error naming it, at once', async () => {
  const dir = await tempDir();
  const special = await makeSpecialFiles(dir);
  try {
    for (const [path, kind] of [
      [special.fifo, 'a FIFO \\(named pipe\\)'],
      [special.socket, 'a socket'],
      [special.zero, 'a character device \\(symbolic link to /dev/zero\\)'],
    ] as const) {
      const error = await within(
        loadMapfile(path).then(
          () => undefined,
          (e: unknown) => e,
        ),
        3000,
        `loadMapfile(${path})`,
        [special.fifo],
      );
      assert.ok(error instanceof MapfileError, String(error));
      assert.match(error.message, new RegExp(`^${path.replace(/[.]/g, '\\.')}: the mapfile is not a regular file but ${kind}$`));
    }
  } finally {
    await special.close();
  }
});

test('a mapfile is read whole only up to a size limit', async () => {
  const dir = await tempDir();
  const file = join(dir, 'map.csv');
  await writeFile(file, 'file,URL\nindex.html,http://example.com/\n');
  assert.equal((await loadMapfile(file, 1024)).length, 1);
  await assert.rejects(loadMapfile(file, 20), (e: Error) => e instanceof MapfileError && /map\.csv: the mapfile is too large to read: \d+ bytes or more \(the limit is 20\)/.test(e.message));
  await assert.rejects(loadMapfile(join(dir, 'absent.csv')), /absent\.csv: the mapfile does not exist/);
});

test('with a mapfile, the type (and -m) comes from the file\'s own URL, not the mapped one, as warcit does', async () => {
  const dir = await tempDir();
  const P = 'http://example.com/';
  await mkdir(join(dir, 'site'));
  await writeFile(join(dir, 'site', 'logo.png'), PNG);
  await writeFile(join(dir, 'site', 'clip.flv'), 'FLV');
  await writeFile(join(dir, 'site', 'page.html'), '<html></html>');
  await mkdir(join(dir, 'out'));
  await writeFile(join(dir, 'out', 'clip.flv.webm'), 'webm');
  await writeFile(
    join(dir, 'out', 'results.yaml'),
    `conversions:\n  http://cdn.example.com/video?id=7:\n  - url: ${P}clip.flv.webm\n    output: ${join(dir, 'out', 'clip.flv.webm')}\n    success: true\n    type: conversion\n    metadata: {name: webm}\n`,
  );
  await writeFile(
    join(dir, 'map.csv'),
    'file,URL\nlogo.png,http://cdn.example.com/image?id=1\nclip.flv,http://cdn.example.com/video?id=7\npage.html,http://example.com/page.gif\nclip.flv.webm,http://cdn.example.com/video.webm?id=7\n',
  );
  const written: WrittenRecord[] = [];
  const result = await writeWarc({
    urlPrefix: P,
    inputs: [join(dir, 'site')],
    name: join(dir, 'w'),
    mapfile: join(dir, 'map.csv'),
    conversions: join(dir, 'out', 'results.yaml'),
    mimeOverrides: [['*.flv', 'video/x-flv-override']],
    date: new Date('2011-01-01T00:00:00Z'),
    onEvent: (event) => {
      if (event.type === 'record') written.push(event.record);
    },
  });
  void result;
  const types = Object.fromEntries(written.filter((r) => r.targetUri?.startsWith('http')).map((r) => [r.targetUri!, r.contentType]));
  assert.deepEqual(types, {
    'http://cdn.example.com/video?id=7': 'video/x-flv-override',
    'http://cdn.example.com/video.webm?id=7': 'video/webm',
    'http://cdn.example.com/image?id=1': 'image/png',
    'http://example.com/page.gif': 'text/html',
  });
});

test('MapfileMatcher: the first row (in mapfile order) whose file ends the path, as warcit\'s loop finds it; a row matching a second file is an error', () => {
  const rows: MapfileRow[] = ['a.html', 'x/a.html', 'html', 'b/c.txt', 'c.txt', 'a.html', 'dir/'].map((file, i) => ({ file, URL: `http://m/${i}`, line: i + 2 }));
  const naive = (path: string) => rows.find((r) => path.endsWith(r.file));
  const paths = ['site/x/a.html', 'site/xa.html', 'other.html', 'b/c.txt', 'site/c.txt', 'nope.gif', 'site/dir/', 'c.txt.bak'];
  for (const path of paths) {
    const matcher = new MapfileMatcher(rows, 'm.csv');
    assert.equal(matcher.match(path), naive(path), path);
  }
  const matcher = new MapfileMatcher(rows, 'm.csv');
  assert.equal(matcher.match('one/a.html'), rows[0]);
  assert.equal(matcher.match('one/a.html'), rows[0], 'the same file again is fine');
  assert.throws(() => matcher.match('two/a.html'), /m\.csv: line 2: row for "a\.html" matches a second file "two\/a\.html" \(first: "one\/a\.html"\)/);
});

test('MapfileMatcher: rows are looked at in proportion to the rows and paths, not their product (a row per file of 100,000 files took minutes)', () => {
  const n = 2000;
  let reads = 0;
  const plain: MapfileRow[] = Array.from({ length: n }, (_, i) => ({ file: `d${i % 7}/f${i}.html`, URL: `http://m/${i}`, line: i + 2 }));
  const rows = new Proxy(plain, {
    get(target, key, receiver) {
      if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
  const matcher = new MapfileMatcher(rows, 'm.csv');
  for (let i = 0; i < n; i++) assert.equal(matcher.match(`site/d${i % 7}/f${i}.html`), plain[i]);
  assert.ok(reads <= 4 * n, `${reads} row reads for ${n} rows and ${n} files`);
});

test('a Content-Type that is not a MIME type, in a mapfile or -m, is an error naming where (it was written escaped into the record)', async () => {
  const dir = await tempDir();
  await mkdir(join(dir, 'site'), { recursive: true });
  await writeFile(join(dir, 'site', 'a.html'), 'a');
  await writeFile(join(dir, 'map.csv'), 'file,Content-Type\na.html,text/html\nb.html,"text/html\r\nX-Injected: yes"\n');
  await assert.rejects(writeWarc({ urlPrefix: 'http://x/', inputs: [join(dir, 'site')], name: join(dir, 'w'), mapfile: join(dir, 'map.csv') }), (e: Error) => e instanceof MapfileError && /map\.csv: line 3: Content-Type: .*line break/.test(e.message));
  await assert.rejects(writeWarc({ urlPrefix: 'http://x/', inputs: [join(dir, 'site')], name: join(dir, 'w'), mimeOverrides: { '*.html': 'texthtml' } }), /mimeOverrides.*MIME type/);
});

test('a mapfile URL that is not absolute ("not a url", "www.example.com/a.html") is an error naming the line (it was written as the record\'s WARC-Target-URI)', async () => {
  const dir = await tempDir();
  await mkdir(join(dir, 'site'), { recursive: true });
  await writeFile(join(dir, 'site', 'a.html'), 'a');
  for (const url of ['not a url', 'www.example.com/a.html', '/a.html']) {
    await writeFile(join(dir, 'map.csv'), `file,URL\na.html,${url}\n`);
    await assert.rejects(writeWarc({ urlPrefix: 'http://x/', inputs: [join(dir, 'site')], name: join(dir, 'w'), mapfile: join(dir, 'map.csv') }), (e: Error) => e instanceof MapfileError && e.message.includes(`map.csv: line 2: URL "${url}" is not an absolute URL`), url);
  }
  await assert.rejects(writeWarc({ urlPrefix: 'http://x/', inputs: [join(dir, 'site')], name: join(dir, 'w'), mapfile: [{ file: 'a.html', url: 'a.html' }] }), /mapfile\[0\]\.url: "a\.html" is not an absolute URL/);
});

test('mapfile URLs that replay systems cannot find as written (a raw space, raw UTF-8, a host in capitals) are warned about with the spelling to write; the run goes on', async () => {
  const { writeFile, mkdir } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const { tempDir } = await import('../helpers/tmp.js');
  const { planWarcRecords } = await import('../../src/warc/plan.js');
  const dir = await tempDir();
  await mkdir(join(dir, 'site'));
  for (const name of ['a.dat', 'b.dat', 'c.dat', 'd.dat']) await writeFile(join(dir, 'site', name), name);
  await writeFile(join(dir, 'map.csv'), 'file,URL\na.dat,http://x/vidéo 3.dat\nb.dat,HTTP://X/getvideo.php?id=1\nc.dat,http://x/caf%C3%A9.dat\nd.dat,http://x/ok.dat\n');
  const warnings: string[] = [];
  const plan = await planWarcRecords({ urlPrefix: 'http://x/', inputs: [join(dir, 'site')], mapfile: join(dir, 'map.csv'), onEvent: (e) => (e.type === 'warning' ? warnings.push(e.message) : undefined) });
  await plan.close();
  assert.equal(warnings.length, 2, warnings.join('\n'));
  assert.match(warnings[0]!, /map\.csv: line 2: URL http:\/\/x\/vidéo 3\.dat holds a space: .*\(http:\/\/x\/vid%C3%A9o%203\.dat\)/);
  assert.match(warnings[1]!, /line 3: URL HTTP:\/\/X\/getvideo\.php\?id=1 has its scheme or host in capitals: .*\(http:\/\/x\/getvideo\.php\?id=1\)/);
});
