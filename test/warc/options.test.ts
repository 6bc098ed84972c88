import assert from 'node:assert/strict';
import { basename } from 'node:path';
import { test } from 'node:test';
import { warcFileName } from '../../src/warc/options.js';

test('WARC name: from -n (its .warc.gz/.warc/.gz dropped), else the first input; never a hidden ".warc.gz" or "..warc.gz"', () => {
  assert.equal(warcFileName(undefined, 'www.example.com/', true), 'www.example.com.warc.gz');
  assert.equal(warcFileName('my.site', 'x', true), 'my.site.warc.gz');
  assert.equal(warcFileName('out/site.warc.gz', 'x', false), 'out/site.warc');
  // A directory as -n (trailing '/', '.', '..'): the WARC goes in it, named as without -n.
  assert.equal(warcFileName('out/', 'www.example.com/', true), 'out/www.example.com.warc.gz');
  assert.equal(warcFileName('/', 'site', true), '/site.warc.gz');
  assert.equal(warcFileName('.', 'site', true), './site.warc.gz');
  assert.equal(warcFileName('../x/..', 'site', true), '../x/../site.warc.gz');
  // An input '.' or '..' is named after the directory it is.
  assert.equal(warcFileName(undefined, '.', true), `${basename(process.cwd())}.warc.gz`);
  assert.equal(warcFileName('', 'site', true), 'site.warc.gz');
});
