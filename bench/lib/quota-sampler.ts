/**
 * Records a running daemon one control interval at a time. /metrics is polled every `pollMs`; the daemon counts
 * one controller decision per interval, so a change of soakbench_controller_decisions_total marks the end of an
 * interval, and the histogram and counter differences since the previous one are that interval's. The response
 * time histogram's buckets are cumulative since start, so an interval's share above the SLO is exact when the
 * SLO is one of the bucket bounds (see LATENCY_BUCKETS_US); its p99 is interpolated inside a bucket (coarse).
 */
import { LATENCY_BUCKETS_US } from '../../src/metrics/daemon-metrics.js';
import type { QuotaDaemon } from './quota-daemon.js';

/** One control interval as seen from outside the daemon. */
export interface IntervalRecord {
  /** Seconds since the sampler started, when the interval's end was seen. */
  tS: number;
  durationS: number;
  /** soakbench_target_rate after the interval: the rate decided for the next one. */
  targetRate: number;
  /** Acknowledged messages per second in the interval. */
  ackRate: number;
  responses: number;
  /** Responses (ack − intended send) above the SLO. */
  overSlo: number;
  /** Interval p99 response time, interpolated from the buckets; NaN with no acks. */
  p99Ms: number;
  /** p99 > SLO: more than 1 % of the responses above it, or no ack at all while messages are in flight. */
  violated: boolean;
  /** Broker throttle time (librdkafka statistics window max, over brokers), ms. */
  throttleMs: number;
  inflight: number;
  sendErrors: number;
  state: string;
  bestRate: number;
  generatorSaturated: boolean;
  /** GET /controller `generatorLimited`. */
  generatorLimited: boolean;
  /** Decisions made since the previous interval (kind, rate, reason). */
  decisions: { kind: string; rate: number; reason: string }[];
}

interface Scrape {
  decisions: number;
  responses: number;
  atOrBelowSlo: number;
  buckets: number[];
  acks: number;
  errors: number;
  targetRate: number;
  throttleMs: number;
  inflight: number;
  state: string;
  bestRate: number;
  saturated: boolean;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)/;

function labelsOf(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of (text ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) out[m[1]!] = m[2]!;
  return out;
}

function parse(text: string, sloMs: number): Scrape {
  const bounds = LATENCY_BUCKETS_US.map((us) => String(us / 1e6));
  const s: Scrape = {
    decisions: 0,
    responses: 0,
    atOrBelowSlo: 0,
    buckets: new Array<number>(bounds.length).fill(0),
    acks: 0,
    errors: 0,
    targetRate: 0,
    throttleMs: 0,
    inflight: 0,
    state: '',
    bestRate: 0,
    saturated: false,
  };
  const sloLe = String(sloMs / 1000);
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = SAMPLE.exec(line);
    if (!m) continue;
    const [, name, rawLabels, rawValue] = m;
    const value = Number(rawValue);
    const labels = labelsOf(rawLabels);
    switch (name) {
      case 'soakbench_controller_decisions_total':
        s.decisions += value;
        break;
      case 'soakbench_publish_response_time_seconds_count':
        s.responses = value;
        break;
      case 'soakbench_publish_response_time_seconds_bucket': {
        const i = bounds.indexOf(labels.le ?? '');
        if (i >= 0) s.buckets[i] = value;
        if (labels.le === sloLe) s.atOrBelowSlo = value;
        break;
      }
      case 'soakbench_messages_sent_total':
        s.acks = value;
        break;
      case 'soakbench_send_errors_total':
        s.errors += value;
        break;
      case 'soakbench_target_rate':
        s.targetRate = value;
        break;
      case 'soakbench_librdkafka_broker_throttle_seconds':
        if (labels.stat === 'max') s.throttleMs = Math.max(s.throttleMs, value * 1000);
        break;
      case 'soakbench_inflight_messages':
        s.inflight = value;
        break;
      case 'soakbench_controller_state':
        if (value === 1) s.state = labels.state ?? '';
        break;
      case 'soakbench_controller_best_rate':
        s.bestRate = value;
        break;
      case 'soakbench_generator_saturated':
        s.saturated = value === 1;
        break;
    }
  }
  return s;
}

/** p99 of an interval from bucket count differences: linear inside the bucket that holds it. */
function p99FromBuckets(diff: readonly number[], total: number): number {
  if (total <= 0) return Number.NaN;
  const want = 0.99 * total;
  let lowerUs = 0;
  let below = 0;
  for (let i = 0; i < diff.length; i++) {
    const upperUs = LATENCY_BUCKETS_US[i]!;
    if (diff[i]! >= want) {
      const inBucket = diff[i]! - below;
      const frac = inBucket > 0 ? (want - below) / inBucket : 1;
      return (lowerUs + frac * (upperUs - lowerUs)) / 1000;
    }
    lowerUs = upperUs;
    below = diff[i]!;
  }
  return LATENCY_BUCKETS_US[LATENCY_BUCKETS_US.length - 1]! / 1000;
}

export class IntervalSampler {
  readonly records: IntervalRecord[] = [];
  readonly startMs = Date.now();
  private prev: Scrape | undefined;
  private prevMs = this.startMs;
  private stopped = false;
  private readonly loop: Promise<void>;
  private failures = 0;
  private error: unknown;

  /** `sloMs` must be one of the histogram bounds, so that "p99 above the SLO" is exact. */
  constructor(
    private readonly daemon: QuotaDaemon,
    private readonly sloMs: number,
    private readonly pollMs = 200,
  ) {
    if (!LATENCY_BUCKETS_US.includes(sloMs * 1000)) {
      throw new Error(
        `SLO ${sloMs} ms is not a bound of the daemon's latency histogram (${LATENCY_BUCKETS_US})`,
      );
    }
    this.loop = this.run().catch((err: unknown) => {
      this.error = err;
    });
  }

  /** Why sampling stopped on its own (ten failed scrapes in a row), if it did. */
  get failed(): unknown {
    return this.error;
  }

  /** Seconds since the sampler started. */
  nowS(): number {
    return (Date.now() - this.startMs) / 1000;
  }

  /** Records seen since `fromS` (sampler seconds). */
  since(fromS: number): IntervalRecord[] {
    return this.records.filter((r) => r.tS > fromS);
  }

  async stop(): Promise<IntervalRecord[]> {
    this.stopped = true;
    await this.loop;
    if (this.error !== undefined) throw this.error;
    return this.records;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.poll();
        this.failures = 0;
      } catch (err) {
        // A scrape can fail while the machine is starved; ten in a row means the daemon is gone.
        if (++this.failures >= 10) throw err;
      }
      await new Promise((r) => setTimeout(r, this.pollMs));
    }
  }

  private async poll(): Promise<void> {
    const cur = parse(await this.daemon.metricsText(), this.sloMs);
    const nowMs = Date.now();
    const prev = this.prev;
    if (prev === undefined || cur.decisions === prev.decisions) {
      this.prev ??= cur;
      return;
    }
    const controller = await this.daemon.getJson('/controller');
    const last = (controller.lastDecisions as { kind: string; rate: number; reason: string }[]) ?? [];
    const responses = cur.responses - prev.responses;
    const overSlo = responses - (cur.atOrBelowSlo - prev.atOrBelowSlo);
    const durationS = (nowMs - this.prevMs) / 1000;
    const acks = cur.acks - prev.acks;
    this.records.push({
      tS: (nowMs - this.startMs) / 1000,
      durationS,
      targetRate: cur.targetRate,
      ackRate: acks / durationS,
      responses,
      overSlo,
      p99Ms: p99FromBuckets(
        cur.buckets.map((b, i) => b - prev.buckets[i]!),
        responses,
      ),
      violated: responses > 0 ? overSlo > 0.01 * responses : cur.inflight > 0,
      throttleMs: cur.throttleMs,
      inflight: cur.inflight,
      sendErrors: cur.errors - prev.errors,
      state: cur.state,
      bestRate: cur.bestRate,
      generatorSaturated: cur.saturated,
      generatorLimited: controller.generatorLimited === true,
      decisions: last.slice(-Math.min(last.length, cur.decisions - prev.decisions)),
    });
    this.prev = cur;
    this.prevMs = nowMs;
  }
}
