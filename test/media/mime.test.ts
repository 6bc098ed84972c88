import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { createMimeTypes, DEFAULT_MIME_TYPES_FILES, mediaTypeProblem, mimeFromName } from '../../src/media/mime.js';
import { tempDir } from '../helpers/tmp.js';

// What Python 3.11's mimetypes.guess_type(url, strict=False)[0] answers with no mime.types file
// (and warcit's own .ico), checked by hand against Python.
const BUILT_IN: Array<[string, string | undefined]> = [
  ['http://x/a.swf', 'application/x-shockwave-flash'],
  ['http://x/a.py', 'text/x-python'],
  ['http://x/a.tgz', 'application/x-tar'], // .tgz stands for .tar.gz; the encoding is dropped
  ['http://x/a.TGZ', 'application/x-tar'],
  ['http://x/a.svgz', 'image/svg+xml'],
  ['http://x/a.html.gz', 'text/html'],
  ['http://x/a.tar.Z', 'application/x-tar'],
  ['http://x/a.tar.z', undefined], // encodings are case-sensitive
  ['http://x/a.HTML.GZ', undefined],
  ['http://x/a.gz', undefined],
  ['http://x/a.mid', 'audio/midi'], // a common (non-strict) type
  ['http://x/a.jpg', 'image/jpeg'], // strict wins over common image/jpg
  ['http://x/a.JPG', 'image/jpeg'],
  ['http://x/a.ico', 'image/x-icon'], // warcit registers it
  ['http://x/a.img', undefined],
  ['http://x/a.php', undefined],
  ['http://x/.htaccess', undefined], // a leading dot is not an extension
  ['http://x/..html', undefined], // only dots before the last one: no extension
  ['http://x/dir.d/README', undefined],
  ['http://x/a.html%23x', undefined],
  ['a.css', 'text/css'],
  ['data:image/gif;base64,R0lG', 'image/gif'],
  ['data:foo,bar', 'text/plain'],
  ['DATA:text/x-y;a=b,1', 'text/x-y'],
  ['data:nocomma', undefined],
];

test("guesses like Python's mimetypes with its built-in table only", () => {
  const mime = createMimeTypes([]);
  for (const [url, expected] of BUILT_IN) assert.equal(mime.guess(url), expected, url);
});

test('mime.types files are read over the built-in table, in order, later entries winning, as Python reads them', async () => {
  const dir = await tempDir();
  const first = join(dir, 'first.types');
  const second = join(dir, 'second.types');
  await writeFile(first, '# comment line\napplication/vnd.adobe.flash.movie\tswf\nvideo/mp2t ts m2t # trailing comment ignored\r\naudio/sp-midi mid\ntext/x-a\tQq\n\nimage/png ico\n');
  await writeFile(second, 'video/vnd.dlna.mpeg-tts ts\n#text/x-php php\ntext/x-b b#c\n');
  const mime = createMimeTypes([first, join(dir, 'absent.types'), second]);
  assert.equal(mime.guess('http://x/a.swf'), 'application/vnd.adobe.flash.movie');
  assert.equal(mime.guess('http://x/a.ts'), 'video/vnd.dlna.mpeg-tts');
  assert.equal(mime.guess('http://x/a.m2t'), 'video/mp2t');
  assert.equal(mime.guess('http://x/a.mid'), 'audio/sp-midi'); // a file's entry is standard: it beats a common type
  assert.equal(mime.guess('http://x/a.comment'), undefined);
  assert.equal(mime.guess('http://x/a.php'), undefined);
  assert.equal(mime.guess('http://x/a.b#c'), 'text/x-b'); // '#' inside a word does not start a comment
  assert.equal(mime.guess('http://x/a.Qq'), undefined); // suffixes are stored as written, looked up lower-cased
  assert.equal(mime.guess('http://x/a.qq'), undefined);
  assert.equal(mime.guess('http://x/a.ico'), 'image/x-icon'); // warcit's own registration comes last
});

test('a mime.types that is a FIFO is passed over, as Python passes over what is not a file', async () => {
  const dir = await tempDir();
  const fifo = join(dir, 'mime.types');
  execFileSync('mkfifo', [fifo]);
  assert.equal(createMimeTypes([fifo]).guess('http://x/a.swf'), 'application/x-shockwave-flash');
});

test("the default table reads Python's known files, /etc/mime.types first", () => {
  assert.equal(DEFAULT_MIME_TYPES_FILES[0], '/etc/mime.types');
  assert.ok(DEFAULT_MIME_TYPES_FILES.includes('/etc/apache2/mime.types'));
  // Stable on any system: Python's built-in suffix map, and a query string is not part of the name.
  assert.equal(mimeFromName('http://x/a.tgz?x=1.png'), 'application/x-tar');
  assert.equal(mimeFromName('http://x/a.html?x=1.png'), 'text/html');
  assert.equal(mimeFromName('http://x/page?x=1.png'), undefined);
});

test('mediaTypeProblem: type/subtype with parameters passes; a missing slash, spaces, a line break or a bad parameter is named', () => {
  for (const ok of ['text/html', 'video/x-flv', 'text/html; charset=utf-8', 'application/vnd.youtube-dl_formats+json', 'text/plain;charset="iso-8859-1"', 'audio/webm; codecs=opus']) assert.equal(mediaTypeProblem(ok), undefined, ok);
  assert.match(mediaTypeProblem('texthtml')!, /not a MIME type \(type\/subtype/);
  assert.match(mediaTypeProblem('text/ html')!, /not a MIME type/);
  assert.match(mediaTypeProblem('text/html\r\nX-Injected: yes')!, /line break|control character/);
  assert.match(mediaTypeProblem('text/html; charset')!, /parameter/);
  assert.match(mediaTypeProblem('')!, /empty/);
});
