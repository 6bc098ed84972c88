/**
 * Memory flat in the number of files: nothing is kept per written record. Each record handed
 * out (onEvent's WrittenRecord, the inputs given to a sink) is collectable once the run is over
 * while its result is still held, and the result's size does not grow with the files.
 */
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { writeWarc } from '../../src/warc/build.js';
import type { WarcEvent } from '../../src/warc/events.js';
import { writeWarcRecords } from '../../src/warc/sinks.js';
import { newRecordId, type WarcRecordInput } from '../../src/warc/writer.js';
import { tempDir } from '../helpers/tmp.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Objects registered here count once they are garbage collected. */
function collectable(): { track(value: object): void; collected(): Promise<number>; tracked: () => number } {
  let tracked = 0;
  let collected = 0;
  const registry = new FinalizationRegistry<undefined>(() => collected++);
  return {
    track(value) {
      tracked++;
      registry.register(value, undefined);
    },
    tracked: () => tracked,
    async collected() {
      // Finalizers run after a collection, on a later turn: collect and wait until they stop coming.
      for (let i = 0, before = -1; i < 20 && collected !== before; i++) {
        before = collected;
        gc();
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return collected;
    },
  };
}

async function site(dir: string, files: number): Promise<string> {
  const root = join(dir, `site-${files}`);
  for (let i = 0; i < files; i++) {
    // Every tenth file an index.html (a revisit too), in its own directory.
    const sub = i % 10 === 0 ? join(root, `p${i}`) : join(root, `d${i % 7}`);
    await mkdir(sub, { recursive: true });
    await writeFile(join(sub, i % 10 === 0 ? 'index.html' : `f${i}.html`), `<p>page ${i}</p>\n`.repeat(1 + (i % 40)));
  }
  return root;
}

test('writeWarc keeps no record per file: every WrittenRecord told to onEvent is collectable after the run, the result still held', async () => {
  const dir = await tempDir();
  const input = await site(dir, 400);
  const records = collectable();
  const onEvent = (event: WarcEvent): void => {
    if (event.type === 'record') records.track(event.record);
  };
  const result = await writeWarc({ urlPrefix: 'http://www.example.com/', inputs: [input], name: join(dir, 'out'), onEvent });
  assert.equal(records.tracked(), result.records);
  const collected = await records.collected();
  assert.ok(collected >= records.tracked() - 2, `${records.tracked() - collected} of ${records.tracked()} written records are still reachable after the run`);
  assert.ok(result.records > 400);
});

test("writeWarc's result does not grow with the number of files", async () => {
  const dir = await tempDir();
  const sizes: number[] = [];
  for (const files of [40, 800]) {
    const result = await writeWarc({ urlPrefix: 'http://www.example.com/', inputs: [await site(dir, files)], name: join(dir, `out-${files}`) });
    assert.equal(result.counts.resource, files);
    sizes.push(JSON.stringify({ ...result, path: '' }).length);
  }
  // Only the digits of the counts and byte total may differ.
  assert.ok(sizes[1]! - sizes[0]! <= 8, `result of ${sizes[0]} characters for 40 files, ${sizes[1]} for 800`);
});

test('writeWarcRecords keeps no record input once written: collectable while the writing goes on, and all of them after', async () => {
  const inputs = collectable();
  const total = 8000;
  let written = 0;
  let midway = 0;
  async function* records(): AsyncGenerator<WarcRecordInput> {
    for (let i = 0; i < total; i++) {
      const input: WarcRecordInput = {
        head: { type: 'resource', recordId: newRecordId(), date: new Date(Date.UTC(2020, 0, 1)), targetUri: `http://www.example.com/${i}`, contentType: 'text/plain', headers: [] },
        payload: { kind: 'buffer', data: Buffer.from(`record ${i}\n`.repeat(1 + (i % 50))) },
        payloadDigest: true,
      };
      inputs.track(input);
      yield input;
    }
    midway = await inputs.collected();
  }
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      written += chunk.length;
      done();
    },
  });
  const result = await writeWarcRecords(records(), sink);
  assert.equal(result.records, total);
  assert.equal(written, result.bytes);
  // The writer's window (2,048 records at most) may still hold the last ones.
  assert.ok(midway >= total - 2600, `only ${midway} of the first ${total} record inputs collectable while writing`);
  const collected = await inputs.collected();
  assert.ok(collected >= total - 2, `${total - collected} of ${total} record inputs are still reachable after the run`);
});
