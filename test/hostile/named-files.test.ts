/**
 * Hostile named files: a FIFO or a symlink to /dev/zero given where a file is read whole
 * (manifest, metadata_file, rules, results file) must be an error naming it, at once; before,
 * each of these blocked forever or filled memory.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../helpers/tmp.js';

const BIN = resolve(import.meta.dirname, '../../../bin');
const P = 'http://e.com/';

async function site(): Promise<{ dir: string; fifo: string; zero: string }> {
  const dir = await tempDir();
  await mkdir(join(dir, 'site'));
  await writeFile(join(dir, 'site', 'a.flv'), 'FLV');
  const fifo = join(dir, 'pipe.yaml');
  execFileSync('mkfifo', [fifo]);
  const zero = join(dir, 'zero.yaml');
  await symlink('/dev/zero', zero);
  return { dir, fifo, zero };
}

/** Run a CLI with a deadline: a hang fails the case instead of the suite. */
function cli(bin: string, args: string[], cwd: string): { status: number | null; stderr: string; timedOut: boolean } {
  const r = spawnSync(process.execPath, [join(BIN, `${bin}.js`), ...args], { cwd, timeout: 20_000, encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr, timedOut: r.error !== undefined };
}

for (const kind of ['fifo', 'zero'] as const) {
  const what = kind === 'fifo' ? /FIFO/ : /character device/;
  test(`hostile: a ${kind === 'fifo' ? 'FIFO' : '/dev/zero symlink'} as --transclusions, --conversions or --rules is an error naming it, at once`, async () => {
    const files = await site();
    const path = files[kind];
    const cases: Array<[string, string[]]> = [
      ['warckit', [P, 'site', '-n', 'out', '--transclusions', path]],
      ['warckit', [P, 'site', '-n', 'out', '--conversions', path]],
      ['warckit-convert', [P, 'site', '--rules', path, '--output-dir', 'conv']],
    ];
    for (const [bin, args] of cases) {
      const r = cli(bin, args, files.dir);
      assert.ok(!r.timedOut, `${bin} ${args.join(' ')}: ended`);
      assert.equal(r.status, 2, `${bin} ${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(`${kind === 'fifo' ? 'pipe' : 'zero'}\\.yaml.*not a regular file`));
      assert.match(r.stderr, what);
    }
  });

  test(`hostile: a ${kind === 'fifo' ? 'FIFO' : '/dev/zero symlink'} as a manifest's metadata_file is an error naming the entry and the file`, async () => {
    const files = await site();
    await writeFile(join(files.dir, 'm.yaml'), `transclusions:\n  ${P}a.flv:\n    url: ${P}p.html\n    timestamp: 2009\n    metadata_file: ${files[kind]}\n`);
    const r = cli('warckit', [P, 'site', '-n', 'out', '--transclusions', 'm.yaml'], files.dir);
    assert.ok(!r.timedOut, 'ended');
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /m\.yaml: transclusions\["http:\/\/e\.com\/a\.flv"\]\[0\]\.metadata_file: .*not a regular file/);
    assert.match(r.stderr, what);
  });
}
