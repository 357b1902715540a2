import type { ControlSample, LatencyView } from '../../src/rate/controller/control-sample.js';
import { BUCKETS, bucketOf, countAbove, valueAt } from './bucket-histogram.js';
import { CapacityCursor, type CapacitySchedule, capacityAt } from './capacity-schedule.js';
import { Prng } from './prng.js';
import { kneeDelayMs, type ServiceModel } from './service-model.js';

/** The ground truth of one interval, for metrics (the controller sees only the `ControlSample`). */
export interface IntervalTruth {
  startS: number;
  /** Commanded rate during the interval. */
  rate: number;
  /** C at the middle of the interval (0 inside a pause). */
  capacity: number;
  sent: number;
  acks: number;
  /** Timed-out messages (counted at their deadline). */
  errors: number;
  /** Acks with response time above the SLO. */
  overSlo: number;
  /** p99 response time of acks and failures (a failure counts as the timeout), ms. */
  p99Ms: number;
  inflight: number;
}

export interface IntervalResult {
  sample: ControlSample;
  truth: IntervalTruth;
}

/** Scans of in-flight ages stop here: beyond, the count is a lower bound and already far past 1 %. */
const MAX_CENSORED_SCAN = 200_000;

/**
 * A virtual-time broker: open-loop, uniformly paced arrivals at the commanded rate (the schedule carries its
 * fractional position across rate changes, as a k6-style limiter does) into one FIFO server. Every message is
 * simulated — its service time, queueing, ack or timeout — so each interval's p99 comes from per-message
 * latencies (bucketed at < 0.8 % resolution). An interval reports only the acks completed by its end: acks
 * of messages still queued land in later intervals (feedback lag).
 */
export class SimulatedBroker {
  readonly intervalS: number;
  private readonly m: ServiceModel;
  private readonly schedule: CapacitySchedule;
  private readonly sloMs: number;
  private readonly rng: Prng;
  private readonly ring: number;
  private readonly hist: Uint32Array;
  private readonly ackCount: Float64Array;
  private readonly errCount: Float64Array;
  private readonly resolvedCount: Float64Array;
  private k = 0;
  private free = 0;
  private carry = 0;
  private batchClose = Number.NEGATIVE_INFINITY;
  private arrived = 0;
  private resolved = 0;
  private qArr = new Float64Array(1 << 16);
  private qRes = new Float64Array(1 << 16);
  private qHead = 0;
  private qTail = 0;
  private readonly cursor: CapacityCursor;
  private readonly pauseStart: Float64Array;
  private readonly pauseEnd: Float64Array;

  constructor(
    model: ServiceModel,
    schedule: CapacitySchedule,
    opts: { seed: number; sloMs: number; intervalS?: number },
  ) {
    this.m = model;
    this.schedule = schedule;
    this.sloMs = opts.sloMs;
    this.intervalS = opts.intervalS ?? 1;
    this.rng = new Prng(opts.seed);
    const pausedS = schedule.pauses.reduce((sum, [a, b]) => sum + (b - a), 0);
    this.ring = Math.ceil((model.timeoutMs / 1000 + pausedS) / this.intervalS) + 4;
    this.hist = new Uint32Array(this.ring * BUCKETS);
    this.ackCount = new Float64Array(this.ring);
    this.errCount = new Float64Array(this.ring);
    this.resolvedCount = new Float64Array(this.ring);
    this.cursor = new CapacityCursor(schedule);
    this.pauseStart = Float64Array.from(schedule.pauses.map(([a]) => a));
    this.pauseEnd = Float64Array.from(schedule.pauses.map(([, b]) => b));
  }

  /** Simulates the next interval at `rate` msg/s and returns what the controller sees and the truth. */
  runInterval(rate: number): IntervalResult {
    const T = this.intervalS;
    const k = this.k;
    const t0 = k * T;
    const t1 = t0 + T;
    if (k > 0) this.clearSlot((k - 1) % this.ring);
    const m = this.m;
    const timeout = m.timeoutMs / 1000;
    const d0 = m.baseDelayMs / 1000;
    const pauseStart = this.pauseStart;
    const pauseEnd = this.pauseEnd;
    const np = pauseStart.length;
    const r = Number.isFinite(rate) && rate > 0 ? rate : 0;
    const exact = this.carry + r * T;
    const n = Math.floor(exact + 1e-9);
    const extraS = m.kind === 'knee' ? kneeDelayMs(m, r, capacityAt(this.schedule, t0)) / 1000 : 0;
    const deterministic = m.kind === 'dd1' || m.kind === 'knee';
    const batch = m.kind === 'batch';
    const jitter = m.kind === 'jitter';
    const lingerS = m.lingerMs / 1000;
    const maxSlot = k + this.ring - 1;
    const ringSize = this.ring;
    const hist = this.hist;
    const ackCount = this.ackCount;
    const errCount = this.errCount;
    const resolvedCount = this.resolvedCount;
    const cursor = this.cursor;
    const rng = this.rng;
    const carry = this.carry;
    let free = this.free;
    let batchClose = this.batchClose;
    for (let j = 0; j < n; j++) {
      const a = t0 + (j + 1 - carry) / r;
      let ready = a;
      if (batch) {
        if (a >= batchClose) batchClose = a + lingerS;
        ready = batchClose;
      }
      let start = Math.max(ready, free);
      for (let p = 0; p < np; p++) if (start >= pauseStart[p]! && start < pauseEnd[p]!) start = pauseEnd[p]!;
      let res: number;
      let ok = false;
      if (start - a > timeout) {
        res = a + timeout;
      } else {
        const c = cursor.at(start);
        let end = start + (deterministic ? 1 / c : rng.exponential() / c);
        for (let p = 0; p < np; p++)
          if (start < pauseStart[p]! && end > pauseStart[p]!) end += pauseEnd[p]! - pauseStart[p]!;
        free = end;
        let ack = end + d0 + extraS;
        if (jitter) ack = a + (ack - a) * (1 + m.jitterFraction * rng.exponential());
        for (let p = 0; p < np; p++) if (ack >= pauseStart[p]! && ack < pauseEnd[p]!) ack = pauseEnd[p]!;
        ok = ack - a <= timeout;
        res = ok ? ack : a + timeout;
      }
      let slot = Math.floor(res / T);
      if (slot > maxSlot) slot = maxSlot;
      const pos = slot % ringSize;
      if (ok) {
        ackCount[pos]! += 1;
        hist[pos * BUCKETS + bucketOf((res - a) * 1e6)]! += 1;
      } else {
        errCount[pos]! += 1;
      }
      resolvedCount[pos]! += 1;
      this.push(a, res);
    }
    this.free = free;
    this.batchClose = batchClose;
    this.carry = r > 0 ? exact - n : this.carry;
    this.arrived += n;
    this.k = k + 1;
    return this.close(k, t1, r, n);
  }

  private close(k: number, t1: number, rate: number, sent: number): IntervalResult {
    const pos = k % this.ring;
    this.resolved += this.resolvedCount[pos]!;
    while (this.qHead < this.qTail && this.qRes[this.qHead]! <= t1) this.qHead++;
    const inflight = this.arrived - this.resolved;
    const oldestMs = this.qHead < this.qTail ? (t1 - this.qArr[this.qHead]!) * 1000 : 0;
    const acks = this.ackCount[pos]!;
    const errors = this.errCount[pos]!;
    const offset = pos * BUCKETS;
    const hist = this.hist;
    const p99Us = valueAt(hist, offset, acks, 0.99);
    const response: LatencyView = {
      count: acks,
      p99Ms: p99Us / 1000,
      countAboveMs: (ms) => countAbove(hist, offset, ms * 1000),
    };
    const all = acks + errors;
    const rank = Math.ceil(0.99 * all);
    const truthP99 =
      all === 0
        ? 0
        : rank > acks
          ? this.m.timeoutMs
          : valueAt(hist, offset, acks, (rank - 0.5) / acks) / 1000;
    const inflightAge: LatencyView = {
      count: inflight,
      p99Ms: 0,
      countAboveMs: (ms) => this.countOlder(t1, ms / 1000),
    };
    const T = this.intervalS;
    const mid = t1 - T / 2;
    const paused = this.schedule.pauses.some(([p0, p1]) => mid >= p0 && mid < p1);
    return {
      sample: {
        nowNs: Math.round(t1 * 1e9),
        intervalNs: Math.round(T * 1e9),
        sent,
        acks,
        response,
        errors: { congestion: errors, topology: 0, fatal: 0, other: 0 },
        inflight,
        oldestInflightAgeMs: oldestMs,
        inflightAge,
        publishDelayP99Ms: 0,
        eventLoopDelayP99Ms: 0,
        throttleTimeMs: 0,
      },
      truth: {
        startS: t1 - T,
        rate,
        capacity: paused ? 0 : capacityAt(this.schedule, mid),
        sent,
        acks,
        errors,
        overSlo: countAbove(hist, offset, this.sloMs * 1000),
        p99Ms: truthP99,
        inflight,
      },
    };
  }

  /** In-flight messages at `now` older than `ageS` (lazy: only the adaptive controller asks). */
  private countOlder(now: number, ageS: number): number {
    let n = 0;
    const limit = Math.min(this.qTail, this.qHead + MAX_CENSORED_SCAN);
    for (let i = this.qHead; i < limit && this.qArr[i]! < now - ageS; i++) if (this.qRes[i]! > now) n++;
    return n;
  }

  private clearSlot(pos: number): void {
    this.hist.fill(0, pos * BUCKETS, (pos + 1) * BUCKETS);
    this.ackCount[pos] = 0;
    this.errCount[pos] = 0;
    this.resolvedCount[pos] = 0;
  }

  private push(a: number, res: number): void {
    if (this.qTail === this.qArr.length) {
      const live = this.qTail - this.qHead;
      const size = live * 2 > this.qArr.length ? this.qArr.length * 2 : this.qArr.length;
      const arr = new Float64Array(size);
      const rs = new Float64Array(size);
      arr.set(this.qArr.subarray(this.qHead, this.qTail));
      rs.set(this.qRes.subarray(this.qHead, this.qTail));
      this.qArr = arr;
      this.qRes = rs;
      this.qHead = 0;
      this.qTail = live;
    }
    this.qArr[this.qTail] = a;
    this.qRes[this.qTail] = res;
    this.qTail++;
  }
}
