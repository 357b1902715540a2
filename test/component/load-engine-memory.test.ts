import assert from 'node:assert/strict';
import { test } from 'node:test';
import { memoryEngine } from './memory-engine.js';

test('the engine reaches its rate, every acknowledged message is consumed once, in order', async () => {
  const { engine, stats, integrity, broker, runFor } = memoryEngine('steady', 2_000);
  const { measured } = await runFor(1_000);
  assert.ok(
    measured.publishRate > 1_800 && measured.publishRate < 2_200,
    `publish rate ${measured.publishRate} msg/s, expected 2,000 ± 10 %`,
  );
  assert.equal(stats.sendErrors, 0);
  assert.ok(stats.messagesSent > 1_500, `${stats.messagesSent} acknowledged`);
  assert.equal(stats.messagesReceived, stats.messagesSent, 'consumed == acknowledged');
  assert.deepEqual(engine.backlogBySubscription(), [0]);
  assert.deepEqual(
    { duplicated: integrity.duplicated, outOfOrder: integrity.outOfOrder, lost: integrity.lost },
    { duplicated: 0, outOfOrder: 0, lost: 0 },
  );
  // The engine deleted the topic it created.
  assert.deepEqual(broker.topicNames(), []);
});

test('an injected send error is counted as an error, not as a loss', async () => {
  const { engine, stats, integrity, broker, runFor, sleep } = memoryEngine('send-error', 1_000);
  await runFor(700, async () => {
    await sleep(200);
    broker.failSends(engine.topics[0]!, 'ERR_NOT_ENOUGH_REPLICAS', 1);
    await sleep(200);
    broker.clearSendFaults();
  });
  assert.ok(stats.sendErrors > 10, `${stats.sendErrors} send errors`);
  assert.equal(stats.sendErrorsByReason.get('ERR_NOT_ENOUGH_REPLICAS'), stats.sendErrors);
  assert.equal(stats.messagesReceived, stats.messagesSent, 'everything acknowledged was consumed');
  assert.equal(integrity.lost, 0);
  assert.equal(integrity.undecided, 0);
});

test('a stall shows in the response time', async () => {
  const { stats, broker, runFor, sleep } = memoryEngine('stall', 1_000);
  const { measured } = await runFor(800, async () => {
    await sleep(200);
    broker.stall();
    await sleep(300);
    broker.resume();
  });
  // Response time in µs: the messages sent at the start of the stall waited about 300 ms for their ack.
  assert.ok(measured.responseTime.max >= 250_000, `max response time ${measured.responseTime.max} µs`);
  assert.ok(measured.responseTime.p50 < 100_000, `median response time ${measured.responseTime.p50} µs`);
  assert.equal(stats.sendErrors, 0);
  assert.equal(stats.messagesReceived, stats.messagesSent);
});

test('an acknowledged message the broker drops is counted as lost', async () => {
  const { engine, stats, integrity, broker, runFor, sleep } = memoryEngine('lost', 1_000);
  // The drain cannot empty the backlog (3 messages are gone): it ends at its bound.
  await runFor(
    600,
    async () => {
      await sleep(200);
      broker.dropNext(engine.topics[0]!, 2, 3);
    },
    500,
  );
  assert.equal(stats.sendErrors, 0);
  assert.equal(stats.messagesReceived, stats.messagesSent - 3);
  assert.equal(integrity.lost, 3);
  assert.equal(integrity.duplicated + integrity.outOfOrder, 0);
});

test('a broker that is down fails the start with KAFKA_UNREACHABLE naming it', async () => {
  const { engine, broker } = memoryEngine('down', 100);
  broker.down();
  await assert.rejects(engine.start(), (err: Error & { code?: string }) => {
    assert.equal(err.code, 'KAFKA_UNREACHABLE');
    assert.match(err.message, /component-down did not answer/);
    return true;
  });
  await engine.stop({ flushMs: 100 });
  broker.close();
});
