import { randomBytes } from 'node:crypto';
import type { DriverSettings } from '../../src/driver/driver.js';

/** The broker the integration tests use (make test starts it and exports this). */
export const BOOTSTRAP = process.env.SOAKBENCH_TEST_BOOTSTRAP ?? '127.0.0.1:9092';

/** A topic or group name no other test (or earlier run) uses. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

/** Driver settings for the local test broker, with overrides per role. */
export function testSettings(overrides: Partial<DriverSettings> = {}): DriverSettings {
  const common = { 'bootstrap.servers': BOOTSTRAP, 'client.id': 'soakbench-test' };
  return {
    admin: { ...common, ...overrides.admin },
    producer: { ...common, acks: 'all', 'linger.ms': 1, ...overrides.producer },
    consumer: { ...common, 'auto.offset.reset': 'earliest', ...overrides.consumer },
    topicConfig: overrides.topicConfig ?? {},
    replicationFactor: overrides.replicationFactor ?? 1,
  };
}
