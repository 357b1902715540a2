import { fleetNames, fleetRunTag } from '../../../src/fleet/fleet-records.js';
import { deleteTopics } from '../../helpers/cli.js';
import { freePort } from '../../helpers/free-port.js';
import { uniqueName } from '../../helpers/kafka.js';
import { REPO_ROOT } from '../../unit/deploy/repo-root.js';
import { type Child, spawnChild, waitFor } from './child-process.js';

/** A soakbench daemon spawned from dist/ on a free loopback port. */
export interface Daemon {
  /** host:port, as Prometheus labels it `instance`. */
  address: string;
  child: Child;
  stop(): Promise<void>;
}

/**
 * Starts `node dist/src/main.js daemon` with the shipped local driver and default workload against the
 * broker in SOAKBENCH_TEST_BOOTSTRAP (default 127.0.0.1:9092) and waits until /readyz answers 200. It is
 * a fleet of one (docs/fleet.md), so the dashboards' Fleet row has data too; a fleet member leaves its
 * topics, so stop() deletes them.
 */
export async function startDaemon(readyTimeoutMs = 60_000): Promise<Daemon> {
  const port = await freePort();
  const fleet = uniqueName('dashboards-fleet');
  const child = spawnChild(
    process.execPath,
    [
      'dist/src/main.js',
      'daemon',
      '--driver',
      'config/drivers/kafka-local.yaml',
      '--workload',
      'config/workloads/default.yaml',
    ],
    {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        SOAKBENCH_HTTP_HOST: '127.0.0.1',
        SOAKBENCH_HTTP_PORT: String(port),
        SOAKBENCH_BOOTSTRAP_SERVERS: process.env.SOAKBENCH_TEST_BOOTSTRAP ?? '127.0.0.1:9092',
        SOAKBENCH_FLEET: fleet,
      },
    },
  );
  const address = `127.0.0.1:${port}`;
  const names = fleetNames(fleet);
  // The default workload (config/workloads/default.yaml): prefix test-topic, one topic, the fleet's first version.
  const topics = [names.control, names.shares, `test-topic-sb-${fleetRunTag(fleet, 1)}-0`];
  const daemon: Daemon = {
    address,
    child,
    stop: async () => {
      await child.stop(15_000);
      await deleteTopics(topics).catch(() => {});
    },
  };
  try {
    await waitFor(
      'soakbench /readyz 200',
      async () => ((await fetch(`http://${address}/readyz`)).status === 200 ? true : undefined),
      { timeoutMs: readyTimeoutMs, child },
    );
  } catch (err) {
    await daemon.stop();
    throw err;
  }
  return daemon;
}
