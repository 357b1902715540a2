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
