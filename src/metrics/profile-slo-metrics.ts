import { ViewMetric } from './view-metric.js';

/** Where the daemon is in its rate profile (docs/workloads.md "Rate profiles"), for /metrics. */
export interface ProfileGaugeSource {
  /** The step running now (0-based), or -1 when the workload has no profile. */
  readonly step: number;
  /** True while `PUT /rate` overrides the profile. */
  readonly overridden: boolean;
}

/** One SLO threshold's verdict over one window (docs/workloads.md "SLO verdicts"). */
export interface SloGaugeSample {
  readonly threshold: string;
  /** `recent`: the sliding window; `run`: since the workload started. */
  readonly window: 'recent' | 'run';
  readonly ok: boolean;
}

/** What the profile and SLO gauges read at each scrape. */
export interface ProfileSloSource {
  profile?(): ProfileGaugeSource;
  /** Every configured threshold in both windows (empty without thresholds). */
  slo?(): readonly SloGaugeSample[];
}

/** The gauges of rate profiles and SLO verdicts (docs/metrics.md), registered by createDaemonRegistry. */
export function profileSloMetrics(source: ProfileSloSource): ViewMetric[] {
  const profile = (): ProfileGaugeSource => source.profile?.() ?? { step: -1, overridden: false };
  return [
    new ViewMetric(
      'soakbench_profile_step',
      'Step of the rate profile running now (0-based; the hour of day for a timeOfDay profile), -1 without a profile.',
      'gauge',
      () => [{ value: profile().step }],
    ),
    new ViewMetric(
      'soakbench_profile_overridden',
      '1 while PUT /rate overrides the rate profile (until PUT /profile or DELETE /rate hands back), else 0.',
      'gauge',
      () => [{ value: profile().overridden ? 1 : 0 }],
    ),
    new ViewMetric(
      'soakbench_slo_ok',
      "1 when the workload's SLO threshold holds, 0 when it fails or was not measured; window recent (sliding) or run (since the workload started).",
      'gauge',
      () =>
        (source.slo?.() ?? []).map((s) => ({
          labels: { threshold: s.threshold, window: s.window },
          value: s.ok ? 1 : 0,
        })),
    ),
  ];
}
