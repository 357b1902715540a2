import type { Logger } from '../../src/log/logger.js';

/** One log call: level, message and fields. */
export interface LogRecord {
  level: 'info' | 'warn' | 'error' | 'debug';
  msg: string;
  fields: Record<string, unknown>;
}

/** A Logger that keeps every line in `lines`, for assertions on what was logged. */
export function recordingLogger(): Logger & { lines: LogRecord[]; messages(): string[] } {
  const lines: LogRecord[] = [];
  const at =
    (level: LogRecord['level']) =>
    (fields: Record<string, unknown>, msg: string): void => {
      lines.push({ level, msg, fields });
    };
  const logger = {
    lines,
    messages: () => lines.map((l) => l.msg),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    debug: at('debug'),
    child: () => logger,
    flush: () => {},
  };
  return logger;
}
