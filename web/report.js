// Draws a soakbench report from the JSON inlined in the page (src/report/report-html.ts builds the page,
// src/report/report-data.ts the data). Runs once, offline; sets body[data-ready] when done (the tests wait on it).
(() => {
  const { color, dash, fmt, percentileX, lineChart } = window.SoakCharts;
  const data = JSON.parse(document.getElementById('report-data').textContent);
  const root = document.getElementById('report');
  const runs = data.runs;
  const several = runs.length > 1;

  function section(id, heading) {
    const s = document.createElement('section');
    s.className = 'chart';
    s.dataset.chart = id;
    if (heading) {
      const h = document.createElement('h2');
      h.textContent = heading;
      s.appendChild(h);
    }
    root.appendChild(s);
    return s;
  }

  /** One curve per run: [percentiles → x, latencies], aligned with uPlot.join. */
  function quantileChart(id, title, pick) {
    const withCurve = runs.filter((r) => pick(r));
    if (withCurve.length === 0) return;
    const tables = withCurve.map((r) => [pick(r).percentiles.map(percentileX), pick(r).latencyMs]);
    lineChart(section(id), {
      title,
      x: 'percentile',
      xLabel: 'percentile',
      yLabel: 'ms (log scale)',
      yLog: true,
      series: withCurve.map((r) => ({ label: r.label, color: color(runs.indexOf(r)) })),
      data: uPlot.join(tables),
    });
  }

  /** Series over the measured run: for each run, the named series (with their own dash). */
  function timeChart(id, title, yLabel, names) {
    const series = [];
    const tables = [];
    runs.forEach((r, ri) => {
      names.forEach(([name, label], ni) => {
        const ys = r.series[name];
        if (!ys) return;
        series.push({
          label: several ? `${r.label}: ${label}` : label,
          color: color(several ? ri : ni),
          dash: several ? dash(ni) : [],
        });
        tables.push([r.time, ys]);
      });
    });
    if (tables.length === 0) return;
    lineChart(section(id), {
      title,
      x: 'seconds',
      xLabel: 'seconds into the measured run',
      yLabel,
      series,
      data: uPlot.join(tables),
    });
  }

  function summaryTable() {
    const s = section('summary', several ? 'Side by side' : 'Summary');
    const table = document.createElement('table');
    table.id = 'summary';
    const head = table.createTHead().insertRow();
    head.appendChild(document.createElement('th'));
    for (const r of runs) {
      const th = document.createElement('th');
      th.textContent = r.label;
      th.title = r.file;
      head.appendChild(th);
    }
    const body = table.createTBody();
    for (const key of Object.keys(runs[0].summary)) {
      const row = body.insertRow();
      const th = document.createElement('th');
      th.textContent = key;
      row.appendChild(th);
      for (const r of runs) row.insertCell().textContent = fmt(r.summary[key]);
    }
    s.appendChild(table);
  }

  summaryTable();
  quantileChart('publish-quantiles', 'Publish latency by percentile (ms)', (r) => r.quantiles.publish);
  quantileChart('end-to-end-quantiles', 'End-to-end latency by percentile (ms)', (r) => r.quantiles.endToEnd);
  quantileChart(
    'response-time-quantiles',
    'Publish response time by percentile (ms, soakbench only)',
    (r) => r.quantiles.responseTime,
  );
  timeChart('rates', 'Publish and consume rate (msg/s)', 'msg/s', [
    ['publishRate', 'publish'],
    ['consumeRate', 'consume'],
  ]);
  const latencyNames = (prefix) =>
    several
      ? [[`${prefix}99pct`, 'p99']]
      : [
          [`${prefix}50pct`, 'p50'],
          [`${prefix}99pct`, 'p99'],
          [`${prefix}999pct`, 'p99.9'],
        ];
  timeChart('publish-latency', 'Publish latency per period (ms)', 'ms', latencyNames('publishLatency'));
  timeChart(
    'end-to-end-latency',
    'End-to-end latency per period (ms)',
    'ms',
    latencyNames('endToEndLatency'),
  );
  timeChart(
    'response-time',
    'Publish response time per period (ms, soakbench only)',
    'ms',
    latencyNames('publishResponseTime'),
  );
  timeChart('backlog', 'Consumer backlog (messages)', 'messages', [['backlog', 'backlog']]);
  document.body.dataset.ready = 'true';
})();
