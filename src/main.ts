/**
 * Process entry: parses the command line, runs a command, maps errors to exit codes, owns signals.
 * The only module that touches `process` (docs/architecture.md "Seams").
 *
 * Exit codes (docs/architecture.md "Commands and exit codes"): 0 success, 1 runtime failure, 2 bad usage, config or workload,
 * 3 a `run` whose SLO verdict failed (only when nothing else did: 1 and 2 take precedence).
 */
import { Command, CommanderError, Option } from 'commander';
import { choiceFlag, countFlag, portFlag, positiveNumberFlag } from './commands/cli-flags.js';
import { prepareDaemon, prepareRuntime } from './commands/daemon-command.js';
import { runCommand } from './commands/run-command.js';
import { driverFactoryByName, pendingDriverRequests } from './driver/driver-factories.js';
import { isSoakbenchError, SoakbenchError } from './errors.js';
import { ShutdownSignals } from './lifecycle/shutdown-signals.js';
import { createLogger, LOG_LEVELS, type LogLevel } from './log/logger.js';
import { createProgressLine } from './progress/progress-line.js';
import { parseSweep, sweepPlan } from './rate/sweep-plan.js';
import { reportCommand } from './report/report-command.js';
import { VERSION } from './version.js';
import { problemsOf } from './workload/file-validation-error.js';
import {
  atMost,
  MAX_P99_TARGET_MS,
  MAX_PERIOD_SECONDS,
  MAX_PRODUCER_PROCESSES,
  MAX_RATE,
} from './workload/limits.js';
import { validateFiles } from './workload/validate-files.js';

const EXIT_OK = 0;
const EXIT_FAILURE = 1;
const EXIT_USAGE = 2;
const EXIT_SLO_FAILED = 3;

/** Writes a user-facing error: the message, each problem on its own line, no stack trace. */
function reportError(err: unknown): number {
  if (isSoakbenchError(err)) {
    const problems = problemsOf(err);
    if (problems.length > 1 || problems[0] !== err) {
      process.stderr.write(`soakbench: ${problems.length} problem(s):\n`);
      for (const p of problems) process.stderr.write(`  ${p.message}\n`);
    } else {
      process.stderr.write(`soakbench: ${err.message}\n`);
    }
    return err.isUserError ? EXIT_USAGE : EXIT_FAILURE;
  }
  const e = err as Error;
  process.stderr.write(`soakbench: internal error: ${e?.stack ?? String(err)}\n`);
  return EXIT_FAILURE;
}

/**
 * Exits 1 now. With a Kafka admin request pending, exit() would sit in the client's native teardown
 * until the request times out (up to 15 s, measured): then the process kills itself (exit status 137)
 * rather than make a forced exit wait.
 */
function forceExit(): never {
  if (pendingDriverRequests() > 0) process.kill(process.pid, 'SIGKILL');
  process.exit(EXIT_FAILURE);
}

/**
 * First SIGINT/SIGTERM aborts the returned signal (the command drains and stops within its deadline);
 * a second one forces exit 1 at once.
 */
function stopSignal(): AbortSignal {
  const signals = new ShutdownSignals({
    onStop: (name) => process.stderr.write(`soakbench: ${name}: stopping (send it again to force)\n`),
    onForce: (name) => {
      process.stderr.write(`soakbench: second ${name}: exiting now\n`);
      forceExit();
    },
  });
  process.on('SIGINT', (name) => signals.receive(name));
  process.on('SIGTERM', (name) => signals.receive(name));
  return signals.signal;
}

/** --producer-processes (engine.producerProcesses): run's and daemon's. */
function producerProcessesParser(name: string): (value: string) => number {
  return countFlag(name, MAX_PRODUCER_PROCESSES, 'one per core');
}

function producerProcessesOption(): Option {
  return new Option(
    '--producer-processes <n>',
    `processes the send path runs in, at most one per producer: 0 one per core (default), 1 this process, 2 or more child processes (${atMost(MAX_PRODUCER_PROCESSES)}; environment SOAKBENCH_PRODUCER_PROCESSES)`,
  ).argParser(producerProcessesParser('--producer-processes'));
}

/** --log-level: choices() lists them in --help; the parser words a bad one like every other flag. */
function logLevelOption(description: string, defaultLevel?: LogLevel): Option {
  const option = new Option('--log-level <level>', description)
    .choices(LOG_LEVELS)
    .argParser(choiceFlag('--log-level', LOG_LEVELS));
  return defaultLevel === undefined ? option : option.default(defaultLevel);
}

function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command('soakbench')
    .description('Long-running, measured load generator for Apache Kafka (OMB workloads, Prometheus metrics)')
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();

  program
    .command('run')
    .description(
      'OMB-style one-shot run of each workload: console lines every 10 s, one result JSON per workload; on a terminal, a live progress line (time left, rate, p99, errors)',
    )
    .requiredOption('--driver <file>', 'OMB Kafka driver file (YAML)')
    .option('--output-dir <dir>', 'where result JSON files go', '.')
    .option('--bootstrap-servers <list>', "overrides the driver file's bootstrap.servers")
    .option('--no-cleanup-topics', 'keep the topics the run created (default: delete them at the end)')
    .addOption(
      new Option('--period-seconds <s>', `seconds between console lines (${atMost(MAX_PERIOD_SECONDS)})`)
        .default(10)
        .argParser(positiveNumberFlag('--period-seconds', MAX_PERIOD_SECONDS, 's')),
    )
    .addOption(
      new Option(
        '--p99-target-ms <ms>',
        `producerRate 0: the p99 response time (ack − intended) to hold (${atMost(MAX_P99_TARGET_MS)})`,
      )
        .default(50)
        .argParser(positiveNumberFlag('--p99-target-ms', MAX_P99_TARGET_MS, 'ms')),
    )
    .addOption(
      new Option(
        '--max-rate <msgs>',
        `producerRate 0: the highest rate to try (msg/s, ${atMost(MAX_RATE)})`,
      ).argParser(positiveNumberFlag('--max-rate', MAX_RATE, 'msg/s')),
    )
    .addOption(
      new Option(
        '--http-port <port>',
        'serve /metrics, /status and the live page (GET /) on 127.0.0.1:<port> during the run (0: any free port, printed); steering endpoints answer 409',
      ).argParser(portFlag('--http-port')),
    )
    .addOption(
      new Option(
        '--sweep <from:to:steps>',
        "the capacity curve: hold STEPS rates from FROM to TO msg/s (geometric spacing) instead of the workload's rate and duration, then print each step and the knee (docs/sweep.md)",
      ).argParser((value: string) => parseSweep(value, MAX_RATE)),
    )
    .addOption(
      new Option(
        '--sweep-seconds <s>',
        `with --sweep: seconds per step, the first 20 % (at most 5 s) not measured (${atMost(MAX_PERIOD_SECONDS)}; default: 30)`,
      ).argParser(positiveNumberFlag('--sweep-seconds', MAX_PERIOD_SECONDS, 's')),
    )
    .option(
      '--slo <file>',
      "SLO thresholds (YAML or JSON, an `slo:` block's content) replacing each workload's `slo:`; a failed verdict exits 3",
    )
    .addOption(producerProcessesOption())
    .addOption(logLevelOption('log level of the JSON log lines on stderr', 'warn'))
    .argument('<workload...>', 'OMB workload files (YAML or JSON)')
    .addHelpText(
      'after',
      '\nExit codes: 0 success; 1 runtime failure or interrupted run; 2 bad flag or file; 3 every workload ran to its end but an SLO verdict failed (1 and 2 take precedence).',
    )
    .action(async (workloads: string[], opts) => {
      if (opts.sweepSeconds !== undefined && !opts.sweep) {
        throw new SoakbenchError('INVALID_ARGUMENT', '--sweep-seconds: only with --sweep FROM:TO:STEPS', {
          field: '--sweep-seconds',
        });
      }
      const log = createLogger({ level: opts.logLevel });
      // The flag, else the environment (as the daemon reads it), else one per core (engine.producerProcesses' default).
      const fromEnv = process.env.SOAKBENCH_PRODUCER_PROCESSES;
      const producerProcesses: number =
        opts.producerProcesses ??
        (fromEnv === undefined ? 0 : producerProcessesParser('SOAKBENCH_PRODUCER_PROCESSES')(fromEnv));
      const progress = createProgressLine(process.stdout);
      const outcome = await runCommand({
        driverFactory: driverFactoryByName('kafka'),
        driverPath: opts.driver,
        workloadPaths: workloads,
        outputDir: opts.outputDir,
        bootstrapServers: opts.bootstrapServers,
        cleanupTopics: opts.cleanupTopics,
        periodSeconds: opts.periodSeconds,
        p99TargetMs: opts.p99TargetMs,
        maxRate: opts.maxRate,
        httpPort: opts.httpPort,
        producerProcesses,
        ...(opts.sweep && { sweep: sweepPlan(opts.sweep, opts.sweepSeconds ?? 30) }),
        sloPath: opts.slo,
        signal: stopSignal(),
        print: (line) => {
          progress?.clear();
          process.stdout.write(`${line}\n`);
        },
        progress,
        log,
      });
      log.flush();
      setExit(
        outcome.results.some((r) => r.partial)
          ? EXIT_FAILURE
          : outcome.results.some((r) => r.slo?.pass === false)
            ? EXIT_SLO_FAILED
            : EXIT_OK,
      );
    });

  program
    .command('daemon')
    .description('run the workload until stopped; serves the HTTP control API and /metrics')
    .option(
      '--config <file>',
      'daemon configuration (JSON or YAML); environment SOAKBENCH_* and flags override it',
    )
    .option('--driver <file>', 'OMB Kafka driver file (default config/drivers/kafka-local.yaml)')
    .option('--workload <file>', 'OMB workload file (default config/workloads/default.yaml)')
    .option('--http-host <host>', 'address to listen on (default 127.0.0.1)')
    .addOption(
      new Option('--http-port <port>', 'port to listen on (default 8080)').argParser(portFlag('--http-port')),
    )
    .option('--bootstrap-servers <list>', "overrides the driver file's bootstrap.servers")
    .addOption(producerProcessesOption())
    .option(
      '--fleet <name>',
      'run as a member of this fleet: daemons with one fleet name share one workload and rate through Kafka (docs/fleet.md; environment SOAKBENCH_FLEET)',
    )
    .addOption(logLevelOption('log level (default info)'))
    .action(async (opts) => {
      await prepareRuntime();
      const { config, log, daemon } = prepareDaemon(opts, process.env, driverFactoryByName('kafka'));
      await daemon.start();
      const signal = stopSignal();
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      // The grace period bounds the drain; past it (or on a second signal) the process exits 1.
      const force = setTimeout(() => {
        log.error(
          { graceMs: config.shutdown.graceMs },
          'shutdown took longer than the grace period: exiting',
        );
        log.flush();
        forceExit();
      }, config.shutdown.graceMs + 2_000);
      force.unref();
      await daemon.stop(config.shutdown.graceMs);
      log.flush();
      setExit(EXIT_OK);
    });

  program
    .command('validate')
    .description('check a driver file and workload files without touching Kafka')
    .option('--driver <file>', 'OMB Kafka driver file (YAML)')
    .argument('<workload...>', 'OMB workload files (YAML or JSON)')
    .action((workloads: string[], opts) => {
      const result = validateFiles({ driverPath: opts.driver, workloadPaths: workloads });
      for (const w of result.warnings) process.stderr.write(`warning: ${w}\n`);
      for (const e of result.errors) process.stderr.write(`error: ${e}\n`);
      const files = workloads.length + (opts.driver ? 1 : 0);
      if (result.ok) process.stdout.write(`${files} file(s) valid\n`);
      else process.stderr.write(`${result.errors.length} error(s) in ${files} file(s)\n`);
      setExit(result.ok ? EXIT_OK : EXIT_USAGE);
    });

  program
    .command('report')
    .description(
      "one self-contained HTML report (charts and tables, opens offline) of result JSON files, OMB's or soakbench's; several files are overlaid and compared",
    )
    .option('-o, --output <file>', 'where the HTML goes', 'report.html')
    .argument('<result...>', 'result JSON files written by `soakbench run` or by OMB')
    .action((results: string[], opts) => {
      const path = reportCommand({ resultPaths: results, outputPath: opts.output });
      process.stdout.write(`wrote ${path} (${results.length} result(s))\n`);
      setExit(EXIT_OK);
    });

  return program;
}

async function main(argv: string[]): Promise<number> {
  let code = EXIT_OK;
  const program = buildProgram((c) => {
    code = c;
  });
  try {
    if (argv.length <= 2) {
      program.outputHelp();
      return EXIT_USAGE;
    }
    await program.parseAsync(argv);
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end through here with exit code 0; usage errors were already printed.
      if (
        err.code === 'commander.helpDisplayed' ||
        err.code === 'commander.version' ||
        err.code === 'commander.help'
      ) {
        return EXIT_OK;
      }
      return EXIT_USAGE;
    }
    return reportError(err);
  }
}

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.exitCode = reportError(err);
  },
);
