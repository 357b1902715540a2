import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import { invalid, SoakbenchError } from '../errors.js';
import { FileValidationError } from './file-validation-error.js';

/**
 * Parses YAML or JSON text (JSON is YAML 1.2, so one parser reads both). Syntax errors and duplicate
 * keys become one FileValidationError listing each with its line and column.
 */
export function parseStructuredText(
  text: string,
  file: string,
  code: 'INVALID_WORKLOAD' | 'INVALID_DRIVER',
): unknown {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new FileValidationError(
      code,
      file,
      doc.errors.map((e) => {
        const pos = lineCounter.linePos(e.pos[0]);
        const field = `line ${pos.line} column ${pos.col}`;
        return invalid(code, { file, field }, 'valid YAML or JSON', e.message.split('\n')[0]);
      }),
    );
  }
  return doc.toJS({ maxAliasCount: 100 });
}

/** Reads and parses a YAML/JSON file; a missing or unreadable file is FILE_NOT_FOUND. */
export function readStructuredFile(path: string, code: 'INVALID_WORKLOAD' | 'INVALID_DRIVER'): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    const reason = (cause as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(cause);
    throw new SoakbenchError('FILE_NOT_FOUND', `${path}: cannot read the file: ${reason}`, {
      cause,
      file: path,
    });
  }
  return parseStructuredText(text, path, code);
}
