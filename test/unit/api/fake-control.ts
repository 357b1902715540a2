import type { Server } from 'node:http';
import type { ControllerSettingsPatch, DaemonControl } from '../../../src/api/daemon-control.js';
import { closeServer, createHttpApi, listen } from '../../../src/api/http-api.js';
import type { BacklogRequest } from '../../../src/api/schemas.js';
import type { TestResult } from '../../../src/results/test-result.js';
import type { Workload } from '../../../src/workload/workload.js';
import { type HttpAnswer, httpRequest } from '../../helpers/http.js';

/** A DaemonControl that records every call and answers what the test sets; `fail` makes a method throw. */
export class FakeControl implements DaemonControl {
  readonly calls: { method: string; arg?: unknown }[] = [];
  rate = 1000;
  paused = false;
  healthy = true;
  ready: { ready: boolean; reason: string } = { ready: true, reason: 'producing' };
  /** When set, the named method throws it. */
  fail: Partial<Record<keyof DaemonControl, unknown>> = {};

  private call(method: keyof DaemonControl, arg?: unknown): void {
    this.calls.push(arg === undefined ? { method } : { method, arg });
    if (this.fail[method] !== undefined) throw this.fail[method];
  }

  /** The calls that would have changed something. */
  mutations(): { method: string; arg?: unknown }[] {
    return this.calls.filter((c) =>
      [
        'setRate',
        'resumeProfile',
        'updateController',
        'replaceWorkload',
        'startBacklog',
        'pause',
        'resume',
      ].includes(c.method),
    );
  }

  status(): Record<string, unknown> {
    this.call('status');
    return { state: 'running', targetRate: this.rate, paused: this.paused };
  }
  setRate(rate: number): Record<string, unknown> {
    this.call('setRate', rate);
    const previous = this.rate;
    this.rate = rate;
    return { rate, previous, mode: 'fixed' };
  }
  resumeProfile(): Record<string, unknown> {
    this.call('resumeProfile');
    return { profile: { overridden: false } };
  }
  controller(): Record<string, unknown> {
    this.call('controller');
    return { mode: 'fixed', rate: this.rate };
  }
  updateController(patch: ControllerSettingsPatch): Record<string, unknown> {
    this.call('updateController', patch);
    return { mode: patch.mode ?? 'fixed' };
  }
  parseWorkload(text: string): Workload {
    this.call('parseWorkload', text);
    return { name: 'parsed' } as Workload;
  }
  async replaceWorkload(workload: Workload): Promise<Record<string, unknown>> {
    this.call('replaceWorkload', workload.name);
    return { workload: workload.name };
  }
  startBacklog(request: BacklogRequest): Record<string, unknown> {
    this.call('startBacklog', request);
    return { backlog: { inProgress: { ...request, stage: 'building' }, last: null } };
  }
  pause(): Record<string, unknown> {
    this.call('pause');
    this.paused = true;
    return { paused: true };
  }
  resume(): Record<string, unknown> {
    this.call('resume');
    this.paused = false;
    return { paused: false };
  }
  results(): TestResult {
    this.call('results');
    return { workload: 'w', publishRate: [] } as unknown as TestResult;
  }
  health(): { ok: boolean; reason: string } {
    this.call('health');
    return { ok: this.healthy, reason: this.healthy ? 'running' : 'the sampling loop has not turned' };
  }
  readiness(): { ready: boolean; reason: string } {
    this.call('readiness');
    return this.ready;
  }
  async metrics(): Promise<{ contentType: string; body: string }> {
    this.call('metrics');
    return { contentType: 'text/plain; version=0.0.4; charset=utf-8', body: 'soakbench_x 1\n' };
  }
}

/** The API of src/api on an ephemeral loopback port, over a FakeControl. */
export interface ApiUnderTest {
  control: FakeControl;
  url: string;
  request(
    method: string,
    path: string,
    options?: { body?: string | Buffer; contentType?: string; headers?: Record<string, string> },
  ): Promise<HttpAnswer>;
  close(): Promise<void>;
}

export async function startApi(
  options: { token?: string; bodyLimitBytes?: number } = {},
): Promise<ApiUnderTest> {
  const control = new FakeControl();
  const app = createHttpApi({
    control,
    token: options.token ?? '',
    bodyLimitBytes: options.bodyLimitBytes ?? 1_048_576,
    version: '0.0.0-test',
  });
  const server: Server = await listen(app, '127.0.0.1', 0);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const url = `http://127.0.0.1:${port}`;
  return {
    control,
    url,
    request: (method, path, o = {}) => httpRequest(url, method, path, o, 5_000),
    close: () => closeServer(server, 1_000),
  };
}
