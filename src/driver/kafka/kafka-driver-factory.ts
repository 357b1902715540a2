import type { DriverFactory } from '../driver.js';
import { KafkaDriver } from './kafka-driver.js';

/** Kafka through librdkafka; its consumers run in child processes built from the same settings. */
export const kafkaDriverFactory: DriverFactory = {
  name: 'kafka',
  crossProcess: true,
  create: (settings, options) => new KafkaDriver(settings, options),
};
