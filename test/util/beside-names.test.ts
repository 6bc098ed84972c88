import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lockName, markerName, NAME_MAX, nameTooLong, partialPrefix } from '../../src/util/beside-names.js';

const bytes = (s: string): number => Buffer.byteLength(s);
const LONG = ['v'.repeat(215) + '.flv.webm', 'é'.repeat(120) + '.flv.webm', 'x'.repeat(255)];

test('partial names: `.<name>.partial-` while a partial of it fits the file system; shortened (the same each time) when not', () => {
  assert.equal(partialPrefix('site.warc.gz'), '.site.warc.gz.partial-');
  for (const name of LONG) {
    const prefix = partialPrefix(name);
    assert.ok(prefix.startsWith('.') && prefix.endsWith('.partial-'), prefix);
    // Room for `<pid>-<8 hex>.<ext>` after it.
    assert.ok(bytes(prefix) + bytes('4194304-0123abcd.webm') <= NAME_MAX, `${bytes(prefix)} bytes`);
    assert.equal(partialPrefix(name), prefix, 'a later run finds what an earlier one left');
    assert.ok(!prefix.includes('\uFFFD'), 'cut between characters, not inside one');
  }
  assert.notEqual(partialPrefix(`${'v'.repeat(250)}a`), partialPrefix(`${'v'.repeat(250)}b`), 'names differing at the end keep apart');
});

test('lock and append-marker names: `<name>.lock`, `<name>.appending`; shortened when they (and their own temporary names) would not fit', () => {
  assert.equal(lockName('site.warc.gz'), 'site.warc.gz.lock');
  assert.equal(markerName('site.warc.gz'), 'site.warc.gz.appending');
  for (const name of ['w'.repeat(242) + '.warc.gz', ...LONG]) {
    assert.ok(lockName(name).endsWith('.lock') && bytes(`${lockName(name)}.break-0123456789abcdef`) <= NAME_MAX, lockName(name));
    assert.ok(markerName(name).endsWith('.appending') && bytes(`${markerName(name)}.4194304`) <= NAME_MAX, markerName(name));
    assert.equal(lockName(name), lockName(name));
  }
  assert.notEqual(lockName(`${'w'.repeat(250)}a`), lockName(`${'w'.repeat(250)}b`));
  assert.equal(nameTooLong('x'.repeat(255)), false);
  assert.equal(nameTooLong('é'.repeat(128)), true, 'counted in bytes');
});
