import assert from 'node:assert/strict';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { locateTool, MediaToolError, toolVersion } from '../../src/media/ffmpeg.js';
import { tempDir } from '../helpers/tmp.js';

async function fakeTool(dir: string, name: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, name);
  await writeFile(path, `#!/bin/sh\necho "${name} version 9.9-fake Copyright"\n`);
  await chmod(path, 0o755);
  return path;
}

test('lookup order: explicit option, FFMPEG_PATH/FFPROBE_PATH, PATH, then the npm-shipped binary', async () => {
  const dir = await tempDir();
  const explicit = await fakeTool(join(dir, 'explicit'), 'ffmpeg');
  const fromEnv = await fakeTool(join(dir, 'env'), 'ffmpeg');
  const onPath = await fakeTool(join(dir, 'bin'), 'ffmpeg');
  const env = { FFMPEG_PATH: fromEnv, PATH: `/nonexistent:${join(dir, 'bin')}` };
  assert.deepEqual(await locateTool('ffmpeg', { explicit, env }), { tool: 'ffmpeg', path: explicit, source: 'option' });
  assert.deepEqual(await locateTool('ffmpeg', { env }), { tool: 'ffmpeg', path: fromEnv, source: 'env' });
  assert.deepEqual(await locateTool('ffmpeg', { env: { PATH: env.PATH } }), { tool: 'ffmpeg', path: onPath, source: 'path' });
  const npm = await locateTool('ffmpeg', { env: { PATH: '' } });
  assert.equal(npm.source, 'npm');
  assert.match(npm.path, /@ffmpeg-installer/);
  const probe = await locateTool('ffprobe', { env: { PATH: '' } });
  assert.match(probe.path, /@ffprobe-installer/);
  assert.match(await toolVersion(npm.path), /^ffmpeg version \S+$/);
});

test('a bad explicit path or FFMPEG_PATH is an error naming it', async () => {
  await assert.rejects(locateTool('ffmpeg', { explicit: '/nonexistent/ffmpeg' }), new MediaToolError('ffmpeg: /nonexistent/ffmpeg is not an executable file'));
  const dir = await tempDir();
  const plain = join(dir, 'ffprobe');
  await writeFile(plain, 'not a program');
  await chmod(plain, 0o644);
  await assert.rejects(locateTool('ffprobe', { env: { FFPROBE_PATH: plain } }), { message: `ffprobe: FFPROBE_PATH=${plain} is not an executable file` });
});

test('toolVersion reads the first line of -version', async () => {
  const dir = await tempDir();
  assert.equal(await toolVersion(await fakeTool(dir, 'ffmpeg')), 'ffmpeg version 9.9-fake');
});
