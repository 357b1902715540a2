import type { Server } from 'node:http';
import type { DaemonControl } from '../api/daemon-control.js';
import { closeServer, createHttpApi, listen } from '../api/http-api.js';
import type { DaemonConfig } from '../config/daemon-config.js';
import type { Service } from '../lifecycle/lifecycle.js';
import type { Logger } from '../log/logger.js';
import { VERSION } from '../version.js';

/** The daemon's HTTP API as a service: the first to start (health answers while Kafka is away), the last to stop. */
export class HttpService implements Service {
  readonly name = 'http';
  private server: Server | undefined;

  constructor(
    private readonly o: {
      control: DaemonControl;
      config: DaemonConfig;
      log: Logger;
      /** For the 'http listening' line. */
      workloadName: () => string;
    },
  ) {}

  /** The port actually bound (http.port 0 picks a free one). */
  get port(): number {
    const address = this.server?.address();
    return typeof address === 'object' && address ? address.port : this.o.config.http.port;
  }

  async start(): Promise<void> {
    const { config } = this.o;
    const app = createHttpApi({
      control: this.o.control,
      token: config.api.token,
      bodyLimitBytes: config.http.bodyLimitBytes,
      version: VERSION,
    });
    this.server = await listen(app, config.http.host, config.http.port);
    this.o.log.info(
      { host: config.http.host, port: this.port, version: VERSION, workload: this.o.workloadName() },
      'http listening',
    );
  }

  async stop(budgetMs: number): Promise<void> {
    if (this.server) await closeServer(this.server, Math.min(2_000, budgetMs));
  }
}
