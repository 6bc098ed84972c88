/** Local runs stay as they were: BullMQ (and ioredis) are never loaded without --queue. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { tempDir } from '../helpers/tmp.js';

const run = promisify(execFile);
const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../../bin');
// A module loader hook that fails any import of the queue's modules.
const HOOKS = `export async function resolve(specifier, context, next) {
  if (/^(bullmq|ioredis)$|\\/queue\\/(producer|producer-entry|worker)\\.js$/.test(specifier)) throw new Error('loaded ' + specifier);
  return next(specifier, context);
}`;

test('warckit-convert without --queue loads neither BullMQ nor ioredis (and with it, does)', async () => {
  const dir = await tempDir();
  await writeFile(join(dir, 'hooks.mjs'), HOOKS);
  await writeFile(join(dir, 'register.mjs'), "import { register } from 'node:module';\nregister('./hooks.mjs', import.meta.url);\n");
  await mkdir(join(dir, 'site'));
  await writeFile(join(dir, 'site', 'a.dat'), 'hello');
  await writeFile(join(dir, 'rules.yaml'), "rules:\n  - &copy {name: copy, ext: txt, args: [cp, '{input}', '{output}']}\nfile_types:\n  - {ext: .dat, conversion_rules: [*copy]}\n");
  const argv = ['--import', join(dir, 'register.mjs'), join(BIN, 'warckit-convert.js'), 'http://www.example.com/', join(dir, 'site'), '--rules', join(dir, 'rules.yaml'), '--output-dir', join(dir, 'out')];
  const local = await run(process.execPath, argv);
  assert.match(local.stderr, /1 converted/);
  const queued = await run(process.execPath, [...argv, '--queue', 'redis://127.0.0.1:1/0']).then(
    () => assert.fail('expected the hook to stop the queue run'),
    (error: { code: number; stderr: string }) => error,
  );
  assert.equal(queued.code, 2);
  // The bundled CLI imports BullMQ from its queue chunk; the compiled modules import the producer first.
  assert.match(queued.stderr, /loaded (bullmq|ioredis|\.\.\/queue\/producer-entry\.js)/);
});
