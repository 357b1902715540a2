/**
 * Kafka's config-provider references in driver values (KIP-297/KIP-421 syntax), so a driver file names
 * where a secret is instead of holding it:
 *
 * - `${env:NAME}`: the environment variable NAME (Kafka's EnvVarConfigProvider);
 * - `${file:PATH}`: the whole content of the file PATH, without its trailing line break (the form of a
 *   password file such as `.kafka/secrets/soakbench.password`);
 * - `${file:PATH:KEY}`: the value of KEY in the Java properties file PATH (Kafka's FileConfigProvider).
 *
 * A relative PATH is relative to the working directory, like every file librdkafka opens itself
 * (`ssl.ca.location` …); docs/staging.md says so. References are resolved when the file is loaded;
 * the values are secrets from then on (never shown in an error).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseJavaProperties } from './java-properties.js';

/** One reference that could not be resolved; `expected` never holds the value. */
export interface ReferenceProblem {
  readonly expected: string;
  readonly found: string;
}

export interface ResolvedValue {
  readonly value: string;
  /** True when at least one reference was replaced: the value must be treated as a secret. */
  readonly resolved: boolean;
  readonly problems: readonly ReferenceProblem[];
}

const REFERENCE = /\$\{([a-z]+):([^}]*)\}/g;

/** Replaces every `${env:…}` and `${file:…}` in `value`; other text is kept as written. */
export function resolveConfigReferences(value: string, env: NodeJS.ProcessEnv = process.env): ResolvedValue {
  if (!value.includes('${')) return { value, resolved: false, problems: [] };
  const problems: ReferenceProblem[] = [];
  let resolved = false;
  const out = value.replace(REFERENCE, (whole, provider: string, arg: string) => {
    const replaced = provider === 'env' ? fromEnv(arg, env) : provider === 'file' ? fromFile(arg) : undefined;
    if (replaced === undefined) {
      problems.push({ expected: 'a reference ${env:NAME}, ${file:PATH} or ${file:PATH:KEY}', found: whole });
      return whole;
    }
    if (typeof replaced !== 'string') {
      problems.push({ ...replaced, found: whole });
      return whole;
    }
    resolved = true;
    return replaced;
  });
  return { value: out, resolved, problems };
}

function fromEnv(name: string, env: NodeJS.ProcessEnv): string | { expected: string } {
  const v = env[name];
  if (v === undefined) return { expected: `the environment variable ${name} to be set` };
  return v;
}

function fromFile(arg: string): string | { expected: string } {
  // PATH:KEY when the part after the last colon is a properties key and the part before names a file.
  const colon = arg.lastIndexOf(':');
  const path = colon > 0 ? arg.slice(0, colon) : arg;
  const key = colon > 0 ? arg.slice(colon + 1) : undefined;
  let text: string;
  try {
    text = readFileSync(resolve(path), 'utf8');
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    return {
      expected: `a readable file ${resolve(path)} (relative paths are relative to the working directory; ${why})`,
    };
  }
  if (key === undefined) return text.replace(/\r?\n$/, '');
  const entry = parseJavaProperties(text).entries.findLast((e) => e.key === key);
  if (entry === undefined) return { expected: `a key ${key} in the properties file ${resolve(path)}` };
  return entry.value;
}
