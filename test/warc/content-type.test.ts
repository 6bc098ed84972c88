import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { parseCharsetSetting } from '../../src/media/charset.js';
import { type ContentTypeOptions, decideContentType } from '../../src/warc/content-type.js';

const open = async (): Promise<Readable> => Readable.from([Buffer.from('<html>caf\xc3\xa9</html>')]);
const base: ContentTypeOptions = { useMagic: 'filename', noXhtml: false, mimeOverrides: [], charset: parseCharsetSetting(undefined) };

test('-c none adds no charset (warcit writes "; charset=none", against its own help: a documented difference)', async () => {
  for (const value of ['none', 'NONE', undefined]) {
    const ct = await decideContentType({ url: 'http://x/a.html', open }, { ...base, charset: parseCharsetSetting(value) });
    assert.deepEqual(ct, { contentType: 'text/html', mime: 'text/html', charset: '' }, String(value));
  }
  const fixed = await decideContentType({ url: 'http://x/a.css', open }, { ...base, charset: parseCharsetSetting('utf-8') });
  assert.equal(fixed.contentType, 'text/css; charset=utf-8');
});

test('types by name follow Python: .tgz is a tar, .py Python source, unknown names text/html', async () => {
  const types = await Promise.all(['a.tgz', 'a.py', 'a.img', 'README'].map(async (name) => (await decideContentType({ url: `http://x/${name}`, open }, base)).mime));
  assert.deepEqual(types, ['application/x-tar', 'text/x-python', 'text/html', 'text/html']);
});

test('a -m override written for warcit\'s raw URL (*café.dat) applies to the file warckit names caf%C3%A9.dat', async () => {
  const { fnmatchToRegExp } = await import('../../src/inputs/url.js');
  const options: ContentTypeOptions = { ...base, mimeOverrides: [[fnmatchToRegExp('*café.dat'), 'video/x-flv']] };
  const got = await decideContentType({ url: 'http://x/caf%C3%A9.dat', open }, options);
  assert.equal(got.contentType, 'video/x-flv');
});
