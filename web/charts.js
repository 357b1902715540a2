// Chart helpers shared by the live page (web/live.js) and run reports (web/report.js), on top of uPlot
// (a global from uPlot.iife.min.js). Loaded as a classic script; exposes window.SoakCharts.
(() => {
  const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];
  const DASHES = [[], [6, 4], [2, 3], [10, 3, 2, 3]];

  /** The i-th colour of the palette (several runs or series in one chart). */
  function color(i) {
    return COLORS[i % COLORS.length];
  }

  function dash(i) {
    return DASHES[i % DASHES.length];
  }

  /** A number for a table cell or a tooltip: thousands grouped, at most 3 decimals. */
  function fmt(v) {
    if (v === null || v === undefined || Number.isNaN(v)) return '–';
    if (typeof v !== 'number') return String(v);
    const digits = Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 1 : 3;
    return v.toLocaleString('en-US', { maximumFractionDigits: digits });
  }

  /** Percentile axis: x = 100 / (100 − p) on a log scale, labelled 0, 90, 99, 99.9 ... at the powers of 10. */
  function percentileX(p) {
    return 100 / (100 - p);
  }

  function percentileLabel(x) {
    if (!x) return '';
    const decade = Math.round(Math.log10(x));
    if (Math.abs(Math.log10(x) - decade) > 1e-9) return '';
    return (100 - 100 / x).toFixed(Math.max(0, decade - 2));
  }

  function chartWidth(el) {
    return Math.max(320, Math.min(1100, (el.clientWidth || 900) - 8));
  }

  /**
   * Draws a line chart into `el`. spec: { title, xLabel, yLabel, x: 'seconds' | 'percentile' | 'time', yLog?,
   * series: [{ label, color?, dash? }], data: [xs, ys1, ys2, ...] }. Returns the uPlot instance.
   */
  function lineChart(el, spec) {
    const xScale = { time: spec.x === 'time' };
    const xAxis = { label: spec.xLabel };
    if (spec.x === 'percentile') {
      xScale.distr = 3;
      xScale.log = 10;
      xAxis.values = (_u, splits) => splits.map(percentileLabel);
    }
    // A log y axis cannot show 0 or less: those points become gaps.
    const yScale = spec.yLog
      ? { distr: 3, log: 10 }
      : { range: (_u, min, max) => [Math.min(0, min), max > 0 ? max * 1.05 : 1] };
    const data = spec.yLog
      ? spec.data.map((col, i) => (i === 0 ? col : col.map((v) => (v !== null && v > 0 ? v : null))))
      : spec.data;
    const opts = {
      title: spec.title,
      width: chartWidth(el),
      height: spec.height || 280,
      scales: { x: xScale, y: yScale },
      axes: [
        xAxis,
        {
          label: spec.yLabel,
          size: 60,
          values: (_u, splits) => splits.map((v) => (v === null ? '' : fmt(v))),
        },
      ],
      series: [
        {
          label: spec.xLabel,
          value: spec.x === 'percentile' ? (_u, v) => (v ? fmt(100 - 100 / v) : '–') : undefined,
        },
        ...spec.series.map((s, i) => ({
          label: s.label,
          stroke: s.color || color(i),
          dash: s.dash || [],
          width: 1.5,
          spanGaps: true,
          value: (_u, v) => fmt(v),
        })),
      ],
    };
    return new uPlot(opts, data, el);
  }

  window.SoakCharts = { color, dash, fmt, percentileX, lineChart };
})();
