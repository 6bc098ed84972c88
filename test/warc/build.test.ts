/**
 * writeWarc against a test site, as a directory and as a ZIP: the records warcit writes for
 * the same input (types, target URIs, dates, content types, in walk order), read back by
 * warcio.js with every digest recomputed.
 */
import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeWarc } from '../../src/warc/build.js';
import { WarcTailError } from '../../src/warc/tail-check.js';
import { warcDate } from '../../src/util/timestamps.js';
import { readWarc } from '../helpers/warc-check.js';
import { makeSite, makeZip, SITE_MTIME } from '../helpers/site.js';
import { tempDir } from '../helpers/tmp.js';

const P = 'http://www.example.com/';

/**
 * What warcit writes for SITE_FILES: os.walk order (files of a directory, then its
 * subdirectories; we sort names), a revisit after each index file, Python mimetypes types,
 * text/html for unknown extensions.
 */
function expectedRecords(date: string): Array<[string, string, string, string]> {
  return [
    ['resource', `${P}README`, date, 'text/html'],
    ['resource', `${P}data.json`, date, 'application/json'],
    ['resource', `${P}index.html`, date, 'text/html'],
    ['revisit', P, date, 'application/http; msgtype=response'],
    ['resource', `${P}page.xhtml`, date, 'application/xhtml+xml'],
    ['resource', `${P}style.css`, date, 'text/css'],
    ['resource', `${P}about/index.html`, date, 'text/html'],
    ['revisit', `${P}about/`, date, 'application/http; msgtype=response'],
    ['resource', `${P}about/team%20%231.html`, date, 'text/html'],
    ['resource', `${P}img/logo.png`, date, 'image/png'],
    ['resource', `${P}img/photo%20one.jpg`, date, 'image/jpeg'],
  ];
}

async function records(path: string) {
  const { records: list, problems } = await readWarc(path);
  assert.deepEqual(problems, [], 'every digest recomputed from the payload matches its header');
  return list;
}

const summary = (list: Awaited<ReturnType<typeof records>>) =>
  list.filter((r) => r.type !== 'warcinfo').map((r) => [r.type, r.targetUri!, r.header('WARC-Date')!, r.header('Content-Type')!]);

test('a directory: same records as warcit, file mtimes as WARC-Date', async () => {
  const dir = await tempDir();
  await makeSite(join(dir, 'site'));
  const result = await writeWarc({ urlPrefix: P, inputs: [join(dir, 'site')], name: join(dir, 'out') });
  assert.equal(result.path, join(dir, 'out.warc.gz'));
  const list = await records(result.path);
  assert.equal(list[0]!.type, 'warcinfo');
  assert.match(list[0]!.payload.toString(), /^software: warckit \d+\.\d+\.\d+\r\nformat: WARC File Format 1\.0\r\n/);
  assert.deepEqual(summary(list), expectedRecords(warcDate(SITE_MTIME)));
  const resource = list.find((r) => r.targetUri === `${P}about/team%20%231.html`)!;
  assert.equal(resource.header('WARC-Source-URI'), `file://${join(dir, 'site')}/about/team #1.html`);
  assert.match(resource.header('WARC-Creation-Date')!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.equal(resource.payload.toString(), '<html><body>Team</body></html>\n');
  const revisit = list.find((r) => r.type === 'revisit' && r.targetUri === `${P}about/`)!;
  const index = list.find((r) => r.targetUri === `${P}about/index.html`)!;
  assert.equal(revisit.header('WARC-Refers-To-Target-URI'), `${P}about/index.html`);
  assert.equal(revisit.header('WARC-Payload-Digest'), index.header('WARC-Payload-Digest'));
  assert.deepEqual(result.counts, { warcinfo: 1, resource: 9, revisit: 2 });
});

test('a ZIP file and a path inside it give the same URLs as the directory', async () => {
  const dir = await tempDir();
  await makeZip(join(dir, 'site.zip'), 'www.example.com/');
  const dosAsUtc = new Date(Date.UTC(SITE_MTIME.getFullYear(), SITE_MTIME.getMonth(), SITE_MTIME.getDate(), SITE_MTIME.getHours(), SITE_MTIME.getMinutes(), SITE_MTIME.getSeconds()));
  const result = await writeWarc({ urlPrefix: P, inputs: [join(dir, 'site.zip', 'www.example.com/')], name: join(dir, 'zip') });
  const list = await records(result.path);
  const expected = expectedRecords(warcDate(dosAsUtc));
  assert.deepEqual(
    summary(list).sort((a, b) => a[1]!.localeCompare(b[1]!) || a[0]!.localeCompare(b[0]!)),
    expected.sort((a, b) => a[1]!.localeCompare(b[1]!) || a[0]!.localeCompare(b[0]!)),
  );
  const png = list.find((r) => r.targetUri === `${P}img/logo.png`)!;
  assert.equal(png.header('WARC-Source-URI'), `file://${join(dir, 'site.zip')}/www.example.com/img/logo.png`);
  // The whole ZIP: member paths keep their top directory.
  const whole = await writeWarc({ urlPrefix: P, inputs: [join(dir, 'site.zip')], name: join(dir, 'whole'), date: new Date('2011-02-01T00:00:00Z') });
  const all = await records(whole.path);
  assert.ok(all.some((r) => r.targetUri === `${P}www.example.com/img/photo%20one.jpg` && r.header('WARC-Date') === '2011-02-01T00:00:00Z'));
});

test('--fixed-dt, --no-warcinfo, WARC/1.1 with sha256, plain .warc', async () => {
  const dir = await tempDir();
  await makeSite(join(dir, 'site'));
  const result = await writeWarc({ urlPrefix: P, inputs: [join(dir, 'site')], name: join(dir, 'x.warc.gz'), date: new Date('2010-12-26T10:11:12Z'), warcinfo: false, gzip: false, warcVersion: '1.1', digestAlgorithm: 'sha256' });
  assert.equal(result.path, join(dir, 'x.warc'));
  const text = await readFile(result.path, 'latin1');
  assert.ok(text.startsWith('WARC/1.1\r\nWARC-Type: resource'));
  const list = await records(result.path);
  assert.deepEqual(summary(list), expectedRecords('2010-12-26T10:11:12.000000Z'));
  assert.match(list[0]!.header('WARC-Payload-Digest')!, /^sha256:[A-Z2-7]{52}=*$/);
  assert.equal(list.find((r) => r.type === 'revisit')!.header('WARC-Profile'), 'http://netpreserve.org/warc/1.1/revisit/identical-payload-digest');
});

test('include/exclude, mime overrides, --no-xhtml, --index-files', async () => {
  const dir = await tempDir();
  await makeSite(join(dir, 'site'));
  const result = await writeWarc({
    urlPrefix: P,
    inputs: [join(dir, 'site')],
    name: join(dir, 'f'),
    exclude: ['*.JPG', '*/about/*'],
    include: ['*team*'],
    mimeOverrides: { '*README': 'text/plain', '*.json': 'application/x-test' },
    xhtmlAsHtml: true,
    indexFiles: ['team #1.html'],
  });
  const list = await records(result.path);
  const uris = summary(list).map(([type, uri, , ct]) => `${type} ${uri} ${ct}`);
  assert.deepEqual(uris, [
    `resource ${P}README text/plain`,
    `resource ${P}data.json application/x-test`,
    `resource ${P}index.html text/html`,
    `resource ${P}page.xhtml text/html`,
    `resource ${P}style.css text/css`,
    `resource ${P}about/team%20%231.html text/html`,
    `revisit ${P}about/ application/http; msgtype=response`,
    `resource ${P}img/logo.png image/png`,
  ]);
});

test('charsets: fixed, detected, none for ASCII; content sniffing with --use-magic magic', async () => {
  const dir = await tempDir();
  await makeSite(join(dir, 'site'), {
    'ascii.html': '<html><body>plain ascii</body></html>',
    'latin1.txt': Buffer.from('caf\xe9 cr\xe8me br\xfbl\xe9e, d\xe9j\xe0 vu, na\xefve fa\xe7ade '.repeat(40), 'latin1'),
    'utf8.html': '<html><body>' + 'Grüße aus Köln, naïve façade — déjà vu. '.repeat(40) + '</body></html>',
    'picture.html': (await import('../helpers/site.js')).PNG,
  });
  const fixed = await records((await writeWarc({ urlPrefix: P, inputs: [join(dir, 'site')], name: join(dir, 'fixed'), charset: 'utf-8' })).path);
  assert.deepEqual(fixed.filter((r) => r.type === 'resource').map((r) => r.header('Content-Type')), [
    'text/html; charset=utf-8',
    'text/plain; charset=utf-8',
    'text/html; charset=utf-8',
    'text/html; charset=utf-8',
  ]);
  const auto = await records((await writeWarc({ urlPrefix: P, inputs: [join(dir, 'site')], name: join(dir, 'auto'), charset: 'auto' })).path);
  const types = Object.fromEntries(auto.filter((r) => r.type === 'resource').map((r) => [r.targetUri, r.header('Content-Type')]));
  assert.equal(types[`${P}ascii.html`], 'text/html');
  assert.match(types[`${P}latin1.txt`]!, /^text\/plain; charset=(windows-1252|ISO-8859-1)$/i);
  assert.match(types[`${P}utf8.html`]!, /^text\/html; charset=utf-8$/i);
  const magic = await records((await writeWarc({ urlPrefix: P, inputs: [join(dir, 'site')], name: join(dir, 'magic'), mimeFrom: 'content' })).path);
  const sniffed = Object.fromEntries(magic.filter((r) => r.type === 'resource').map((r) => [r.targetUri, r.header('Content-Type')]));
  assert.equal(sniffed[`${P}picture.html`], 'image/png');
  assert.equal(sniffed[`${P}ascii.html`], 'text/html');
  assert.equal(sniffed[`${P}latin1.txt`], 'text/plain');
});

test('mapfile gives URL, timestamp and Content-Type; log lists every record', async () => {
  const dir = await tempDir();
  await makeSite(join(dir, 'site'));
  await writeFile(join(dir, 'map.tsv'), 'file\tURL\ttimestamp\tContent-Type\nimg/logo.png\thttp://cdn.example.com/logo.png\t20050607\timage/x-custom\nREADME\t\t\ttext/plain; charset=latin-1\n');
  const result = await writeWarc({ urlPrefix: P, inputs: [join(dir, 'site')], name: join(dir, 'm'), mapfile: join(dir, 'map.tsv'), log: join(dir, 'log.csv'), date: new Date('2011-01-01T00:00:00Z') });
  const list = await records(result.path);
  const logo = list.find((r) => r.targetUri === 'http://cdn.example.com/logo.png')!;
  assert.equal(logo.header('WARC-Date'), '2005-06-07T00:00:00Z');
  assert.equal(logo.header('Content-Type'), 'image/x-custom');
  assert.equal(list.find((r) => r.targetUri === `${P}README`)!.header('Content-Type'), 'text/plain; charset=latin-1');
  const log = (await readFile(join(dir, 'log.csv'), 'utf8')).split('\r\n');
  assert.equal(log[0], 'file,Record-Type,URL,timestamp,Content-Type,mime,charset');
  assert.ok(log.includes(`${join(dir, 'site')}/README,resource,${P}README,2011-01-01T00:00:00Z,text/plain; charset=latin-1,text/plain,latin-1`));
  assert.ok(log.includes(`${join(dir, 'site')}/index.html,revisit,${P},2011-01-01T00:00:00Z,,,`));
  assert.equal(log.filter((l) => l).length, 1 + list.length - 1);
});

test('nothing is left behind when a run fails', async () => {
  const dir = await tempDir();
  await makeSite(join(dir, 'site'));
  await writeFile(join(dir, 'dup.csv'), 'file,URL\nindex.html,http://x/\n');
  await assert.rejects(
    writeWarc({ urlPrefix: P, inputs: [join(dir, 'site')], name: join(dir, 'dup'), mapfile: join(dir, 'dup.csv') }),
    (e: Error) => e.message.includes('dup.csv: line 2: row for "index.html" matches a second file') && e.message.includes('about/index.html'),
  );
  assert.deepEqual((await readdir(dir)).sort(), ['dup.csv', 'site']);
});

test('append: onto a cut WARC refused and left as it was; onto a complete one, in place', async () => {
  const dir = await tempDir();
  await makeSite(join(dir, 'site'));
  const first = await writeWarc({ urlPrefix: P, inputs: [join(dir, 'site')], name: join(dir, 'a') });
  const bytes = await readFile(first.path);
  await writeFile(join(dir, 'cut.warc.gz'), bytes.subarray(0, bytes.length - 3));
  await assert.rejects(writeWarc({ urlPrefix: P, inputs: [join(dir, 'site')], name: join(dir, 'cut'), mode: 'append' }), WarcTailError);
  assert.ok((await readFile(join(dir, 'cut.warc.gz'))).equals(bytes.subarray(0, bytes.length - 3)));
  const offsets: number[] = [];
  const second = await writeWarc({ urlPrefix: P, inputs: [join(dir, 'site')], name: join(dir, 'a'), mode: 'append', warcinfo: false, onEvent: (e) => e.type === 'record' && offsets.push(e.record.offset) });
  assert.equal(offsets[0], bytes.length, 'new records start where the old file ended');
  assert.equal(second.bytes, (await readFile(first.path)).length - bytes.length);
  assert.equal((await records(first.path)).length, 23);
  assert.deepEqual((await readdir(dir)).sort(), ['a.warc.gz', 'cut.warc.gz', 'site']);
});

test("the WARC's own files in an input directory are left out, with a warning", async () => {
  const dir = await tempDir();
  await makeSite(dir, { 'index.html': '<p>x</p>' });
  await writeWarc({ urlPrefix: P, inputs: [dir], name: join(dir, 'self') });
  const again = await writeWarc({ urlPrefix: P, inputs: [dir], name: join(dir, 'self'), mode: 'overwrite' });
  assert.deepEqual(again.warnings.filter((w) => w.includes('leaving out')).length, 1);
  assert.deepEqual((await records(again.path)).filter((r) => r.type === 'resource').map((r) => r.targetUri), [`${P}index.html`]);
});

test('a log that cannot be written after the WARC is: the WARC is in place, logError says why; a directory at its name is refused before', async () => {
  const dir = await tempDir();
  await makeSite(join(dir, 'site'));
  await writeFile(join(dir, 'afile'), '');
  const result = await writeWarc({ urlPrefix: P, inputs: [join(dir, 'site')], name: join(dir, 'l'), log: join(dir, 'afile', 'log.csv') });
  assert.match(result.logError ?? '', /cannot write .*afile\/log\.csv: a parent is not a directory/);
  assert.equal((await records(result.path)).length, 12);
  await mkdir(join(dir, 'log.csv'));
  await assert.rejects(writeWarc({ urlPrefix: P, inputs: [join(dir, 'site')], name: join(dir, 'm'), log: join(dir, 'log.csv') }), /log\.csv: is a directory/);
  assert.deepEqual((await readdir(dir)).sort(), ['afile', 'l.warc.gz', 'log.csv', 'site']);
});

test('results entries matching no input are returned with their cause', async () => {
  const dir = await tempDir();
  await makeSite(join(dir, 'site'), { 'a.flv': 'flv' });
  await writeFile(join(dir, 'a.webm'), 'webm');
  await writeFile(join(dir, 'results.yaml'), `conversions:\n  http://example.com/a.flv:\n  - {url: http://example.com/a.flv.webm, output: ${join(dir, 'a.webm')}, success: true}\n`);
  const result = await writeWarc({ urlPrefix: P, inputs: [join(dir, 'site')], name: join(dir, 'u'), conversions: join(dir, 'results.yaml') });
  assert.deepEqual(result.unmatchedConversions.map((u) => [u.source, u.closestInput]), [['http://example.com/a.flv', `${P}a.flv`]]);
  assert.equal(result.counts.conversion, undefined);
});

test('an input given twice, or inside another input: archived twice (as warcit does), with a warning naming both', async () => {
  const dir = await tempDir();
  await makeSite(join(dir, 'site'), { 'a.html': 'a' });
  const site = join(dir, 'site');
  const result = await writeWarc({ urlPrefix: P, inputs: [site, join(site, 'a.html')], name: join(dir, 'twice'), warcinfo: false });
  assert.equal(result.counts.resource, 2);
  assert.deepEqual(result.warnings, [`${join(site, 'a.html')} is inside ${site}, also an input: its files are archived twice`]);
});

test('a symbolic link to a directory is not followed (as warcit), and the run says so, naming it and where it points', async () => {
  const dir = await tempDir();
  await makeSite(join(dir, 'site'), { 'a.html': 'a' });
  await makeSite(join(dir, 'shared'), { 'b.html': 'b' });
  await symlink(join(dir, 'shared'), join(dir, 'site', 'shared'));
  const result = await writeWarc({ urlPrefix: P, inputs: [join(dir, 'site')], name: join(dir, 'w'), warcinfo: false });
  assert.equal(result.counts.resource, 1);
  assert.deepEqual(result.warnings, [`${join(dir, 'site', 'shared')}: a symbolic link to a directory (${join(dir, 'shared')}), not followed (nor by warcit): give it as an input to archive what it holds`]);
});

test('a file that cannot be read when its turn comes (removed since it was listed): left out, named with why, the rest written; the run and its log report it', async () => {
  const dir = await tempDir();
  await makeSite(join(dir, 'site'), { 'a.html': 'a', 'index.html': 'i' });
  const site = join(dir, 'site');
  // A file on disk, named as an object: listed, then gone by its turn.
  const gone = { url: 'http://www.example.com/gone.html', path: 'downloads/gone.html', filePath: join(dir, 'gone.html'), size: 4000, open: () => createReadStream(join(dir, 'gone.html')) };
  const events: string[] = [];
  const result = await writeWarc({ urlPrefix: P, inputs: [site, gone], name: join(dir, 'w'), warcinfo: false, log: join(dir, 'log.csv'), onEvent: (e) => e.type === 'input-unreadable' && events.push(e.input.path) });
  assert.deepEqual(result.unreadableInputs.map((u) => u.path), ['downloads/gone.html']);
  assert.match(result.unreadableInputs[0]!.problem, /does not exist|ENOENT/);
  assert.deepEqual(events, ['downloads/gone.html']);
  assert.deepEqual((await records(result.path)).map((r) => r.targetUri), [`${P}a.html`, `${P}index.html`, P]);
  const logged = (await readFile(join(dir, 'log.csv'), 'utf8')).trim().split('\r\n').slice(1).map((line) => line.split(',')[2]);
  assert.deepEqual(logged, [`${P}a.html`, `${P}index.html`, P], 'the log lists what is in the WARC, not the file left out');
});

test('inputs that hold no file to archive (an empty directory, or all left out by --exclude): the WARC is written and the run warns that it holds no files', async () => {
  const dir = await tempDir();
  await mkdir(join(dir, 'empty'), { recursive: true });
  const empty = await writeWarc({ urlPrefix: P, inputs: [join(dir, 'empty')], name: join(dir, 'e') });
  assert.equal(empty.records, 1, 'the warcinfo record');
  assert.ok(empty.warnings.some((w) => /no files to archive: the inputs hold none/.test(w)), empty.warnings.join('\n'));
  await makeSite(join(dir, 'site'));
  const excluded = await writeWarc({ urlPrefix: P, inputs: [join(dir, 'site')], name: join(dir, 'x'), exclude: ['*'] });
  assert.ok(excluded.warnings.some((w) => /no files to archive: .*--include\/--exclude/.test(w)), excluded.warnings.join('\n'));
  const some = await writeWarc({ urlPrefix: P, inputs: [join(dir, 'site')], name: join(dir, 's') });
  assert.ok(!some.warnings.some((w) => /no files to archive/.test(w)));
});

test('a log path that is one of the input files is refused before anything is written: the file is left as it was (warcit replaces it with the log)', async () => {
  const dir = await tempDir();
  await makeSite(join(dir, 'site'), { 'a.html': '<html>precious</html>' });
  const page = join(dir, 'site', 'a.html');
  for (const inputs of [[join(dir, 'site')], [page]]) {
    await assert.rejects(writeWarc({ urlPrefix: P, inputs, name: join(dir, 'w'), log: page }), (e: Error) => {
      assert.match(e.message, /a\.html is one of the files to archive \(input .*\): refusing to replace it with the log; give the log another path/);
      return true;
    });
    assert.equal(await readFile(page, 'utf8'), '<html>precious</html>');
    assert.deepEqual((await readdir(dir)).filter((f) => f.startsWith('w.')), []);
  }
  // A new log inside an input directory is fine.
  const ok = await writeWarc({ urlPrefix: P, inputs: [join(dir, 'site')], name: join(dir, 'w'), log: join(dir, 'site', 'new-log.csv') });
  assert.ok(ok.records > 1);
});
