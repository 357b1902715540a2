import { monitorEventLoopDelay } from 'node:perf_hooks';
import { LastInterval } from '../stats/latency-view.js';
import type { PeriodStats, Stats } from '../stats/stats.js';
import { classifySendError } from './controller/classify-send-error.js';
import { type ControlSample, noSendErrors } from './controller/control-sample.js';

/** What the sample needs from the running workload, read at the end of each interval. */
export interface ProducerView {
  inFlight: number;
  oldestInFlightAgeNs(): number;
}

/**
 * Turns one control interval (a Stats snapshot plus the producer's state) into the controller's
 * ControlSample: response-time counts from the interval histogram, errors by class, in-flight,
 * publish delay, event-loop delay and broker throttle time.
 */
export class ControlSampleBuilder {
  private readonly response: LastInterval;
  private readonly loopDelay = monitorEventLoopDelay({ resolution: 10 });
  private lastRetries = -1;

  constructor(stats: Stats) {
    this.response = new LastInterval(stats.responseTime);
    this.loopDelay.enable();
  }

  /** Call right after `stats.snapshotInterval()` returned `period`. */
  build(
    period: PeriodStats,
    producer: ProducerView | undefined,
    throttleTimeMs: number,
    txRetries: number,
  ): ControlSample {
    const errors = noSendErrors();
    for (const [reason, n] of Object.entries(period.sendErrorsByReason))
      errors[classifySendError(reason)] += n;
    const retries = this.lastRetries < 0 ? 0 : Math.max(0, txRetries - this.lastRetries);
    this.lastRetries = txRetries;
    const loopP99Ms = this.loopDelay.count > 0 ? this.loopDelay.percentile(99) / 1e6 : 0;
    this.loopDelay.reset();
    return {
      nowNs: period.endNs,
      intervalNs: period.endNs - period.startNs,
      sent: period.sendAttempts,
      acks: period.messagesSent,
      response: this.response,
      errors,
      retries,
      inflight: producer?.inFlight ?? 0,
      oldestInflightAgeMs: (producer?.oldestInFlightAgeNs() ?? 0) / 1e6,
      publishDelayP99Ms: period.publishDelay.p99 / 1000,
      eventLoopDelayP99Ms: loopP99Ms,
      throttleTimeMs,
    };
  }

  /** The last built sample's response times, compressed base64 (what a fleet member publishes). */
  encodeResponse(): string {
    return this.response.encode();
  }

  close(): void {
    this.loopDelay.disable();
  }
}
