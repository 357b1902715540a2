import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ClientStats } from '../../../src/stats/client-stats.js';

/** Shaped like librdkafka's statistics JSON (STATISTICS.md), values as librdkafka reports them. */
const statsOf = (brokers: Record<string, Record<string, unknown>>, msgCnt = 0) => ({
  msg_cnt: msgCnt,
  brokers,
});

describe('ClientStats.view: librdkafka per-broker statistics', () => {
  test('rtt (µs) and throttle (ms) become seconds; requests waiting and connection state per broker', () => {
    const s = new ClientStats();
    s.update(
      0,
      statsOf(
        {
          '127.0.0.1:9092/bootstrap': { nodeid: -1, state: 'INIT', outbuf_cnt: 9 },
          '127.0.0.1:9092/1': {
            nodeid: 1,
            state: 'UP',
            outbuf_cnt: 2,
            waitresp_cnt: 5,
            txretries: 1,
            rtt: { avg: 1500, p99: 8000 },
            throttle: { avg: 0, max: 20 },
          },
          '127.0.0.1:9093/2': { nodeid: 2, state: 'CONNECT', outbuf_cnt: 0, waitresp_cnt: 0 },
        },
        12,
      ),
    );
    const v = s.view();
    assert.equal(v.queueMessages, 12);
    assert.equal(v.txRetries, 1);
    assert.deepEqual(
      v.brokers.map((b) => b.broker),
      ['1', '2'],
      'the bootstrap pseudo-broker (nodeid -1) is left out',
    );
    const b1 = v.brokers[0]!;
    assert.deepEqual(
      [
        b1.rttAvgSeconds,
        b1.rttP99Seconds,
        b1.throttleMaxSeconds,
        b1.outbufRequests,
        b1.waitrespRequests,
        b1.state,
      ],
      [0.0015, 0.008, 0.02, 2, 5, 'up'],
    );
    assert.equal(v.brokers[1]!.state, 'down', 'state CONNECT (connecting) is down');
  });

  test('over several clients: worst rtt and state, requests summed', () => {
    const s = new ClientStats();
    s.update(
      0,
      statsOf({
        a: { nodeid: 3, state: 'UP', outbuf_cnt: 1, waitresp_cnt: 2, rtt: { avg: 1000, p99: 2000 } },
      }),
    );
    s.update(
      1,
      statsOf({
        b: { nodeid: 3, state: 'DOWN', outbuf_cnt: 4, waitresp_cnt: 0, rtt: { avg: 3000, p99: 1000 } },
      }),
    );
    const [b] = s.view().brokers;
    assert.deepEqual(
      [b!.rttAvgSeconds, b!.rttP99Seconds, b!.outbufRequests, b!.waitrespRequests, b!.state],
      [0.003, 0.002, 5, 2, 'down'],
    );
  });

  test('a broker no client needed yet (INIT) is idle, not down', () => {
    const s = new ClientStats();
    s.update(0, statsOf({ a: { nodeid: 4, state: 'INIT' } }));
    s.update(1, statsOf({ a: { nodeid: 4, state: 'UP' } }));
    assert.equal(s.view().brokers[0]!.state, 'idle');
  });
});
