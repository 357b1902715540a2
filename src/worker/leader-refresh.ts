import type { Producer } from '../driver/driver.js';
import type { BrokerLatency } from '../stats/broker-latency.js';
import type { ProducerStream, SendLoop } from './send-loop.js';

/** How often the partition leaders are read again: a leader election shows in the metrics within this. */
export const LEADER_REFRESH_MS = 5_000;

/**
 * Keeps the send loop's partition → leader broker slot table current: reads each topic's leaders from
 * metadata every LEADER_REFRESH_MS (off the hot path) and hands the slots to SendLoop.setLeaderSlots.
 * A failed read keeps the previous table (the broker may be restarting); the next one retries.
 */
export class LeaderRefresh {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private busy = false;

  constructor(
    private readonly loop: SendLoop,
    private readonly streams: readonly ProducerStream[],
    private readonly clients: () => readonly Producer[],
    private readonly brokers: BrokerLatency,
    private readonly periodMs = LEADER_REFRESH_MS,
  ) {}

  /** A started refresher when per-broker stats are kept (`brokers` given), else undefined. */
  static async startFor(
    brokers: BrokerLatency | undefined,
    loop: SendLoop,
    streams: readonly ProducerStream[],
    clients: () => readonly Producer[],
  ): Promise<LeaderRefresh | undefined> {
    if (brokers === undefined) return undefined;
    const refresh = new LeaderRefresh(loop, streams, clients, brokers);
    await refresh.start();
    return refresh;
  }

  /** Reads the leaders once now, then every period. */
  async start(): Promise<void> {
    this.running = true;
    await this.refresh();
    this.schedule();
  }

  stop(): void {
    this.running = false;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** One pass over the topics (each read once, whatever the number of streams on it). */
  async refresh(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const byTopic = new Map<string, number[] | undefined>();
      for (let i = 0; i < this.streams.length && this.running; i++) {
        const stream = this.streams[i]!;
        if (!byTopic.has(stream.topic)) {
          const client = this.clients()[stream.client];
          const leaders = await client
            ?.partitionLeaders?.(stream.topic, Math.min(this.periodMs, 5_000))
            .catch(() => undefined);
          byTopic.set(
            stream.topic,
            leaders?.map((id) => this.brokers.slotOf(id)),
          );
        }
        const slots = byTopic.get(stream.topic);
        if (slots !== undefined) this.loop.setLeaderSlots(i, slots);
      }
    } finally {
      this.busy = false;
    }
  }

  private schedule(): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      void this.refresh().finally(() => this.schedule());
    }, this.periodMs);
    this.timer.unref();
  }
}
