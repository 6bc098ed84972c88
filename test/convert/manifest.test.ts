/** warckit-convert --manifest: md5 and sha256 manifests of sources and outputs, checked on the next run. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { main } from '../../src/cli/convert.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { makeClip } from './clips.js';

const run = promisify(execFile);
const P = 'http://www.example.com/';

test('--manifest writes md5sum/sha256sum manifests of sources and outputs; the next run reports what changed or went missing', async () => {
  const dir = await tempDir();
  const site = join(dir, 'site');
  await makeClip(join(site, 'a.wav'), 'audio', 'wav');
  await makeClip(join(site, 'b.mp4'), 'av', 'mp4');
  const out = join(dir, 'out');
  const first = await runCli(main, [P, site, '--output-dir', out, '--manifest', '-j', '2']);
  assert.equal(first.code, 0, first.stderr);
  const md5 = await readFile(join(out, 'manifest.md5'), 'utf8');
  assert.equal(md5.trim().split('\n').length, 2 + 3 + 2, 'two sources, their five outputs');
  assert.match(md5, /^[0-9a-f]{32} {2}\.\.\/site\/a\.wav$/m);
  await run('md5sum', ['-c', '--quiet', 'manifest.md5'], { cwd: out });
  await run('sha256sum', ['-c', '--quiet', 'manifest.sha256'], { cwd: out });

  const again = await runCli(main, [P, site, '--output-dir', out, '--manifest']);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /fixity: 7 file\(s\) of the last run's manifests checked, 0 missing, 0 changed/);

  // bit rot in a source (same size), an output deleted
  const wav = join(site, 'a.wav');
  const bytes = await readFile(wav);
  bytes[bytes.length - 10] = bytes[bytes.length - 10]! ^ 1;
  await writeFile(wav, bytes);
  const mp3 = md5.split('\n').find((l) => l.endsWith('a.wav.mp3'))!.slice(34);
  await rm(join(out, mp3));
  const rotten = await runCli(main, [P, site, '--output-dir', out, '--manifest', '-q']);
  assert.equal(rotten.code, 1);
  assert.match(rotten.stderr, /fixity: .*site\/a\.wav: md5 is [0-9a-f]{32}, .*manifest\.md5 says/);
  assert.match(rotten.stderr, /fixity: .*a\.wav\.mp3: missing/);
  assert.match(rotten.stderr, /fixity: 7 file\(s\) of the last run's manifests checked, 1 missing, 1 changed/);
  // the manifests now hold what is there
  await run('sha256sum', ['-c', '--quiet', 'manifest.sha256'], { cwd: out });
});

test('--manifest: a source whose name is not UTF-8 cannot be named in the manifests (UTF-8 text): it is reported as not listed, exit 1, not silently left out', async () => {
  const dir = await tempDir();
  const site = join(dir, 'site');
  await mkdir(site);
  await writeFile(Buffer.concat([Buffer.from(`${site}/caf`), Buffer.from([0xe9]), Buffer.from('.flv')]), 'FLV bytes 1');
  await writeFile(join(site, 'ok.flv'), 'FLV bytes 2');
  await writeFile(join(dir, 'rules.yaml'), "rules:\n  - &copy {name: copy, ext: webm, args: [cp, '{input}', '{output}'], mime: video/webm}\nfile_types:\n  - {ext: .flv, conversion_rules: [*copy]}\n");
  const out = join(dir, 'out');
  const r = await runCli(main, [P, site, '--rules', join(dir, 'rules.yaml'), '--output-dir', out, '--manifest', '-q']);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /fixity: .*site\/caf%E9\.flv: not listed in the manifests: its name is not UTF-8/);
  const sha256 = await readFile(join(out, 'manifest.sha256'), 'utf8');
  assert.match(sha256, / {2}\.\.\/site\/ok\.flv$/m);
  assert.equal(sha256.trim().split('\n').length, 3, 'ok.flv and both outputs');
  await run('sha256sum', ['-c', '--quiet', 'manifest.sha256'], { cwd: out });
});
