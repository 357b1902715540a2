/**
 * A reader for Java `.properties` text, the format of OMB driver files' `topicConfig`, `commonConfig`,
 * `producerConfig` and `consumerConfig` (OMB feeds them to java.util.Properties#load). It follows the
 * Properties#load(Reader) grammar: `#`/`!` comment lines, `key=value`, `key: value` and `key value`,
 * backslash line continuation, `\t \n \r \f \uXXXX` escapes. One difference, on purpose: trailing
 * whitespace of a value is trimmed (Java keeps it, and librdkafka would then reject `all ` for acks).
 */

/** One `key=value` of a properties text. */
export interface JavaProperty {
  readonly key: string;
  readonly value: string;
  /** 1-based line where the entry starts. */
  readonly line: number;
}

/** A line that Properties#load would refuse. */
export interface JavaPropertiesProblem {
  readonly line: number;
  readonly message: string;
}

/** Entries in file order (a repeated key appears twice; the last one wins, as in Java). */
export interface ParsedJavaProperties {
  readonly entries: readonly JavaProperty[];
  readonly problems: readonly JavaPropertiesProblem[];
}

const WHITESPACE = new Set([' ', '\t', '\f']);

export function parseJavaProperties(text: string): ParsedJavaProperties {
  const entries: JavaProperty[] = [];
  const problems: JavaPropertiesProblem[] = [];
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    const startLine = i + 1;
    let logical = skipWhitespace(lines[i] ?? '', 0);
    if (logical === '' || logical.startsWith('#') || logical.startsWith('!')) continue;
    // A line ending in an odd number of backslashes continues on the next one, minus its indentation.
    while (endsWithOddBackslashes(logical) && i + 1 < lines.length) {
      i++;
      logical = logical.slice(0, -1) + skipWhitespace(lines[i] ?? '', 0);
    }
    if (endsWithOddBackslashes(logical)) logical = logical.slice(0, -1);
    const { key, rest } = splitKey(logical);
    const decodedKey = unescapeJava(key, startLine, problems);
    const value = unescapeJava(afterSeparator(rest), startLine, problems)?.trimEnd();
    if (decodedKey !== undefined && value !== undefined)
      entries.push({ key: decodedKey, value, line: startLine });
  }
  return { entries, problems };
}

/** Entries as a map, later entries overriding earlier ones (Properties#load semantics). */
export function javaPropertiesToMap(parsed: ParsedJavaProperties): Map<string, string> {
  return new Map(parsed.entries.map((e) => [e.key, e.value]));
}

function skipWhitespace(s: string, from: number): string {
  let i = from;
  while (i < s.length && WHITESPACE.has(s[i] ?? '')) i++;
  return s.slice(i);
}

function endsWithOddBackslashes(s: string): boolean {
  let count = 0;
  for (let i = s.length - 1; i >= 0 && s[i] === '\\'; i--) count++;
  return count % 2 === 1;
}

function splitKey(line: string): { key: string; rest: string } {
  for (let i = 0; i < line.length; i++) {
    const c = line[i] ?? '';
    if (c === '\\') {
      i++; // the escaped character belongs to the key
      continue;
    }
    if (c === '=' || c === ':' || WHITESPACE.has(c)) return { key: line.slice(0, i), rest: line.slice(i) };
  }
  return { key: line, rest: '' };
}

/** Skips whitespace, at most one `=` or `:`, then whitespace again. */
function afterSeparator(rest: string): string {
  let s = skipWhitespace(rest, 0);
  if (s.startsWith('=') || s.startsWith(':')) s = skipWhitespace(s, 1);
  return s;
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { t: '\t', n: '\n', r: '\r', f: '\f' };

function unescapeJava(s: string, line: number, problems: JavaPropertiesProblem[]): string | undefined {
  if (!s.includes('\\')) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i] ?? '';
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = s[++i] ?? '';
    if (next === 'u') {
      const hex = s.slice(i + 1, i + 5);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
        problems.push({ line, message: `malformed \\uXXXX escape "\\u${hex}"` });
        return undefined;
      }
      out += String.fromCharCode(Number.parseInt(hex, 16));
      i += 4;
    } else {
      out += SIMPLE_ESCAPES[next] ?? next;
    }
  }
  return out;
}
