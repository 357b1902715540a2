/**
 * Child process of child-channel.test.ts: says "ready", then on its mode posts COUNT large messages through childChannel and
 * disconnects, through the channel (waiting until all are written, as the producer and consumer processes
 * do) or at once with process.disconnect().
 */
import { childChannel } from '../../../src/worker/child-channel.js';

const COUNT = 100;
const channel = childChannel<{ i: number; pad: string }>();

process.once('message', (mode: 'wait' | 'now') => {
  setImmediate(() => {
    const pad = 'x'.repeat(20_000);
    for (let i = 0; i < COUNT; i++) channel.post({ i, pad });
    if (mode === 'wait') void channel.disconnect();
    else process.disconnect();
  });
});
process.send!('ready');
