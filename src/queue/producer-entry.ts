/** @internal What convertMedia loads, dynamically, when it is given a queue. */
export { convertOnQueue } from './producer.js';
export { rulesIdentity } from './rules-file.js';
