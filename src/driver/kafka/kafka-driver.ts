import { SoakbenchError } from '../../errors.js';
import type {
  Admin,
  Consumer,
  ConsumerOptions,
  Driver,
  DriverOptions,
  DriverSettings,
  Producer,
  ProducerOptions,
} from '../driver.js';
import { KafkaAdmin } from './kafka-admin.js';
import { KafkaConsumer } from './kafka-consumer.js';
import { KafkaProducer } from './kafka-producer.js';

/** Defaults: connect 15 s, each admin operation 30 s. */
export type KafkaDriverOptions = DriverOptions;

/** The Kafka driver: builds librdkafka clients from a driver file's property maps. */
export class KafkaDriver implements Driver {
  readonly name = 'kafka';
  private readonly connectTimeoutMs: number;
  private readonly operationTimeoutMs: number;

  constructor(
    readonly settings: DriverSettings,
    options: KafkaDriverOptions = {},
  ) {
    this.connectTimeoutMs = options.connectTimeoutMs ?? 15_000;
    this.operationTimeoutMs = options.operationTimeoutMs ?? 30_000;
  }

  async checkReachable(timeoutMs: number): Promise<void> {
    const servers = String(this.settings.admin['bootstrap.servers'] ?? '(bootstrap.servers not set)');
    // A client of its own: the request (listing topics is one metadata request) must not outlive it.
    const admin = new KafkaAdmin(this.settings.admin, timeoutMs);
    try {
      await admin.ping();
    } catch (err) {
      const e = err as SoakbenchError;
      // Authentication and certificate failures name the broker already: one line, as they are.
      if (e.code === 'KAFKA_AUTH') throw err;
      const silent = e.code === 'KAFKA_UNREACHABLE' || e.code === 'KAFKA_TIMEOUT';
      throw new SoakbenchError(
        silent ? 'KAFKA_UNREACHABLE' : e.code,
        silent
          ? `Kafka at ${servers} did not answer within ${timeoutMs / 1000} s: ${e.message}`
          : `Kafka at ${servers}: ${e.message}`,
        { cause: err, retriable: e.retriable },
      );
    } finally {
      await admin.close();
    }
  }

  admin(): Admin {
    return new KafkaAdmin(this.settings.admin, this.operationTimeoutMs);
  }

  producer(options: ProducerOptions): Producer {
    return new KafkaProducer(this.settings.producer, options, this.connectTimeoutMs);
  }

  consumer(options: ConsumerOptions): Consumer {
    return new KafkaConsumer(this.settings.consumer, options, this.connectTimeoutMs);
  }
}
