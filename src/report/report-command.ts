/** `soakbench report`: result JSON files in, one self-contained HTML file out (docs/report.md). */
import { writeFileSync } from 'node:fs';
import { SoakbenchError } from '../errors.js';
import { reportData } from './report-data.js';
import { reportHtml } from './report-html.js';
import { readResult } from './result-reader.js';

export interface ReportOptions {
  resultPaths: string[];
  outputPath: string;
  now?: Date;
}

/** Reads and checks every file first, so a bad one fails before anything is written. Returns the path. */
export function reportCommand(options: ReportOptions): string {
  const results = options.resultPaths.map((p) => readResult(p));
  const html = reportHtml(reportData(results, options.now ?? new Date()));
  try {
    writeFileSync(options.outputPath, html);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new SoakbenchError(
      'INVALID_ARGUMENT',
      `-o ${options.outputPath}: cannot write the report (${code})`,
      {
        field: '-o',
        cause: err,
      },
    );
  }
  return options.outputPath;
}
