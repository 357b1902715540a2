/** One sample of a metric: labels and value (and, for histogram series, the series name). */
export interface Sample {
  labels?: Record<string, string>;
  value: number;
  metricName?: string;
}

/**
 * A metric whose samples are read from the stats at scrape time (prom-client README: read state in
 * collect, not in a timer). prom-client's Registry accepts any object with name, help, type and get();
 * the built-in classes would need an observe() per message for histograms, which the hot path cannot
 * afford: histograms here are built from HdrHistogram intervals instead.
 */
export class ViewMetric {
  readonly aggregator = 'sum';
  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: 'counter' | 'gauge' | 'histogram',
    private readonly read: () => Sample[],
  ) {}

  get(): { name: string; help: string; type: string; aggregator: string; values: Sample[] } {
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values: this.read(),
    };
  }

  reset(): void {}
}
