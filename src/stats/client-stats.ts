/**
 * The parts of librdkafka's statistics JSON we export (STATISTICS.md: brokers.*.rtt, throttle, txretries,
 * outbuf_cnt, waitresp_cnt, state; msg_cnt).
 */
interface RawStats {
  msg_cnt?: number;
  brokers?: Record<
    string,
    {
      nodeid?: number;
      txretries?: number;
      /** Requests waiting to be sent, and sent but not yet answered. */
      outbuf_cnt?: number;
      waitresp_cnt?: number;
      /** Connection state: "UP" when connected (INIT, DOWN, CONNECT, AUTH…, APIVERSION_QUERY otherwise). */
      state?: string;
      rtt?: { avg?: number; p99?: number };
      throttle?: { avg?: number; max?: number };
    }
  >;
}

/** One broker's round-trip and throttle times, combined over the producer clients, as /metrics exports them. */
export interface BrokerClientStats {
  broker: string;
  rttAvgSeconds: number;
  rttP99Seconds: number;
  throttleAvgSeconds: number;
  throttleMaxSeconds: number;
  /** Requests queued for the broker, not yet sent (outbuf_cnt, summed over clients). */
  outbufRequests: number;
  /** Requests sent, awaiting the broker's answer (waitresp_cnt, summed over clients). */
  waitrespRequests: number;
  /** The connection to the broker, the worst over the clients (down > idle > up). */
  state: BrokerConnectionState;
}

/**
 * librdkafka's broker states, folded: `up` (UP), `idle` (INIT: never needed, e.g. a broker leading none of
 * our partitions), `down` (every other state: disconnected, connecting, authenticating).
 */
export type BrokerConnectionState = 'up' | 'idle' | 'down';
export const BROKER_CONNECTION_STATES: readonly BrokerConnectionState[] = ['up', 'idle', 'down'];

/** Latest statistics per producer client, combined across clients for export. */
export class ClientStats {
  private readonly latest = new Map<number, RawStats>();
  private throttleSinceTake = 0;

  update(client: number, stats: unknown): void {
    const s = stats as RawStats;
    this.latest.set(client, s);
    for (const b of Object.values(s.brokers ?? {}))
      this.throttleSinceTake = Math.max(this.throttleSinceTake, b.throttle?.max ?? 0);
  }

  clear(): void {
    this.latest.clear();
    this.throttleSinceTake = 0;
  }

  /**
   * The highest broker throttle time (ms; a quota at work) in the statistics that arrived since the last call,
   * over brokers and clients; 0 if none arrived. librdkafka's `throttle` is a window over one statistics
   * interval, so a statistics object read twice would count one throttle twice: this reads each once.
   */
  takeThrottleMs(): number {
    const max = this.throttleSinceTake;
    this.throttleSinceTake = 0;
    return max;
  }

  view(): { brokers: BrokerClientStats[]; queueMessages: number; txRetries: number } {
    const brokers = new Map<string, BrokerClientStats>();
    let queueMessages = 0;
    let txRetries = 0;
    for (const s of this.latest.values()) {
      queueMessages += s.msg_cnt ?? 0;
      for (const b of Object.values(s.brokers ?? {})) {
        txRetries += b.txretries ?? 0;
        // Bootstrap pseudo-brokers have nodeid -1; only real brokers are of interest.
        if ((b.nodeid ?? -1) < 0) continue;
        const broker = String(b.nodeid);
        const prev = brokers.get(broker);
        const max = (a: number, x: number | undefined, scale: number): number =>
          Math.max(a, (x ?? 0) / scale);
        // Over clients: the worst latency, throttle and connection state, the requests of all.
        brokers.set(broker, {
          broker,
          rttAvgSeconds: max(prev?.rttAvgSeconds ?? 0, b.rtt?.avg, 1e6),
          rttP99Seconds: max(prev?.rttP99Seconds ?? 0, b.rtt?.p99, 1e6),
          throttleAvgSeconds: max(prev?.throttleAvgSeconds ?? 0, b.throttle?.avg, 1e3),
          throttleMaxSeconds: max(prev?.throttleMaxSeconds ?? 0, b.throttle?.max, 1e3),
          outbufRequests: (prev?.outbufRequests ?? 0) + (b.outbuf_cnt ?? 0),
          waitrespRequests: (prev?.waitrespRequests ?? 0) + (b.waitresp_cnt ?? 0),
          state: worseState(prev?.state, connectionState(b.state)),
        });
      }
    }
    return { brokers: [...brokers.values()], queueMessages, txRetries };
  }
}

/** librdkafka's broker states (rdkafka_broker.h) folded into three: idle (never needed), up, down (the rest). */
function connectionState(state: string | undefined): BrokerConnectionState {
  if (state === 'UP' || state === 'UPDATE') return 'up';
  if (state === 'INIT' || state === undefined) return 'idle';
  return 'down';
}

const RANK: Readonly<Record<BrokerConnectionState, number>> = { up: 0, idle: 1, down: 2 };

function worseState(a: BrokerConnectionState | undefined, b: BrokerConnectionState): BrokerConnectionState {
  return a !== undefined && RANK[a] > RANK[b] ? a : b;
}
