import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalCharset, decodeHtml, sniffCharset } from '../../src/replay/html-bytes.js';

test('charset: as a browser settles it — BOM, declared, <meta>, valid UTF-8, else windows-1252', () => {
  const cases: Array<[Buffer, string | undefined, string]> = [
    [Buffer.from('\ufeff<p>x</p>', 'utf8'), 'iso-8859-1', 'utf-8'],
    [Buffer.from('<p>\xe9</p>', 'latin1'), 'ISO-8859-2', 'iso-8859-2'],
    [Buffer.from('<meta charset="koi8-r"><p>x</p>', 'latin1'), undefined, 'koi8-r'],
    [Buffer.from('<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=Shift_JIS">', 'latin1'), undefined, 'shift_jis'],
    [Buffer.from('<meta charset="no-such-charset"><p>é</p>', 'utf8'), undefined, 'utf-8'],
    [Buffer.from('<p>caf\xe9</p>', 'latin1'), undefined, 'windows-1252'],
    [Buffer.from('<p>latin1 declared</p>', 'latin1'), 'latin1', 'windows-1252'],
  ];
  for (const [bytes, declared, expected] of cases) assert.equal(sniffCharset(bytes, declared), expected, bytes.toString('latin1'));
  assert.throws(() => canonicalCharset('x-nonsense'), /unknown charset "x-nonsense"/);
});

test('decode: every tag boundary maps back to its byte offset, whatever the charset', () => {
  const cases: Array<[Buffer, string]> = [
    [Buffer.from('<p>日本語</p><b>✓</b>\r\n<i a="é">x</i>', 'utf8'), 'utf-8'],
    [Buffer.from('\ufeff<p>é</p><b>x</b>', 'utf8'), 'utf-8'],
    [Buffer.from('<p>caf\xe9 \x80</p><b>\x93x\x94</b>', 'latin1'), 'windows-1252'],
    [Buffer.concat([Buffer.from('<p>'), Buffer.from([0x95, 0x5c, 0x82, 0xa0]), Buffer.from('</p><b>'), Buffer.from([0x95, 0x5c]), Buffer.from('</b>')]), 'shift_jis'],
  ];
  for (const [bytes, charset] of cases) {
    const decoded = decodeHtml(bytes, charset);
    for (let i = 0; i < decoded.text.length; i++) {
      if (decoded.text[i] !== '<') continue;
      const at = decoded.byteOffset(i);
      assert.equal(bytes[at], 0x3c, `${charset}: '<' at text ${i} is '<' at byte ${at}`);
      const close = decoded.text.indexOf('>', i);
      assert.equal(bytes[decoded.byteOffset(close + 1) - 1], 0x3e, `${charset}: the end of that tag`);
    }
    assert.equal(decoded.byteOffset(decoded.text.length), bytes.length);
    assert.throws(() => decoded.byteOffset(decoded.text.indexOf('>') - 1), /not at a tag boundary/);
  }
});
