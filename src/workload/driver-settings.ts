import type { DriverSettings } from '../driver/driver.js';
import type { DriverFile } from './driver-file.js';

/**
 * librdkafka defaults soakbench changes unless the driver file sets them: reconnect attempts back off
 * up to 10 s (+50 % jitter) by default, so after a broker restart producing could resume ~15 s late;
 * the Java client's reconnect.backoff.max.ms is 1 s.
 */
const CLIENT_DEFAULTS: Readonly<Record<string, string>> = { 'reconnect.backoff.max.ms': '1000' };

/** A driver file turned into the driver's settings (librdkafka property maps per role). */
export function driverSettings(driver: DriverFile): DriverSettings {
  return {
    admin: { ...CLIENT_DEFAULTS, ...driver.admin },
    producer: { ...CLIENT_DEFAULTS, ...driver.producer },
    consumer: { ...CLIENT_DEFAULTS, ...driver.consumer },
    topicConfig: { ...driver.topicConfig },
    replicationFactor: driver.replicationFactor,
  };
}
