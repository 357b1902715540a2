/**
 * The librdkafka producer clients of one send loop, in the main process (load-engine.ts) or in a
 * producer child process (producer-runner.ts): how each is configured, and its replacement after a
 * fatal error. docs/architecture.md, "The life of a message" (step 2) and "Processes".
 */
import type { Driver, DriverSettings, Producer } from '../driver/driver.js';

export type DeliveryHandler = (errorCode: string | null, token: number) => void;

export interface ProducerClientsOptions {
  driver: Driver;
  settings: DriverSettings;
  /** In client ids: which run a client belongs to. */
  runTag: string;
  count: number;
  /** client.id suffixes and statistics indexes start here (unique over producer processes). */
  indexBase?: number;
  /** librdkafka statistics.interval.ms; 0 or absent: off. */
  statisticsIntervalMs?: number;
  onStats?: (index: number, stats: unknown) => void;
  onError?: (err: Error) => void;
  /** A client failed fatally and is being replaced. */
  onRestart?: (reason: string) => void;
  log?: (event: string, fields?: Record<string, unknown>) => void;
}

/** The clients, read by the send loop through `list` (a replacement takes its place in the same array). */
export class ProducerClients {
  readonly list: Producer[] = [];
  private readonly o: ProducerClientsOptions;
  private readonly replacing = new Set<number>();
  private onDelivery: DeliveryHandler = () => {};
  private closed = false;

  constructor(options: ProducerClientsOptions) {
    this.o = options;
  }

  /** Creates and connects the clients; delivery reports go to `onDelivery`. */
  async connect(onDelivery: DeliveryHandler): Promise<void> {
    this.onDelivery = onDelivery;
    for (let i = 0; i < this.o.count; i++) this.list.push(this.newClient(i));
    await Promise.all(this.list.map((c) => c.connect()));
  }

  flush(timeoutMs: number): Promise<unknown> {
    return Promise.all(this.list.map((c) => c.flush(timeoutMs)));
  }

  /** Closes every client; no replacement starts afterwards. */
  close(timeoutMs: number): Promise<unknown> {
    this.closed = true;
    return Promise.all(this.list.map((c) => c.close(timeoutMs)));
  }

  /** Stops replacing clients (the engine is stopping). */
  stopReplacing(): void {
    this.closed = true;
  }

  private newClient(i: number): Producer {
    const { settings } = this.o;
    const statsMs = this.o.statisticsIntervalMs ?? 0;
    const onStats = this.o.onStats;
    const index = (this.o.indexBase ?? 0) + i;
    // A client.id from the driver file is kept as it is (broker quotas are set per client id);
    // otherwise each client gets one that says which run it belongs to.
    const overrides: Record<string, string | number> = {};
    if (settings.producer['client.id'] === undefined)
      overrides['client.id'] = `soakbench-${this.o.runTag}-${index}`;
    // librdkafka allows a million requests in flight per connection; the Java client 5. Java's default
    // keeps batches fuller under load (fewer, larger requests), which is what OMB numbers assume.
    if (
      settings.producer['max.in.flight.requests.per.connection'] === undefined &&
      settings.producer['max.in.flight'] === undefined
    ) {
      overrides['max.in.flight.requests.per.connection'] = 5;
    }
    if (statsMs > 0) overrides['statistics.interval.ms'] = statsMs;
    return this.o.driver.producer({
      onDelivery: this.onDelivery,
      overrides,
      onStats: statsMs > 0 && onStats ? (stats) => onStats(index, stats) : undefined,
      onError: this.o.onError,
      onFatal: (err) => void this.replace(i, err),
    });
  }

  /**
   * A producer client hit a fatal error: a new one takes its place (the send loop reads the same
   * array), after a backoff of 1, 2, 4 … 30 s while connecting fails. Messages the old one still held
   * fail with its close and are counted as send errors.
   */
  private async replace(i: number, err: Error): Promise<void> {
    if (this.closed || this.replacing.has(i)) return;
    this.replacing.add(i);
    this.o.log?.('producer client failed; replacing it', { client: i, error: err.message });
    this.o.onRestart?.(err.message);
    const old = this.list[i]!;
    for (let attempt = 0; !this.closed; attempt++) {
      await new Promise((r) => setTimeout(r, Math.min(30_000, 1_000 * 2 ** attempt)));
      const next = this.newClient(i);
      try {
        await next.connect();
        this.list[i] = next;
        break;
      } catch (e) {
        await next.close(1_000).catch(() => {});
        this.o.log?.('producer client replacement failed; retrying', {
          client: i,
          error: (e as Error).message,
        });
      }
    }
    this.replacing.delete(i);
    await old.close(1_000).catch(() => {});
  }
}
