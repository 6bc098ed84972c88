/** A record thread that dies on its first batch (exit code 3), for the pool's tests. */
import { parentPort } from 'node:worker_threads';

parentPort?.once('message', () => process.exit(3));
