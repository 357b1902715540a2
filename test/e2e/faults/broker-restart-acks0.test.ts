/**
 * Issue 6, fault 3: with acks=0 the producer counts a message as sent once it is written to the
 * socket, so a broker crash can lose messages soakbench counted as acknowledged. The integrity
 * checker must count exactly those: once the loss horizon has passed and every gap is settled,
 * lost = acknowledged by soakbench − present in the topic (read with kcat). It may be 0 when the crash
 * happened to lose nothing; the equality is what is checked. Runs its own broker.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { type RestartOutcome, runBrokerRestart } from './broker-restart-scenario.js';
import { metricValue } from './fault-daemon.js';

describe('broker killed for 10 s and restarted under 1,000 msg/s, acks=0', () => {
  let outcome: RestartOutcome;

  before(
    async () => {
      outcome = await runBrokerRestart({
        name: 'fault-restart-acks0',
        producerConfig: ['acks=0'],
        rate: 1_000,
        downMs: 10_000,
        log: (line) => process.stderr.write(`# ${line}\n`),
      });
    },
    { timeout: 115_000 },
  );

  test('lost equals acknowledged minus present in the topic', (t) => {
    const o = outcome;
    const i = o.final.integrity;
    t.diagnostic(
      `acknowledged ${o.acked}, in the topic ${o.present}, received ${o.final.totals.messagesReceived}; ` +
        `lost ${i.lost}, duplicated ${i.duplicated}, out of order ${i.outOfOrder}, late ${i.late}; ` +
        `send errors ${o.final.totals.sendErrors} ${JSON.stringify(o.final.totals.sendErrorsByReason)}`,
    );
    assert.ok(o.acked > 10_000, `produced for a while: ${o.acked}`);
    assert.equal(i.undecidedGaps, 0, 'every gap decided');
    // What the consumer read is what the topic holds (no duplicates in this run), so the checker's
    // view of the topic is complete.
    assert.equal(o.final.totals.messagesReceived, o.present, 'consumed vs end offsets');
    assert.equal(i.lost, o.acked - o.present, 'lost vs acknowledged − present');
    assert.equal(metricValue(o.finalMetrics, 'soakbench_messages_lost_total'), i.lost, '/metrics vs /status');
  });

  test('the daemon stays up and produces again within 15 s of the broker’s return', (t) => {
    const o = outcome;
    t.diagnostic(
      `resume ${o.resumeMs} ms; healthz failures ${o.health.healthFailures.length}; exit ${o.exitCode}`,
    );
    assert.equal(o.health.deadPolls, 0);
    assert.deepEqual(o.health.healthFailures, []);
    assert.ok(o.resumeMs !== undefined && o.resumeMs <= 15_000, `resumed ${o.resumeMs} ms after the return`);
    assert.equal(o.exitCode, 0, o.output);
  });
});
