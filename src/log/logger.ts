// The one import of pino (docs/architecture.md, "Seams").
import { pino } from 'pino';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
export const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** The logging surface the rest of the code uses: structured fields first, then the message. */
export interface Logger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
  debug(fields: Record<string, unknown>, message: string): void;
  child(bindings: Record<string, unknown>): Logger;
  /** Writes whatever is buffered (before exit). */
  flush(): void;
}

export interface LoggerOptions {
  level: LogLevel;
  /** Fields whose values are never written (secrets). */
  redact?: string[];
  /** Destination file descriptor: 1 stdout, 2 stderr (default). */
  fd?: 1 | 2;
}

/** JSON lines, one per event (pino). Never called per message. */
export function createLogger(options: LoggerOptions): Logger {
  const redact = [
    'token',
    'apiToken',
    'api.token',
    'authorization',
    'password',
    '*.password',
    '*.token',
    ...(options.redact ?? []),
  ];
  const base = pino(
    { level: options.level, base: { name: 'soakbench' }, redact: { paths: redact, censor: '[redacted]' } },
    pino.destination({ fd: options.fd ?? 2, sync: true }),
  );
  return wrap(base);
}

function wrap(p: pino.Logger): Logger {
  return {
    info: (f, m) => p.info(f, m),
    warn: (f, m) => p.warn(f, m),
    error: (f, m) => p.error(f, m),
    debug: (f, m) => p.debug(f, m),
    child: (b) => wrap(p.child(b)),
    flush: () => p.flush(),
  };
}

/** A logger that writes nothing (tests). */
export const silentLogger: Logger = {
  info: () => {},
  warn: () => {},
  error: () => {},
  debug: () => {},
  child: () => silentLogger,
  flush: () => {},
};
