/**
 * Latency models of the simulated broker (docs/controller.md, Harness A). Every model is a FIFO server of capacity C(t)
 * plus a fixed delay d₀ (network, acks):
 * - `dm1`: exponential service (D/M/1, smooth knee);
 * - `dd1`: deterministic service 1/C (D/D/1, a quota-like cliff at C);
 * - `knee`: D/D/1 plus a delay that grows as kneeExp^((r − kneeFraction·C)/(kneeStep·C)), r the offered rate
 *   (Vector's adaptive-concurrency test model, over rate instead of concurrency);
 * - `batch`: producer batching — a batch closes `lingerMs` after its first message, then its messages are served
 *   (exponentially) in order: latency has a floor of about linger + d₀;
 * - `jitter`: D/M/1 with each ack's latency multiplied by (1 + jitterFraction·Exp(1)).
 */
export type ServiceModelKind = 'dm1' | 'dd1' | 'knee' | 'batch' | 'jitter';

export interface ServiceModel {
  kind: ServiceModelKind;
  /** d₀: fixed delay added to every ack, ms. */
  baseDelayMs: number;
  /** A message not acked within this time fails (`ERR__MSG_TIMED_OUT`, congestion); ms. */
  timeoutMs: number;
  kneeFraction: number;
  kneeStep: number;
  kneeExp: number;
  kneeScaleMs: number;
  /** The knee delay stops growing here (beyond capacity the queue takes over). */
  kneeMaxMs: number;
  lingerMs: number;
  jitterFraction: number;
}

const common = {
  baseDelayMs: 2,
  kneeFraction: 0.7,
  kneeStep: 0.05,
  kneeExp: 2,
  kneeScaleMs: 1,
  kneeMaxMs: 100,
  lingerMs: 5,
  jitterFraction: 0.1,
};

/** The models with Harness A's settings (docs/controller.md): 1-s timeouts for D/M/1-like models, Kafka-like 120 s otherwise. */
export function serviceModel(kind: ServiceModelKind): ServiceModel {
  const timeoutMs = kind === 'dd1' || kind === 'knee' ? 120_000 : 1_000;
  return { ...common, kind, timeoutMs };
}

export const MODEL_KINDS: readonly ServiceModelKind[] = ['dm1', 'dd1', 'knee', 'batch', 'jitter'];

/** The knee model's extra delay (ms) at offered rate `rate` and capacity `capacity`. */
export function kneeDelayMs(m: ServiceModel, rate: number, capacity: number): number {
  if (capacity <= 0) return 0;
  const x = (rate - m.kneeFraction * capacity) / (m.kneeStep * capacity);
  return Math.min(m.kneeMaxMs, m.kneeScaleMs * m.kneeExp ** x);
}

/**
 * r*: the highest rate whose steady-state p99 response time is within the SLO, in closed form where one exists.
 * D/M/1: the sojourn time is exponential with rate μ(1−σ), σ = exp(−μ(1−σ)/λ); p99 = d₀ + ln(100)/(μ(1−σ)) ≤ S
 * gives r* = −θ/ln(1−θ/C) with θ = ln(100)/(S−d₀). D/D/1: r* = C. Knee: the rate where d₀ + 1/C + knee delay = S,
 * at most C. Returns undefined for models that need the numerical oracle (`batch`, `jitter`).
 */
export function closedFormRStar(m: ServiceModel, capacity: number, sloMs: number): number | undefined {
  if (capacity <= 0) return 0;
  const budgetS = (sloMs - m.baseDelayMs) / 1000;
  switch (m.kind) {
    case 'dm1': {
      const theta = Math.log(100) / budgetS;
      return theta >= capacity ? 0 : -theta / Math.log(1 - theta / capacity);
    }
    case 'dd1':
      return capacity;
    case 'knee': {
      const room = sloMs - m.baseDelayMs - 1000 / capacity;
      if (room <= 0) return 0;
      const x = Math.log(room / m.kneeScaleMs) / Math.log(m.kneeExp);
      return Math.min(capacity, capacity * (m.kneeFraction + m.kneeStep * x));
    }
    default:
      return undefined;
  }
}
