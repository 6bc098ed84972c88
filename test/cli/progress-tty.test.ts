/**
 * Progress as a person sees it, in a pseudo-terminal (Python's pty, argv only): bytes written
 * within a 1 GB file while it is written, and a long conversion's percentage as it runs.
 * Piped (not a terminal), the same runs print no progress at all.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdir, open, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { makeClip } from '../convert/clips.js';
import { PTY, PYTHON } from '../helpers/pty.js';
import { tempDir } from '../helpers/tmp.js';

async function inTerminal(argv: string[], cwd: string): Promise<{ code: number | null; screen: string }> {
  const child = spawn(PYTHON!, ['-c', PTY, process.execPath, ...argv], { cwd, stdio: ['ignore', 'pipe', 'inherit'] });
  let screen = '';
  child.stdout.on('data', (c: Buffer) => (screen += c.toString('utf8')));
  const code = await new Promise<number | null>((done) => child.on('exit', done));
  return { code, screen };
}

const skip = PYTHON ? false : 'no python3 for a pseudo-terminal';

test('a 1 GB file: its bytes, percentage, throughput and ETA show while it is written', { skip, timeout: 180_000 }, async () => {
  const dir = await tempDir();
  await mkdir(join(dir, 'in'));
  const fh = await open(join(dir, 'in', 'big.bin'), 'w');
  await fh.truncate(1024 ** 3); // sparse zeros: compressed at level 6, several seconds
  await fh.close();
  const { code, screen } = await inTerminal([resolve('bin/warckit.js'), 'http://x/', 'in'], dir);
  assert.equal(code, 0, screen);
  const within = [...screen.matchAll(/big\.bin (\d+(?:\.\d)?) (MB|GB)\/1\.0 GB \((\d+)%\)/g)].map((m) => Number(m[3]));
  assert.ok(within.some((p) => p > 0 && p < 100), `percentages within the file: ${within.join(', ')}\n${screen.slice(0, 2000)}`);
  assert.match(screen, /\d+(\.\d)? MB\/s/);
  assert.match(screen, /ETA \d+:\d\d/);
  const piped = await promisify(execFile)(process.execPath, [resolve('bin/warckit.js'), 'http://x/', 'in', '-n', 'again', '--gzip-level', '1'], { cwd: dir });
  assert.doesNotMatch(piped.stderr, /%|ETA/, 'no progress when stderr is not a terminal');
});

test("a long conversion's percentage shows while ffmpeg runs", { skip, timeout: 120_000 }, async () => {
  const dir = await tempDir();
  await makeClip(join(dir, 'site', 'long.wav'), 'audio', 'wav', 5);
  await writeFile(join(dir, 'rules.yaml'), 'file_types:\n  - ext: .wav\n    conversion_rules:\n      - name: slow\n        ext: flac\n        command: "ffmpeg -y -re -i {input} {output}"\n');
  const { code, screen } = await inTerminal([resolve('bin/warckit-convert.js'), 'http://x/', 'site', '--rules', 'rules.yaml'], dir);
  assert.equal(code, 0, screen);
  const percentages = [...screen.matchAll(/long\.wav\.flac (\d+)%/g)].map((m) => Number(m[1]));
  assert.ok(new Set(percentages.filter((p) => p > 0 && p < 100)).size >= 2, `percentages: ${percentages.join(', ')}\n${screen.slice(0, 2000)}`);
  assert.match(screen, /long\.wav\.flac \d+% ETA \d+:\d\d/);
});
