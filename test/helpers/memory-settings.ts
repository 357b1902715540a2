import type { DriverSettings } from '../../src/driver/driver.js';

/** Driver settings that point every client at the in-memory broker named `brokerName`. */
export function memorySettings(
  brokerName: string,
  producer: Record<string, string | number> = {},
): DriverSettings {
  return {
    admin: { 'bootstrap.servers': brokerName },
    producer: { 'bootstrap.servers': brokerName, ...producer },
    consumer: { 'bootstrap.servers': brokerName },
    topicConfig: {},
    replicationFactor: 1,
  };
}
