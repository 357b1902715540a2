import { SoakbenchError } from '../errors.js';
import type { DriverFactory } from './driver.js';
import { kafkaDriverFactory } from './kafka/kafka-driver-factory.js';

const FACTORIES: readonly DriverFactory[] = [kafkaDriverFactory];

/** The driver factory called `name`; the only module outside src/driver/kafka/ that imports it. */
export function driverFactoryByName(name: string): DriverFactory {
  const factory = FACTORIES.find((f) => f.name === name);
  if (!factory) {
    throw new SoakbenchError(
      'INVALID_ARGUMENT',
      `unknown driver "${name}"; expected one of ${FACTORIES.map((f) => f.name).join(', ')}`,
      { field: 'driver' },
    );
  }
  return factory;
}
