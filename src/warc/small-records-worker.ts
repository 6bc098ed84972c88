/** @internal A thread preparing small records (see small-records.ts and small-batch.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import type { EncodeSettings } from './encode.js';
import { BatchEncoder, CLOSE_MESSAGE, type SmallBatch } from './small-batch.js';

const encoder = new BatchEncoder(workerData as EncodeSettings);

parentPort!.on('message', (batch: SmallBatch | typeof CLOSE_MESSAGE) => {
  if (batch === CLOSE_MESSAGE) {
    parentPort!.close(); // nothing else keeps the thread alive: it ends here
    return;
  }
  const reply = encoder.encode(batch);
  parentPort!.postMessage(reply, [reply.buffer, reply.ends.buffer as ArrayBuffer]);
});
