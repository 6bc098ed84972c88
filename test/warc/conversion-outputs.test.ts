/** Conversion outputs must resolve inside the results file's directory (links followed). */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import type { ConversionResult } from '../../src/convert/results.js';
import { checkConversionOutput, conversionsRoot, isInside } from '../../src/warc/conversion-outputs.js';
import { tempDir } from '../helpers/tmp.js';

const entry = (output: string, sha?: string): ConversionResult => ({ url: 'http://x/a.webm', output, metadata: {}, type: 'conversion', success: true, ...(sha ? { output_sha256: sha } : {}) });

test('isInside: the root and below, never beside or above', () => {
  assert.equal(isInside('/a/b', '/a/b'), true);
  assert.equal(isInside('/a/b', '/a/b/c/d'), true);
  assert.equal(isInside('/a/b', '/a/bc'), false);
  assert.equal(isInside('/a/b', '/a'), false);
  assert.equal(isInside('/a/b', '/etc/passwd'), false);
  assert.equal(isInside('/', '/etc/passwd'), true);
});

test('outside the root: refused without being read; inside: checked as before', async () => {
  const dir = await tempDir();
  await mkdir(join(dir, 'conv', 'site'), { recursive: true });
  await writeFile(join(dir, 'conv', 'site', 'a.webm'), 'webm');
  await writeFile(join(dir, 'secret'), 'secret');
  await symlink(join(dir, 'secret'), join(dir, 'conv', 'site', 'link.webm'));
  await symlink(join(dir, 'conv', 'site', 'a.webm'), join(dir, 'inward.webm'));
  const root = await conversionsRoot(join(dir, 'conv', 'warcit-conversion-results.yaml'), undefined);
  const sha = createHash('sha256').update('secret').digest('hex');
  for (const output of ['/etc/passwd', relative(process.cwd(), join(dir, 'secret')), join(dir, 'conv', '..', 'secret'), join(dir, 'conv', 'site', 'link.webm')]) {
    const r = await checkConversionOutput(entry(output, sha), root);
    assert.ok(!r.ok && r.refused, output);
    assert.match((r as { reason: string }).reason, /outside .*conv, the directory the results file speaks for/);
  }
  assert.ok((await checkConversionOutput(entry(join(dir, 'conv', 'site', 'a.webm')), root)).ok);
  assert.ok((await checkConversionOutput(entry(join(dir, 'inward.webm')), root)).ok, 'a link from outside into the directory is fine');
  assert.deepEqual(await checkConversionOutput(entry(join(dir, 'conv', 'gone.webm')), root), { ok: false, refused: false, reason: 'file missing' });
  assert.ok((await checkConversionOutput(entry(join(dir, 'secret'), sha), await conversionsRoot('r.yaml', dir))).ok, 'allowed with an explicit directory');
});

test('outputs named as their URL are the conversions\' own files, whatever their name holds: "100% real.dat.copy" (URL …/100%%20real.dat.copy), "café.flv.webm" (…/caf%C3%A9.flv.webm)', async () => {
  const { conversionFiles } = await import('../../src/warc/conversion-outputs.js');
  const entry = (output: string, url: string) => ({ url, output, metadata: {}, type: 'conversion', success: true });
  const files = conversionFiles({ conversions: { 'http://x/100%%20real.dat': [entry('/c/site/100% real.dat.copy', 'http://x/100%%20real.dat.copy')], 'http://x/caf%C3%A9.flv': [entry('/c/site/café.flv.webm', 'http://x/caf%C3%A9.flv.webm')] } });
  assert.ok(files.has('/c/site/100% real.dat.copy'));
  assert.ok(files.has('/c/site/café.flv.webm'));
});
