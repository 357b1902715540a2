/**
 * The thresholds of an `slo:` block (docs/workloads.md, "SLO verdicts"; read by src/workload/slo-block.ts),
 * in the order the verdict lists them. Latencies are milliseconds; a `max*` threshold passes when the
 * measured value is at most it, a `min*` threshold when it is at least it.
 */
export const SLO_THRESHOLD_NAMES = [
  'publishResponseTimeP99Ms',
  'publishResponseTimeP999Ms',
  'endToEndP99Ms',
  'maxErrorRate',
  'maxLost',
  'maxDuplicated',
  'maxOutOfOrder',
  'minAchievedRatio',
] as const;

export type SloThresholdName = (typeof SLO_THRESHOLD_NAMES)[number];

/** A validated `slo:` block: the thresholds given (at least one). */
export type SloThresholds = Readonly<Partial<Record<SloThresholdName, number>>>;

/** What each threshold accepts, and which way it compares. */
export const SLO_THRESHOLD_KINDS: Readonly<
  Record<
    SloThresholdName,
    { readonly compare: 'atMost' | 'atLeast'; readonly accepts: 'ms' | 'ratio' | 'count' }
  >
> = {
  publishResponseTimeP99Ms: { compare: 'atMost', accepts: 'ms' },
  publishResponseTimeP999Ms: { compare: 'atMost', accepts: 'ms' },
  endToEndP99Ms: { compare: 'atMost', accepts: 'ms' },
  maxErrorRate: { compare: 'atMost', accepts: 'ratio' },
  maxLost: { compare: 'atMost', accepts: 'count' },
  maxDuplicated: { compare: 'atMost', accepts: 'count' },
  maxOutOfOrder: { compare: 'atMost', accepts: 'count' },
  minAchievedRatio: { compare: 'atLeast', accepts: 'ratio' },
};
