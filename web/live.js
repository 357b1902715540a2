// The live page (web/live.html): polls GET /status and GET /metrics every POLL_MS and keeps the last
// HISTORY_S seconds in the browser; the daemon keeps nothing extra for it (docs/live-page.md).
(() => {
  const { fmt, lineChart } = window.SoakCharts;
  const POLL_MS = 2000;
  const HISTORY_S = 600;
  /** Latency quantiles come from histogram bucket increases over this long (as rate(...[10s]) would). */
  const LATENCY_WINDOW_S = 10;
  const TOKEN_KEY = 'soakbench.apiToken';
  const HISTOGRAMS = {
    response: 'soakbench_publish_response_time_seconds_bucket',
    endToEnd: 'soakbench_end_to_end_latency_seconds_bucket',
  };

  const $ = (id) => document.getElementById(id);
  const cols = [
    't',
    'target',
    'sent',
    'received',
    'responseP50',
    'responseP99',
    'responseP999',
    'sloP99',
    'endToEndP50',
    'endToEndP99',
    'endToEndP999',
    'backlog',
    'errors',
  ];
  const history = Object.fromEntries(cols.map((c) => [c, []]));
  const scrapes = [];
  let previous = null;
  let polls = 0;

  const chart = (id, title, yLabel, series, names) => ({
    names,
    plot: lineChart($(id), {
      title,
      x: 'time',
      xLabel: 'time',
      yLabel,
      series,
      data: [[], ...names.map(() => [])],
      height: 240,
    }),
  });
  const charts = [
    chart(
      'chart-rate',
      'Rate (msg/s): target vs achieved',
      'msg/s',
      [{ label: 'target' }, { label: 'acknowledged' }, { label: 'consumed', dash: [6, 4] }],
      ['target', 'sent', 'received'],
    ),
    chart(
      'chart-response',
      'Publish response time (ms; ack − intended send)',
      'ms',
      [
        { label: 'p50' },
        { label: 'p99' },
        { label: 'p99.9' },
        { label: 'p99 target', color: '#888', dash: [4, 4] },
      ],
      ['responseP50', 'responseP99', 'responseP999', 'sloP99'],
    ),
    chart(
      'chart-end-to-end',
      'End-to-end latency (ms; receive − intended send)',
      'ms',
      [{ label: 'p50' }, { label: 'p99' }, { label: 'p99.9' }],
      ['endToEndP50', 'endToEndP99', 'endToEndP999'],
    ),
    chart('chart-backlog', 'Consumer backlog (messages)', 'messages', [{ label: 'backlog' }], ['backlog']),
    chart(
      'chart-errors',
      'Send errors (per s)',
      'errors/s',
      [{ label: 'errors', color: '#d62728' }],
      ['errors'],
    ),
  ];

  /**
   * Cumulative bucket counts of one histogram in Prometheus text: [[le, count], ...] by le, summed over
   * any other label (the daemon splits its publish histograms by broker).
   */
  function buckets(text, name) {
    const byLe = new Map();
    const re = new RegExp(`^${name}\\{([^}]*)\\} (\\S+)$`, 'gm');
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      const le = /(?:^|,)le="([^"]+)"/.exec(m[1]);
      if (le === null) continue;
      const bound = Number(le[1]);
      byLe.set(bound, (byLe.get(bound) ?? 0) + Number(m[2]));
    }
    return [...byLe].sort((a, b) => a[0] - b[0]);
  }

  /** histogram_quantile over the increase between two scrapes; ms, or null without observations. */
  function quantile(q, older, newer) {
    if (!older || older.length !== newer.length) return null;
    const counts = newer.map(([le, c], i) => [le, c - older[i][1]]);
    const total = counts[counts.length - 1][1];
    if (!(total > 0)) return null;
    const rank = q * total;
    let lowerLe = 0;
    let lowerCount = 0;
    for (const [le, c] of counts) {
      if (c >= rank) {
        if (le === Number.POSITIVE_INFINITY) return lowerLe * 1000;
        return (lowerLe + ((le - lowerLe) * (rank - lowerCount)) / Math.max(c - lowerCount, 1e-9)) * 1000;
      }
      lowerLe = le;
      lowerCount = c;
    }
    return lowerLe * 1000;
  }

  function push(row) {
    for (const c of cols) history[c].push(row[c] ?? null);
    const cutoff = row.t - HISTORY_S;
    while (history.t.length > 0 && history.t[0] < cutoff) for (const c of cols) history[c].shift();
    for (const c of charts) c.plot.setData([history.t, ...c.names.map((n) => history[n])]);
  }

  function fillTable(id, rows) {
    const body = $(id).tBodies[0];
    body.replaceChildren(
      ...rows.map(([k, v]) => {
        const tr = document.createElement('tr');
        const th = document.createElement('th');
        th.textContent = k;
        const td = document.createElement('td');
        td.textContent = typeof v === 'number' ? fmt(v) : String(v ?? '–');
        tr.append(th, td);
        return tr;
      }),
    );
  }

  function show(status) {
    const c = status.controller;
    $('workload').textContent = `· ${status.workload.name}`;
    const state = status.paused ? 'paused' : status.state;
    $('summary').textContent =
      `${state} · ${status.ready.reason} · controller ${c.mode}/${c.state} · target ${fmt(status.targetRate)} msg/s · ` +
      `version ${status.version} · up ${fmt(status.uptimeSeconds)} s`;
    const t = status.totals;
    const i = status.integrity;
    fillTable('counters', [
      ['messages sent', t.messagesSent],
      ['messages received', t.messagesReceived],
      ['send errors', t.sendErrors],
      ['in flight', t.inFlight],
      ['backlog', t.backlog],
      ['lost', i.lost],
      ['duplicated', i.duplicated],
      ['out of order', i.outOfOrder],
      ['late', i.late],
      ['undecided gaps', i.undecidedGaps],
      ['generator saturated', status.generatorSaturated ? 'yes' : 'no'],
    ]);
    fillTable('controller', [
      ['mode', c.mode],
      ['state', c.state],
      ['rate (msg/s)', c.rate],
      ['p99 target (ms)', c.p99TargetMs],
      ['best rate (msg/s)', c.bestRate],
      [
        'last cut',
        c.lastCut ? `${fmt(c.lastCut.fromRate)} → ${fmt(c.lastCut.toRate)}: ${c.lastCut.reason}` : '–',
      ],
      ['quota rate (msg/s)', c.quotaRate],
      ['generator limited', c.generatorLimited ? 'yes' : 'no'],
    ]);
    const body = $('decisions').tBodies[0];
    body.replaceChildren(
      ...[...(c.lastDecisions || [])].reverse().map((d) => {
        const tr = document.createElement('tr');
        for (const v of [d.kind, d.cause, d.state, fmt(d.rate), d.reason]) tr.insertCell().textContent = v;
        return tr;
      }),
    );
    const rateInput = $('rate');
    if (document.activeElement !== rateInput && rateInput.value === '')
      rateInput.value = String(status.targetRate);
  }

  async function poll() {
    const [statusAnswer, metricsAnswer] = await Promise.all([fetch('status'), fetch('metrics')]);
    if (!statusAnswer.ok) throw new Error(`GET /status: HTTP ${statusAnswer.status}`);
    const status = await statusAnswer.json();
    const metrics = metricsAnswer.ok ? await metricsAnswer.text() : '';
    const now = Date.now() / 1000;
    const scrape = {
      t: now,
      response: buckets(metrics, HISTOGRAMS.response),
      endToEnd: buckets(metrics, HISTOGRAMS.endToEnd),
    };
    scrapes.push(scrape);
    while (scrapes.length > 2 && scrapes[1].t <= now - LATENCY_WINDOW_S) scrapes.shift();
    const base = scrapes.length > 1 ? scrapes[0] : null;
    const totals = status.totals;
    const dt = previous ? now - previous.t : 0;
    const perSecond = (key) =>
      previous && dt > 0 ? Math.max(0, (totals[key] - previous.totals[key]) / dt) : null;
    push({
      t: now,
      target: status.targetRate,
      sent: perSecond('messagesSent'),
      received: perSecond('messagesReceived'),
      responseP50: base && quantile(0.5, base.response, scrape.response),
      responseP99: base && quantile(0.99, base.response, scrape.response),
      responseP999: base && quantile(0.999, base.response, scrape.response),
      sloP99: status.controller.p99TargetMs,
      endToEndP50: base && quantile(0.5, base.endToEnd, scrape.endToEnd),
      endToEndP99: base && quantile(0.99, base.endToEnd, scrape.endToEnd),
      endToEndP999: base && quantile(0.999, base.endToEnd, scrape.endToEnd),
      backlog: totals.backlog,
      errors: perSecond('sendErrors'),
    });
    previous = { t: now, totals };
    show(status);
    polls += 1;
    document.body.dataset.polls = String(polls);
  }

  function loop() {
    poll()
      .catch((err) => say(`cannot read the daemon: ${err.message}`, true))
      .finally(() => setTimeout(loop, POLL_MS));
  }

  function say(text, isError) {
    const m = $('message');
    m.textContent = text;
    m.className = isError ? 'error' : '';
  }

  /** A control request with the token from the field (kept for this tab in sessionStorage). */
  async function send(method, path, body) {
    const token = $('token').value.trim();
    sessionStorage.setItem(TOKEN_KEY, token);
    const headers = { 'content-type': 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    const answer = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await answer.json().catch(() => ({}));
    if (!answer.ok) throw new Error(json.message || `HTTP ${answer.status}`);
    return json;
  }

  function control(method, path, body, done) {
    send(method, path, body)
      .then((json) => say(done(json), false))
      .catch((err) => say(`${method} /${path}: ${err.message}`, true));
  }

  $('token').value = sessionStorage.getItem(TOKEN_KEY) || '';
  $('controls').addEventListener('submit', (e) => {
    e.preventDefault();
    const rate = Number($('rate').value);
    control('PUT', 'rate', { rate }, (j) => `rate set to ${fmt(j.rate)} msg/s (was ${fmt(j.previous)})`);
  });
  $('pause').addEventListener('click', () => control('POST', 'pause', undefined, () => 'paused'));
  $('resume').addEventListener('click', () => control('POST', 'resume', undefined, () => 'resumed'));

  // For the browser tests and the curious: the history the charts draw.
  window.soakLive = { history, charts: charts.map((c) => c.plot) };
  loop();
})();
