import { execFileSync } from 'node:child_process';
import { type ParseArgsConfig, parseArgs } from 'node:util';

/** Options every benchmark script takes; each script adds its own. */
export const COMMON_OPTIONS = {
  bootstrap: { type: 'string', default: '127.0.0.1:9092' },
  /** A soakbench CLI other than this repository's bin/soakbench.js (a patched copy to compare). */
  bin: { type: 'string' },
  /** Extra node flags for the soakbench process, space-separated (e.g. "--cpu-prof --cpu-prof-dir=profiles"). */
  'node-args': { type: 'string', default: '' },
  /** Also write every measurement as JSON here. */
  json: { type: 'string' },
} as const;

export function splitArgs(text: string | undefined): string[] {
  return (text ?? '').split(' ').filter((a) => a.length > 0);
}

/** Waits while `make test` runs (its runner is scripts/run-tests.mjs): both would share 2 cores. */
export async function waitForIdleTests(log: (line: string) => void, maxWaitMs = 600_000): Promise<void> {
  const deadline = Date.now() + maxWaitMs;
  for (;;) {
    let running = false;
    try {
      running = execFileSync('pgrep', ['-f', 'run-tests'], { encoding: 'utf8' }).trim().length > 0;
    } catch {
      running = false; // pgrep exits 1 when nothing matches
    }
    if (!running) return;
    if (Date.now() > deadline) {
      log('tests still running after the wait; measuring anyway (figures may be low)');
      return;
    }
    log('make test is running: waiting 15 s');
    await new Promise((r) => setTimeout(r, 15_000));
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * A bench script's options (node's parseArgs, strict), with `--help` and clear errors: an unknown or
 * malformed option prints what was wrong and the usage on stderr and exits 2, `--help` prints the usage
 * and exits 0. `script` is the file name under bench/ (its header comment says what each option means).
 */
export function benchArgs<const O extends Options>(
  script: string,
  options: O,
): ReturnType<typeof parseArgs<{ options: O; strict: true }>>['values'] {
  const usage = [
    `usage: node dist/bench/${script}.js [options]   (what each does: the comment at the top of bench/${script}.ts)`,
    ...Object.entries(options).map(([name, o]) => {
      const flag = `--${name}${o.type === 'string' ? ' VALUE' : ''}`;
      return o.default === undefined
        ? `  ${flag}`
        : `  ${flag}   (default ${o.default === '' ? '""' : String(o.default)})`;
    }),
    '  --help',
    '',
  ].join('\n');
  let parsed: { values: Record<string, unknown> };
  try {
    parsed = parseArgs({ options: { ...options, help: { type: 'boolean' } }, strict: true });
  } catch (err) {
    process.stderr.write(`${script}: ${(err as Error).message}\n${usage}`);
    process.exit(2);
  }
  if (parsed.values.help === true) {
    process.stdout.write(usage);
    process.exit(0);
  }
  return parsed.values as ReturnType<typeof parseArgs<{ options: O; strict: true }>>['values'];
}
