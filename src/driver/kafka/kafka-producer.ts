import { SoakbenchError } from '../../errors.js';
import {
  type ClientProperties,
  type DeliveryHandler,
  type Producer,
  type ProducerOptions,
  SEND_FAILED,
  SEND_OK,
  SEND_QUEUE_FULL,
  type SendStatus,
} from '../driver.js';
import { Kafka, type LibrdKafkaError, type RdKafkaProducer } from './client.js';
import { CODES, errorName, translateError } from './kafka-errors.js';

const QUEUE_FULL = CODES.ERR__QUEUE_FULL;

/** The native handle under the JS wrapper: its produce() returns an error code instead of throwing. */
interface NativeProducer {
  produce(
    topic: string,
    partition: number,
    value: Buffer,
    key: string | Buffer | null,
    timestamp: number | null,
    opaque: number,
  ): number;
}

/**
 * A librdkafka producer with delivery reports.
 *
 * Delivery reports are polled by librdkafka's background thread (`setPollInBackground`), enabled only
 * after `ready`: enabling it before connect() crashes the process (docs/client-notes.md), and a JS poll
 * timer would add its period to every measured latency (docs/client-notes.md "Delivery reports": p50 5.0 ms at a 5 ms poll vs 2.2 ms).
 */
export class KafkaProducer implements Producer {
  private readonly client: RdKafkaProducer;
  private native: NativeProducer | undefined;
  private readonly onDelivery: DeliveryHandler;
  private enqueued = 0;
  private reported = 0;
  private closing: Promise<void> | undefined;
  private connected = false;
  lastSendError = '';

  constructor(
    properties: ClientProperties,
    options: ProducerOptions,
    private readonly connectTimeoutMs: number,
  ) {
    this.onDelivery = options.onDelivery;
    const conf: Record<string, unknown> = { ...properties, ...options.overrides, dr_cb: true };
    if (options.onStats === undefined) delete conf['statistics.interval.ms'];
    try {
      this.client = new Kafka.Producer(conf as never);
    } catch (err) {
      throw new SoakbenchError(
        'INVALID_DRIVER',
        `producer properties rejected by librdkafka: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    }
    this.client.on(
      'delivery-report',
      (err: LibrdKafkaError, report: { opaque?: number; partition: number; offset: number }) => {
        this.reported++;
        this.onDelivery(
          err ? errorName(err.code) : null,
          report.opaque as number,
          report.partition,
          report.offset,
        );
      },
    );
    if (options.onError || options.onFatal) {
      const { onError, onFatal } = options;
      this.client.on('event.error', (err) => {
        const translated = translateError(err, 'producer');
        onError?.(translated);
        if (err.isFatal) onFatal?.(translated);
      });
    }
    if (options.onStats) {
      const onStats = options.onStats;
      this.client.on('event.stats', (event: { message: string }) => {
        try {
          onStats(JSON.parse(event.message));
        } catch {
          // A malformed statistics document is librdkafka's bug, not a reason to stop producing.
        }
      });
    }
  }

  connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.client.connect({ timeout: this.connectTimeoutMs }, (err) => {
        if (err) {
          reject(translateError(err, 'connecting the producer'));
          return;
        }
        this.client.setPollInBackground(true);
        this.native = (this.client as unknown as { _client: NativeProducer })._client;
        this.connected = true;
        resolve();
      });
    });
  }

  send(
    topic: string,
    partition: number,
    value: Buffer,
    key: string | Buffer | null,
    token: number,
  ): SendStatus {
    const native = this.native;
    if (native === undefined || !this.connected) {
      this.lastSendError = 'ERR__STATE';
      return SEND_FAILED;
    }
    // librdkafka copies the value (RK_MSG_COPY), so the caller may reuse its buffer right away.
    const code = native.produce(topic, partition, value, key, null, token);
    if (code === 0) {
      this.enqueued++;
      return SEND_OK;
    }
    if (code === QUEUE_FULL) return SEND_QUEUE_FULL;
    this.lastSendError = errorName(code);
    return SEND_FAILED;
  }

  outstanding(): number {
    return this.enqueued - this.reported;
  }

  async flush(timeoutMs: number): Promise<boolean> {
    if (!this.connected) return this.outstanding() === 0;
    const deadline = Date.now() + timeoutMs;
    await new Promise<void>((resolve) => this.client.flush(timeoutMs, () => resolve()));
    // librdkafka's queue is empty now, but the delivery reports reach JavaScript asynchronously
    // (background poll thread → event loop): wait for them too, within the same deadline.
    while (this.outstanding() > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 2));
    }
    return this.outstanding() === 0;
  }

  partitionLeaders(topic: string, timeoutMs: number): Promise<number[]> {
    return new Promise((resolve, reject) => {
      if (!this.connected) {
        reject(translateError({ message: 'producer is not connected' }, `reading the leaders of ${topic}`));
        return;
      }
      this.client.getMetadata({ topic, timeout: timeoutMs }, (err, metadata) => {
        if (err) {
          reject(translateError(err, `reading the leaders of ${topic}`));
          return;
        }
        const partitions = metadata.topics.find((t) => t.name === topic)?.partitions ?? [];
        const leaders = new Array<number>(partitions.length).fill(-1);
        for (const p of partitions) if (p.id >= 0 && p.id < leaders.length) leaders[p.id] = p.leader ?? -1;
        resolve(leaders);
      });
    });
  }

  close(timeoutMs = 10_000): Promise<void> {
    this.closing ??= this.doClose(timeoutMs);
    return this.closing;
  }

  private async doClose(timeoutMs: number): Promise<void> {
    if (!this.connected) return;
    await this.flush(timeoutMs);
    this.connected = false;
    this.native = undefined;
    this.client.setPollInBackground(false);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.client.disconnect(timeoutMs, () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
