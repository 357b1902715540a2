import { closestMatch } from './closest-match.js';
import {
  type ClientKind,
  isJavaOnlyPrefix,
  isSecretKey,
  JAVA_CLIENT_KEYS,
  type Translation,
} from './java-client-keys.js';
import type { JavaProperty } from './java-properties.js';
import { canonicalLibrdkafkaName, LIBRDKAFKA_PROPERTIES } from './librdkafka-properties.js';
import { checkLibrdkafkaValue } from './librdkafka-value.js';

/** The three client sections of an OMB driver file. */
export type ClientSection = 'commonConfig' | 'producerConfig' | 'consumerConfig';

/** One bad entry: `field` is like `producerConfig[linger.ms]`. */
export interface TranslationProblem {
  readonly field: string;
  readonly expected: string;
  readonly found: string;
  /** The value is a secret: show that there was one, never what it was. */
  readonly secret: boolean;
}

/** Flat librdkafka configurations, one per client, plus what went wrong or was dropped. */
export interface TranslatedClientConfigs {
  readonly producer: Record<string, string>;
  readonly consumer: Record<string, string>;
  readonly admin: Record<string, string>;
  readonly errors: readonly TranslationProblem[];
  readonly warnings: readonly string[];
}

const OWN_SECTION: Readonly<Record<ClientKind, ClientSection | undefined>> = {
  producer: 'producerConfig',
  consumer: 'consumerConfig',
  admin: undefined, // OMB's AdminClient gets commonConfig only
};

const SCOPE_OK: Readonly<Record<ClientKind, ReadonlySet<string>>> = {
  producer: new Set(['*', 'P']),
  consumer: new Set(['*', 'C']),
  admin: new Set(['*']),
};

const SCOPE_NAME: Readonly<Record<string, string>> = { P: 'a producer', C: 'a consumer' };

interface Source {
  readonly key: string;
  readonly value: string;
  readonly section: ClientSection;
}

interface Entry {
  readonly key: string;
  readonly value: string;
  readonly from: Source;
}

const KNOWN_NAMES = [...JAVA_CLIENT_KEYS.keys(), ...LIBRDKAFKA_PROPERTIES.keys()];

/**
 * Turns the Java-properties sections of a driver file into librdkafka configurations the way OMB's
 * KafkaBenchmarkDriver builds its clients: producer = commonConfig + producerConfig, consumer =
 * commonConfig + consumerConfig, admin = commonConfig; a key in the client's own section overrides the
 * same key in commonConfig. Each client gets only the properties librdkafka scopes to it.
 */
export function translateClientConfigs(
  sections: Readonly<Record<ClientSection, readonly JavaProperty[]>>,
): TranslatedClientConfigs {
  const errors = new Map<string, TranslationProblem>();
  const warnings = new Set<string>();
  const javaOnly = new Set<string>();
  const build = (client: ClientKind): Record<string, string> => {
    const own = OWN_SECTION[client];
    const java = new Map<string, Source>();
    for (const section of ['commonConfig', own] as const) {
      if (section === undefined) continue;
      for (const p of sections[section]) java.set(p.key, { key: p.key, value: p.value, section });
    }
    const javaValues = new Map([...java].map(([k, s]) => [k, s.value]));
    const out = new Map<string, Entry>();
    const report = (source: Source, expected: string, key = source.key): void => {
      const field = `${source.section}[${source.key}]`;
      errors.set(`${field} ${expected}`, {
        field,
        expected,
        found: source.value,
        secret: isSecretKey(key) || isSecretKey(source.key),
      });
    };
    const apply = (key: string, value: string, source: Source, fromJava: boolean): void => {
      const property = LIBRDKAFKA_PROPERTIES.get(key);
      if (property === undefined) throw new Error(`translation target ${key} is not a librdkafka property`);
      if (!SCOPE_OK[client].has(property.scope)) {
        if (source.section === own) {
          warnings.add(
            `${source.section}: ${source.key} is ignored: it is ${SCOPE_NAME[property.scope] ?? 'another client'} property in librdkafka`,
          );
        }
        return;
      }
      let v = value.trim();
      const check = checkLibrdkafkaValue(property, v);
      if (!check.ok) {
        // Java accepts wider ranges for some keys (request.timeout.ms=1200000 in OMB's kafka-throughput.yaml).
        if (!fromJava || check.nearest === undefined) {
          report(source, check.expected, key);
          return;
        }
        warnings.add(
          `${source.section}: ${source.key}=${v} is outside librdkafka's range for ${key}; using ${check.nearest}`,
        );
        v = check.nearest;
      }
      const canonical = canonicalLibrdkafkaName(key);
      const previous = out.get(canonical);
      if (previous !== undefined && previous.value !== v) {
        if (previous.from.section === source.section) {
          report(
            source,
            `one value for librdkafka's ${canonical} (${previous.from.key} already sets it)`,
            key,
          );
          return;
        }
        if (previous.from.section !== 'commonConfig') return; // the client's own section wins
      }
      out.set(canonical, { key, value: v, from: source });
    };
    for (const source of java.values()) {
      const rule = JAVA_CLIENT_KEYS.get(source.key);
      if (rule !== undefined) {
        handle(rule(source.value, client, javaValues), source);
      } else if (isJavaOnlyPrefix(source.key)) {
        javaOnly.add(source.key);
      } else if (LIBRDKAFKA_PROPERTIES.has(source.key)) {
        apply(source.key, source.value, source, false);
      } else {
        const match = closestMatch(source.key, KNOWN_NAMES);
        report(
          source,
          `a Java client or librdkafka property${match === undefined ? '' : ` (did you mean ${match}?)`}`,
        );
      }
    }
    function handle(t: Translation, source: Source): void {
      if ('set' in t) for (const [k, v] of t.set) apply(k, v, source, true);
      else if ('error' in t) report(source, t.error);
      else if (t.drop === 'java-only') javaOnly.add(source.key);
      else warnings.add(`${source.section}: ${t.message}`);
    }
    return Object.fromEntries([...out.values()].map((e) => [e.key, e.value]));
  };
  const producer = build('producer');
  const consumer = build('consumer');
  const admin = build('admin');
  if (javaOnly.size > 0) {
    warnings.add(
      `ignored Java-client properties with no librdkafka equivalent: ${[...javaOnly].sort().join(', ')}`,
    );
  }
  return { producer, consumer, admin, errors: [...errors.values()], warnings: [...warnings] };
}
