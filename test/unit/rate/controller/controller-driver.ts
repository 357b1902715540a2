import { ManualClock } from '../../../../src/clock.js';
import { AdaptiveController } from '../../../../src/rate/controller/adaptive-controller.js';
import type { ControlSample, SendErrorCounts } from '../../../../src/rate/controller/control-sample.js';
import type { ControllerSettings } from '../../../../src/rate/controller/controller-settings.js';
import type { Decision } from '../../../../src/rate/controller/decision.js';

/** What one hand-built interval looks like; everything defaults to "healthy at the commanded rate". */
export interface IntervalSpec {
  /** Acks this interval (default: the commanded rate × 1 s). */
  acks?: number;
  /** Sends this interval (default: the commanded rate × 1 s). */
  sent?: number;
  /** The interval's p99 (default 3 ms); 1.5 % of acks sit at this value, the rest at `floorMs`. */
  p99Ms?: number;
  floorMs?: number;
  errors?: Partial<SendErrorCounts>;
  retries?: number;
  inflight?: number;
  oldestInflightAgeMs?: number;
  publishDelayP99Ms?: number;
  eventLoopDelayP99Ms?: number;
  throttleTimeMs?: number;
}

/** A 1-s sample ending at `nowNs` for a controller commanding `rate`. */
export function sampleAt(nowNs: number, rate: number, spec: IntervalSpec = {}): ControlSample {
  const acks = spec.acks ?? Math.round(rate);
  const p99 = spec.p99Ms ?? 3;
  const floor = Math.min(spec.floorMs ?? 2, p99);
  const tail = Math.ceil(0.015 * acks);
  return {
    nowNs,
    intervalNs: 1e9,
    sent: spec.sent ?? Math.round(rate),
    acks,
    response: {
      count: acks,
      p99Ms: acks > 0 ? p99 : 0,
      countAboveMs: (ms) => (ms < floor ? acks : ms < p99 ? tail : 0),
    },
    errors: { congestion: 0, topology: 0, fatal: 0, other: 0, ...spec.errors },
    retries: spec.retries ?? 0,
    inflight: spec.inflight ?? Math.round(rate * 0.003),
    oldestInflightAgeMs: spec.oldestInflightAgeMs ?? 3,
    publishDelayP99Ms: spec.publishDelayP99Ms ?? 1,
    eventLoopDelayP99Ms: spec.eventLoopDelayP99Ms ?? 5,
    throttleTimeMs: spec.throttleTimeMs ?? 0,
  };
}

/**
 * Settings for hand-built tests: SLO 10 ms with absolute thresholds (floorRelative off: climb 3, low 6,
 * setpoint 8, high 9, severe 20 ms), no warm-up, 1,000 samples per decision, no start-up pacing.
 */
export const TEST_SETTINGS: Partial<ControllerSettings> = {
  p99TargetMs: 10,
  floorRelative: false,
  warmupMs: 0,
  initialRate: 1_000,
  minRate: 10,
  maxRate: 1_000_000,
  // Start-up pacing by the quota window has tests of its own (adaptive-controller-quota.test.ts); here start-up
  // grows ×1.5 per interval, as the hand-built sequences expect.
  startupWindowMultiple: 0,
};

/** A controller on a ManualClock, stepped one second per interval. */
export class Driver {
  readonly clock = new ManualClock(0);
  readonly ctrl: AdaptiveController;

  constructor(settings: Partial<ControllerSettings> = {}) {
    this.ctrl = new AdaptiveController({ ...TEST_SETTINGS, ...settings }, this.clock);
  }

  /** One interval at the rate in force; `spec` may depend on that rate. */
  step(spec: IntervalSpec | ((rate: number) => IntervalSpec) = {}): Decision {
    const rate = this.ctrl.rate;
    this.clock.advanceMs(1000);
    const s = typeof spec === 'function' ? spec(rate) : spec;
    return this.ctrl.update(sampleAt(this.clock.nowNs(), rate, s));
  }

  /** `n` intervals; returns every decision. */
  steps(n: number, spec: IntervalSpec | ((rate: number) => IntervalSpec) = {}): Decision[] {
    return Array.from({ length: n }, () => this.step(spec));
  }

  /** Steps until `until` holds for a decision (at most `max` intervals); fails the test otherwise. */
  stepUntil(
    until: (d: Decision) => boolean,
    spec: IntervalSpec | ((rate: number) => IntervalSpec) = {},
    max = 200,
  ): Decision {
    for (let i = 0; i < max; i++) {
      const d = this.step(spec);
      if (until(d)) return d;
    }
    throw new Error(`condition not reached in ${max} intervals; last state ${this.ctrl.state}`);
  }
}

/**
 * A broker with capacity `capacity` msg/s and a knee: p99 is `floorMs` up to 80 % of capacity, rises linearly to
 * the SLO (10 ms) at 95 %, and overload beyond capacity acks only `capacity` with a large p99 and a backlog.
 */
export function kneeBroker(capacity: number, floorMs = 2): (rate: number) => IntervalSpec {
  return (rate) => {
    const u = rate / capacity;
    if (u > 1)
      return { acks: capacity, p99Ms: 500, inflight: Math.round(rate - capacity), oldestInflightAgeMs: 500 };
    const p99 = u <= 0.8 ? floorMs : floorMs + ((10 - floorMs) * (u - 0.8)) / 0.15;
    return { p99Ms: p99, floorMs, inflight: Math.round(rate * p99 * 1e-3) };
  };
}

/** A quota-like cliff: latency at the floor up to `capacity`, overload (backlog, late acks) beyond it. */
export function cliffBroker(capacity: number): (rate: number) => IntervalSpec {
  return (rate) =>
    rate > capacity
      ? { acks: capacity, p99Ms: 500, inflight: Math.round(rate - capacity), oldestInflightAgeMs: 500 }
      : { p99Ms: 2, floorMs: 2 };
}
