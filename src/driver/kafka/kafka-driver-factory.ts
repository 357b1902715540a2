import type { DriverFactory } from '../driver.js';
import { KafkaDriver } from './kafka-driver.js';

/** Builds Kafka drivers; their clients may live in any process (consumers run in child processes). */
export const kafkaDriverFactory: DriverFactory = {
  name: 'kafka',
  crossProcess: true,
  create: (settings, options) => new KafkaDriver(settings, options),
};
