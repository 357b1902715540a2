import type { DriverFactory } from './driver.js';
import { pendingAdminRequests } from './kafka/kafka-admin.js';
import { kafkaDriverFactory } from './kafka/kafka-driver-factory.js';
import { memoryDriverFactory } from './memory/memory-driver.js';

/**
 * The drivers by name. Outside src/driver/kafka/ this is the only module that imports it: everything
 * else builds drivers through a factory (or its name, across a process boundary).
 */
const factories: ReadonlyMap<string, DriverFactory> = new Map(
  [kafkaDriverFactory, memoryDriverFactory].map((f) => [f.name, f]),
);

export { kafkaDriverFactory, memoryDriverFactory };

/** The factory of that name; throws for an unknown one. */
export function driverFactoryByName(name: string): DriverFactory {
  const factory = factories.get(name);
  if (factory === undefined) {
    throw new Error(`no driver factory "${name}"; expected one of ${[...factories.keys()].join(', ')}`);
  }
  return factory;
}

/**
 * Kafka admin requests still waiting for the broker in this process: while one is pending, the Kafka
 * client's native teardown at exit waits for it (see src/driver/kafka/kafka-admin.ts).
 */
export function pendingDriverRequests(): number {
  return pendingAdminRequests();
}
