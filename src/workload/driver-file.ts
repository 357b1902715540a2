import { invalid, type SoakbenchError } from '../errors.js';
import { type ClientSection, translateClientConfigs } from './client-config-translator.js';
import { didYouMean } from './closest-match.js';
import { resolveConfigReferences } from './config-providers.js';
import { FileValidationError, invalidWorded } from './file-validation-error.js';
import { type JavaProperty, parseJavaProperties } from './java-properties.js';
import { isKnownTopicConfig, KAFKA_TOPIC_CONFIGS } from './kafka-topic-configs.js';
import { readStructuredFile } from './read-structured-file.js';

/** OMB's Kafka driver; the only driverClass soakbench implements. */
export const OMB_KAFKA_DRIVER_CLASS = 'io.openmessaging.benchmark.driver.kafka.KafkaBenchmarkDriver';

/** An OMB Kafka driver file, translated for librdkafka. */
export interface DriverFile {
  /** The path it was read from. */
  readonly file: string;
  /** Shown in results as `driver` (OMB's TestResult.driver). */
  readonly name: string;
  readonly driverClass: string;
  /** Replication factor of created topics; -1 asks the broker for its default.replication.factor. */
  readonly replicationFactor: number;
  /** Read for compatibility with old OMB files; soakbench never deletes topics it did not create. */
  readonly reset: boolean;
  /** Broker topic configs for topic creation (`min.insync.replicas` …), values as written. */
  readonly topicConfig: Readonly<Record<string, string>>;
  /** librdkafka properties for producers: commonConfig + producerConfig, translated. */
  readonly producer: Readonly<Record<string, string>>;
  /** librdkafka properties for consumers: commonConfig + consumerConfig, translated (no group.id). */
  readonly consumer: Readonly<Record<string, string>>;
  /** librdkafka properties for the admin client: commonConfig's global properties. */
  readonly admin: Readonly<Record<string, string>>;
  /** Things dropped or adjusted; `soakbench validate` prints them. */
  readonly warnings: readonly string[];
}

const KNOWN_FIELDS = [
  'name',
  'driverClass',
  'replicationFactor',
  'reset',
  'topicConfig',
  'commonConfig',
  'producerConfig',
  'consumerConfig',
];

/** Reads an OMB Kafka driver file (YAML or JSON); throws a FileValidationError listing every problem. */
export function loadDriverFile(path: string): DriverFile {
  return parseDriverFile(readStructuredFile(path, 'INVALID_DRIVER'), path);
}

/** Validates an already parsed driver document. */
export function parseDriverFile(raw: unknown, file: string): DriverFile {
  const errors: SoakbenchError[] = [];
  const warnings: string[] = [];
  const bad = (field: string, expected: string, found: unknown): void => {
    errors.push(invalid('INVALID_DRIVER', { file, field }, expected, found));
  };
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    bad('(document)', 'a mapping of driver fields (name, driverClass, producerConfig …)', raw);
    throw new FileValidationError('INVALID_DRIVER', file, errors);
  }
  const doc = raw as Record<string, unknown>;
  for (const key of Object.keys(doc)) {
    if (!KNOWN_FIELDS.includes(key)) {
      const expected = `a driver field${didYouMean(key, KNOWN_FIELDS)}`;
      errors.push(invalidWorded('INVALID_DRIVER', { file, field: key }, expected, 'an unknown field'));
    }
  }

  // A key written without a value is null: an error, not a silent default.
  const given = (field: string, fallback: unknown): unknown =>
    Object.hasOwn(doc, field) ? doc[field] : fallback;
  const name = given('name', 'Kafka');
  if (typeof name !== 'string' || name.trim() === '') bad('name', 'a non-empty string', name);
  const driverClass = given('driverClass', OMB_KAFKA_DRIVER_CLASS);
  if (driverClass !== OMB_KAFKA_DRIVER_CLASS) bad('driverClass', OMB_KAFKA_DRIVER_CLASS, driverClass);
  const replicationFactor = given('replicationFactor', -1);
  if (
    !Number.isInteger(replicationFactor) ||
    ((replicationFactor as number) < 1 && replicationFactor !== -1)
  ) {
    bad('replicationFactor', 'an integer of at least 1 (or -1 for the broker default)', replicationFactor);
  } else if ((replicationFactor as number) > 32767) {
    bad('replicationFactor', 'at most 32767 (a Java short, as in OMB)', replicationFactor);
  }
  const reset = given('reset', false);
  if (typeof reset !== 'boolean') bad('reset', 'true or false', reset);
  else if (reset) {
    warnings.push(
      'reset: true is ignored: old OMB deleted every topic in the cluster; soakbench deletes only the topics it created, when topics.cleanup is set',
    );
  }

  const sections = {} as Record<ClientSection | 'topicConfig', JavaProperty[]>;
  // Fields whose value came from ${env:…}/${file:…}: secrets, never shown in an error.
  const hidden = new Set<string>();
  for (const section of ['topicConfig', 'commonConfig', 'producerConfig', 'consumerConfig'] as const) {
    sections[section] = readSection(doc[section], section, file, errors, warnings).map((entry) => {
      const r = resolveConfigReferences(entry.value);
      const field = `${section}[${entry.key}]`;
      for (const p of r.problems)
        errors.push(invalid('INVALID_DRIVER', { file, field }, p.expected, p.found));
      if (!r.resolved) return entry;
      hidden.add(field);
      return { ...entry, value: r.value };
    });
  }
  const topicConfig: Record<string, string> = {};
  for (const { key, value } of sections.topicConfig) {
    if (isKnownTopicConfig(key)) topicConfig[key] = value;
    else if (hidden.has(`topicConfig[${key}]`)) {
      const expected = `a Kafka topic config${didYouMean(key, KAFKA_TOPIC_CONFIGS)}`;
      errors.push(
        invalidWorded('INVALID_DRIVER', { file, field: `topicConfig[${key}]` }, expected, 'a hidden value'),
      );
    } else bad(`topicConfig[${key}]`, `a Kafka topic config${didYouMean(key, KAFKA_TOPIC_CONFIGS)}`, value);
  }
  const clients = translateClientConfigs(sections);
  for (const p of clients.errors) {
    errors.push(
      p.secret || hidden.has(p.field)
        ? invalidWorded('INVALID_DRIVER', { file, field: p.field }, p.expected, 'a hidden value')
        : invalid('INVALID_DRIVER', { file, field: p.field }, p.expected, p.found),
    );
  }
  if (errors.length > 0) throw new FileValidationError('INVALID_DRIVER', file, errors);
  return Object.freeze({
    file,
    name: name as string,
    driverClass: driverClass as string,
    replicationFactor: replicationFactor as number,
    reset: reset as boolean,
    topicConfig: Object.freeze(topicConfig),
    producer: Object.freeze(clients.producer),
    consumer: Object.freeze(clients.consumer),
    admin: Object.freeze(clients.admin),
    warnings: Object.freeze([...warnings, ...clients.warnings]),
  });
}

/**
 * The same driver with `bootstrap.servers` replaced in every client (the daemon's
 * kafka.bootstrapServers setting overrides the file, which in OMB's files says localhost:9092).
 */
export function withBootstrapServers(driver: DriverFile, servers: string): DriverFile {
  const override = (conf: Readonly<Record<string, string>>): Readonly<Record<string, string>> => {
    const { 'bootstrap.servers': _b, 'metadata.broker.list': _m, ...rest } = conf;
    return Object.freeze({ ...rest, 'bootstrap.servers': servers });
  };
  return Object.freeze({
    ...driver,
    producer: override(driver.producer),
    consumer: override(driver.consumer),
    admin: override(driver.admin),
  });
}

/**
 * A section is Java-properties text as in OMB (`producerConfig: |` followed by `key=value` lines);
 * a YAML mapping of scalars is also accepted. Absent or null means empty.
 */
function readSection(
  value: unknown,
  section: string,
  file: string,
  errors: SoakbenchError[],
  warnings: string[],
): JavaProperty[] {
  if (value === undefined || value === null) return [];
  let entries: JavaProperty[];
  if (typeof value === 'string') {
    const parsed = parseJavaProperties(value);
    for (const p of parsed.problems) {
      errors.push(
        invalid(
          'INVALID_DRIVER',
          { file, field: `${section} line ${p.line}` },
          'Java properties text',
          p.message,
        ),
      );
    }
    entries = [...parsed.entries];
  } else if (typeof value === 'object' && !Array.isArray(value)) {
    entries = [];
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
        entries.push({ key, value: String(v), line: 0 });
      } else {
        errors.push(
          invalid('INVALID_DRIVER', { file, field: `${section}[${key}]` }, 'a string, number or boolean', v),
        );
      }
    }
  } else {
    errors.push(
      invalid('INVALID_DRIVER', { file, field: section }, 'Java properties text (key=value lines)', value),
    );
    return [];
  }
  const seen = new Set<string>();
  for (const { key } of entries) {
    if (seen.has(key)) warnings.push(`${section}: ${key} is set more than once; the last value wins`);
    seen.add(key);
  }
  // Later entries override earlier ones, as in java.util.Properties.
  const last = new Map(entries.map((e) => [e.key, e]));
  return [...last.values()];
}
