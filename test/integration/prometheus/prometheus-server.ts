import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { freePort } from '../../helpers/free-port.js';
import { repoPath } from '../../unit/deploy/repo-root.js';
import { type Child, spawnChild, waitFor } from './child-process.js';

/** Debian's Prometheus (package prometheus); the tests need 2.x or later. */
export const PROMETHEUS_BIN = process.env.PROMETHEUS_BIN ?? '/usr/bin/prometheus';
export const PROMTOOL_BIN = process.env.PROMTOOL_BIN ?? '/usr/bin/promtool';

/** A Prometheus started on a free loopback port with its data in a temporary directory. */
export interface PrometheusServer {
  url: string;
  child: Child;
  stop(): Promise<void>;
}

/**
 * The shipped prometheus/prometheus.yml with its service discovery (Docker's DNS name of the compose
 * service) replaced by the one static target `target`, and its rule files given as absolute paths (the
 * copy lives outside the repository).
 */
export function scrapeConfigFor(target: string): string {
  const config = parse(readFileSync(repoPath('prometheus', 'prometheus.yml'), 'utf8')) as {
    rule_files: string[];
    scrape_configs: { static_configs?: { targets: string[] }[]; dns_sd_configs?: unknown[] }[];
  };
  config.rule_files = config.rule_files.map((pattern) => repoPath('prometheus', pattern));
  for (const job of config.scrape_configs) {
    delete job.dns_sd_configs;
    job.static_configs = [{ targets: [target] }];
  }
  return stringify(config);
}

export async function startPrometheus(dir: string, configYaml: string): Promise<PrometheusServer> {
  const port = await freePort();
  const configFile = join(dir, 'prometheus.yml');
  writeFileSync(configFile, configYaml);
  mkdirSync(join(dir, 'data'), { recursive: true });
  const child = spawnChild(
    PROMETHEUS_BIN,
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    {},
  );
  const url = `http://127.0.0.1:${port}`;
  const server: PrometheusServer = { url, child, stop: () => child.stop(15_000) };
  try {
    await waitFor(
      'Prometheus /-/ready',
      async () => ((await fetch(`${url}/-/ready`)).ok ? true : undefined),
      {
        timeoutMs: 30_000,
        child,
      },
    );
  } catch (err) {
    await server.stop();
    throw err;
  }
  return server;
}

/** Result of an instant query through the HTTP API. */
export interface InstantResult {
  status: 'success' | 'error';
  error?: string;
  data?: { resultType: string; result: unknown[] };
}

export async function instantQuery(url: string, expr: string): Promise<InstantResult> {
  const response = await fetch(`${url}/api/v1/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ query: expr }),
    signal: AbortSignal.timeout(10_000),
  });
  return (await response.json()) as InstantResult;
}
