import type {
  Admin,
  Consumer,
  ConsumerOptions,
  Driver,
  DriverFactory,
  DriverSettings,
  Producer,
  ProducerOptions,
} from '../driver.js';
import { MemoryAdmin } from './memory-admin.js';
import { type MemoryBroker, memoryBroker } from './memory-broker.js';
import { MemoryConsumer } from './memory-consumer.js';
import { MemoryProducer } from './memory-producer.js';

/** The broker a driver's settings name: `bootstrap.servers` of the admin properties, else 'memory'. */
export function brokerNameOf(settings: DriverSettings): string {
  return String(settings.admin['bootstrap.servers'] ?? settings.producer['bootstrap.servers'] ?? 'memory');
}

/**
 * The in-memory driver, for unit and component tests of logic only (never a measurement): its
 * clients talk to a MemoryBroker of this process (src/driver/memory/memory-broker.ts).
 */
export class MemoryDriver implements Driver {
  readonly name = 'memory';
  readonly broker: MemoryBroker;

  constructor(
    readonly settings: DriverSettings,
    broker?: MemoryBroker,
  ) {
    this.broker = broker ?? memoryBroker(brokerNameOf(settings));
  }

  /** Answers at once: up, or KAFKA_UNREACHABLE while the broker is down (`MemoryBroker.down()`). */
  async checkReachable(_timeoutMs: number): Promise<void> {
    this.broker.checkUp('checking the cluster');
  }

  admin(): Admin {
    return new MemoryAdmin(this.broker);
  }

  producer(options: ProducerOptions): Producer {
    return new MemoryProducer(this.broker, this.settings.producer, options);
  }

  consumer(options: ConsumerOptions): Consumer {
    return new MemoryConsumer(this.broker, this.settings.consumer, options);
  }
}

/**
 * Builds memory drivers on the broker named by the settings' `bootstrap.servers` (see `memoryBroker`).
 * Not cross-process: the broker lives in this process, so consumers must run here too.
 */
export const memoryDriverFactory: DriverFactory = {
  name: 'memory',
  crossProcess: false,
  create: (settings) => new MemoryDriver(settings),
};
