// The dashboard page: reads the JSON API and draws each view with Apache ECharts (served from this
// machine). Every chart shares the windows' time axis, so drift, labels, bias, retraining and the
// deploy line up. `window.vigilDashboard` exposes the charts and the loaded data to tests.

const colors = { rmse: '#3866c7', mae: '#7aa0e8', r2: '#8a63c7', coverage: '#c9d6ee', bad: '#c23b32', band: '#dfe8f7', baseline: '#9aa3b2', window: '#3866c7' };
const eventColors = { retraining: '#d9822b', approval: '#2f8f5b', deploy: '#3866c7', rollback: '#c23b32', cleanup: '#9aa3b2' };

const charts = {};
const loaded = {};
let resolveReady;
const ready = new Promise((resolve) => {
  resolveReady = resolve;
});
window.vigilDashboard = { charts, loaded, ready };

const state = { model: undefined, from: '', to: '', temporal: undefined, axis: { min: undefined, max: undefined } };

function rangeQuery() {
  const params = new URLSearchParams();
  if (state.from) params.set('from', state.from);
  if (state.to) params.set('to', state.to);
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

async function getJson(path) {
  const response = await fetch(path);
  const body = await response.json();
  if (!response.ok) throw new Error(body.error ?? `${path} answered ${response.status}`);
  return body;
}

function chart(id) {
  const element = document.getElementById(id);
  charts[id] ??= echarts.init(element, null, { renderer: 'canvas' });
  return charts[id];
}

const time = (iso) => Date.parse(iso);
const day = (iso) => iso.slice(0, 10);
const pct = (value) => (value === null || value === undefined ? '–' : `${Math.round(value * 100)}%`);
const num = (value, digits = 3) => (value === null || value === undefined ? '–' : Number(value).toPrecision(digits));

function timeAxis() {
  return { type: 'time', min: state.axis.min, max: state.axis.max, axisLabel: { formatter: '{MM}-{dd}', hideOverlap: true } };
}

function base(legend) {
  return { animation: false, grid: { left: 56, right: 56, top: legend ? 30 : 12, bottom: 28 }, tooltip: { trigger: 'axis' }, ...(legend ? { legend: { top: 0 } } : {}) };
}

function renderOverview(models) {
  const nav = document.getElementById('models');
  nav.replaceChildren(
    ...models.map((entry) => {
      const link = document.createElement('a');
      link.href = `#model=${encodeURIComponent(entry.model)}`;
      link.textContent = entry.model;
      if (entry.model === state.model) link.className = 'current';
      return link;
    }),
  );
  const section = document.getElementById('overview');
  section.replaceChildren(
    ...models.map((entry) => {
      const card = document.createElement('article');
      card.className = 'card';
      card.dataset.model = entry.model;
      const latest = entry.latest;
      const breaching = latest !== null && latest.breachKinds.length > 0;
      const rows = [
        ['last window', latest === null ? 'none yet' : `${day(latest.windowStart)} .. ${day(latest.windowEnd)}`],
        ['status', latest === null ? '–' : breaching ? `breaching: ${latest.breachKinds.join(', ')}` : latest.status],
        ['drifted', latest === null || latest.driftedFeatures.length === 0 ? '–' : latest.driftedFeatures.join(', ')],
        ['open incidents', entry.openIncidents.length === 0 ? 'none' : entry.openIncidents.map((i) => `${i.kind} since ${day(i.openedAt)} (${i.occurrences} window${i.occurrences === 1 ? '' : 's'})`).join('; ')],
        ['serving', entry.serving === null ? '–' : entry.serving.version],
        ['label coverage', latest === null ? '–' : pct(latest.labelCoverage)],
        ['rmse', latest === null ? '–' : num(latest.rmse, 4)],
      ];
      const title = document.createElement('h3');
      const link = document.createElement('a');
      link.href = `#model=${encodeURIComponent(entry.model)}`;
      link.textContent = entry.model;
      title.append(link);
      const list = document.createElement('dl');
      for (const [term, value] of rows) {
        const dt = document.createElement('dt');
        dt.textContent = term;
        const dd = document.createElement('dd');
        dd.textContent = value;
        if (term === 'status') dd.className = breaching ? 'status-bad' : 'status-ok';
        if (term === 'open incidents') dd.className = entry.openIncidents.length > 0 ? 'status-bad' : 'status-ok';
        list.append(dt, dd);
      }
      card.append(title, list);
      return card;
    }),
  );
}

function renderPerformance(view) {
  const points = view.points;
  const series = [
    { name: 'rmse', type: 'line', data: points.map((p) => [time(p.windowEnd), p.rmse]), color: colors.rmse, showSymbol: false },
    { name: 'mae', type: 'line', data: points.map((p) => [time(p.windowEnd), p.mae]), color: colors.mae, showSymbol: false },
    { name: 'label coverage', type: 'bar', yAxisIndex: 1, data: points.map((p) => [time(p.windowEnd), p.labelCoverage]), color: colors.coverage, barMaxWidth: 8 },
    { name: 'r2', type: 'line', yAxisIndex: 1, data: points.map((p) => [time(p.windowEnd), p.r2]), color: colors.r2, showSymbol: false, lineStyle: { type: 'dotted' } },
  ];
  const limits = [];
  for (const [metric, range] of Object.entries(view.ranges)) {
    for (const bound of ['min', 'max']) if (range[bound] !== undefined && (metric === 'rmse' || metric === 'mae')) limits.push({ yAxis: range[bound], name: `${metric} ${bound}` });
  }
  series[0].markLine = { symbol: 'none', lineStyle: { color: colors.bad, type: 'dashed' }, label: { formatter: '{b}: {c}' }, data: limits };
  const breaches = points.flatMap((p) => p.breached.filter((metric) => metric === 'rmse' || metric === 'mae').map((metric) => [time(p.windowEnd), p[metric], metric]));
  series.push({ name: 'breach', type: 'scatter', data: breaches, color: colors.bad, symbolSize: 9, z: 5 });
  // A window is evaluated again as its labels arrive: its earlier values stay visible beside the latest.
  const earlier = points.flatMap((p) => p.history.filter((entry) => entry.asOf !== p.asOf && entry.rmse !== null).map((entry) => [time(p.windowEnd), entry.rmse, entry.asOf]));
  series.push({ name: 'rmse, earlier evaluations', type: 'scatter', data: earlier, color: colors.rmse, symbol: 'emptyCircle', symbolSize: 5, itemStyle: { opacity: 0.6 } });
  const byTime = new Map(points.map((p) => [time(p.windowEnd), p]));
  const tooltip = {
    trigger: 'axis',
    formatter: (items) => {
      const point = byTime.get(items[0]?.value?.[0]);
      if (point === undefined) return '';
      const evaluations = point.history.map((entry) => `as of ${day(entry.asOf)}: rmse ${num(entry.rmse)} · mae ${num(entry.mae)} · labels ${pct(entry.labelCoverage)}`);
      return [`window ending ${day(point.windowEnd)}`, `rmse ${num(point.rmse)} · mae ${num(point.mae)} · R² ${num(point.r2)} · labels ${pct(point.labelCoverage)}`, ...evaluations].join('<br/>');
    },
  };
  chart('chart-performance').setOption(
    {
      ...base(true),
      tooltip,
      xAxis: timeAxis(),
      // R² shares the 0..1 axis with label coverage; a model worse than the mean pulls it below 0.
      yAxis: [
        { type: 'value', name: 'error', scale: true },
        { type: 'value', name: 'coverage · R²', min: Math.min(0, ...points.map((p) => p.r2 ?? 0)), max: 1 },
      ],
      series,
    },
    true,
  );
}

function renderDrift(view) {
  const subjects = view.subjects.map((s) => s.subject);
  const windows = view.windows.map(day);
  const cells = view.cells.map((cell) => ({ value: [windows.indexOf(day(cell.windowEnd)), subjects.indexOf(cell.subject), cell.score === null ? '-' : Math.min(cell.score, 3)], cell }));
  const drift = chart('chart-drift');
  drift.setOption(
    {
      animation: false,
      grid: { left: 120, right: 70, top: 10, bottom: 40 },
      tooltip: {
        formatter: (item) => {
          const cell = item.data.cell;
          return `${cell.subject} · ${day(cell.windowEnd)}<br/>${cell.metric} ${num(cell.value)} (threshold ${num(cell.threshold)})${cell.breached ? '<br/><b>breached</b>' : ''}`;
        },
      },
      xAxis: { type: 'category', data: windows, axisLabel: { formatter: (v) => v.slice(5) } },
      yAxis: { type: 'category', data: subjects, inverse: true },
      visualMap: { dimension: 2, seriesIndex: 0, min: 0, max: 2, calculable: false, orient: 'vertical', right: 0, top: 'middle', itemHeight: 120, inRange: { color: ['#f3f6fb', '#f4d9a8', '#c23b32'] }, text: ['2x', '0'] },
      series: [
        { name: 'drift', type: 'heatmap', data: cells, emphasis: { itemStyle: { borderColor: '#000', borderWidth: 1 } } },
        { name: 'breach', type: 'scatter', data: cells.filter((c) => c.cell.breached).map((c) => [c.value[0], c.value[1]]), symbol: 'circle', symbolSize: 5, color: '#fff', z: 5, tooltip: { show: false } },
      ],
    },
    true,
  );
  drift.off('click');
  drift.on('click', (item) => {
    if (item.seriesName === 'drift') void showFeature(item.data.cell.subject);
  });
}

function bandSeries(points, low, high, name) {
  // A band as a stack: the lower line, then the height above it filled.
  return [
    { name: `${name} low`, type: 'line', stack: name, data: points.map((p) => [time(p.windowEnd), p[low]]), lineStyle: { opacity: 0 }, symbol: 'none', tooltip: { show: false } },
    {
      name,
      type: 'line',
      stack: name,
      data: points.map((p) => [time(p.windowEnd), p[high] === null || p[low] === null ? null : p[high] - p[low]]),
      lineStyle: { opacity: 0 },
      symbol: 'none',
      areaStyle: { color: colors.band },
      tooltip: { show: false },
    },
  ];
}

function driftSeries(points) {
  const drift = points.map((p) => [time(p.windowEnd), p.drift?.value ?? null]);
  const threshold = points.find((p) => p.drift !== null)?.drift?.threshold;
  const breaches = points.filter((p) => p.drift?.breached).map((p) => [time(p.windowEnd), p.drift.value]);
  return [
    {
      name: points.find((p) => p.drift !== null)?.drift?.metric ?? 'drift',
      type: 'line',
      yAxisIndex: 1,
      data: drift,
      color: '#d9822b',
      showSymbol: false,
      markLine: threshold === undefined || threshold === null ? undefined : { symbol: 'none', lineStyle: { color: colors.bad, type: 'dashed' }, data: [{ yAxis: threshold, name: 'threshold' }] },
    },
    { name: 'breach', type: 'scatter', yAxisIndex: 1, data: breaches, color: colors.bad, symbolSize: 8, z: 5 },
  ];
}

function renderFeature(subject, points) {
  document.getElementById('feature-title').textContent = `Feature: ${subject}`;
  const numeric = points.some((p) => p.p50 !== null);
  const series = numeric
    ? [
        ...bandSeries(points, 'baselineP5', 'baselineP95', 'baseline p5-p95'),
        { name: 'baseline p50', type: 'line', data: points.map((p) => [time(p.windowEnd), p.baselineP50]), color: colors.baseline, lineStyle: { type: 'dashed' }, showSymbol: false },
        { name: 'window p5', type: 'line', data: points.map((p) => [time(p.windowEnd), p.p5]), color: colors.window, lineStyle: { width: 1 }, showSymbol: false },
        { name: 'window p50', type: 'line', data: points.map((p) => [time(p.windowEnd), p.p50]), color: colors.window, showSymbol: false },
        { name: 'window p95', type: 'line', data: points.map((p) => [time(p.windowEnd), p.p95]), color: colors.window, lineStyle: { width: 1 }, showSymbol: false },
      ]
    : [];
  chart('chart-feature').setOption(
    {
      ...base(true),
      legend: { top: 0, data: numeric ? ['baseline p5-p95', 'baseline p50', 'window p50', points.find((p) => p.drift !== null)?.drift?.metric ?? 'drift'] : undefined },
      xAxis: timeAxis(),
      yAxis: [{ type: 'value', scale: true, name: numeric ? 'value' : '' }, { type: 'value', name: 'drift', scale: true }],
      series: [...series, ...driftSeries(points)],
    },
    true,
  );
}

function renderPrediction(points) {
  chart('chart-prediction').setOption(
    {
      ...base(true),
      xAxis: timeAxis(),
      yAxis: [{ type: 'value', scale: true, name: 'mean' }, { type: 'value', scale: true, name: 'drift' }],
      series: [
        { name: 'mean prediction', type: 'line', data: points.map((p) => [time(p.windowEnd), p.mean]), color: colors.window, showSymbol: false },
        { name: 'baseline mean', type: 'line', data: points.map((p) => [time(p.windowEnd), p.baselineMean]), color: colors.baseline, lineStyle: { type: 'dashed' }, showSymbol: false },
        ...driftSeries(points),
      ],
    },
    true,
  );
}

function renderBias(facets) {
  const series = facets.flatMap((entry, index) => {
    const name = `${entry.facet} ${entry.metric.replace('_gap_change', '')}`;
    const hue = ['#3866c7', '#8a63c7', '#2f8f5b', '#d9822b'][index % 4];
    const band = entry.range === null ? [] : [[{ yAxis: entry.range.min ?? -1e308 }, { yAxis: entry.range.max ?? 1e308 }]];
    return [
      { name, type: 'line', data: entry.points.map((p) => [time(p.windowEnd), p.change]), color: hue, showSymbol: false, markArea: band.length === 0 ? undefined : { silent: true, itemStyle: { color: 'rgba(47,143,91,0.08)' }, data: band } },
      { name: `${name} breach`, type: 'scatter', data: entry.points.filter((p) => p.breached).map((p) => [time(p.windowEnd), p.change]), color: colors.bad, symbolSize: 8, z: 5 },
    ];
  });
  chart('chart-bias').setOption({ ...base(true), legend: { top: 0, data: facets.map((e) => `${e.facet} ${e.metric.replace('_gap_change', '')}`) }, xAxis: timeAxis(), yAxis: { type: 'value', name: 'gap change' }, series }, true);
}

function renderQuality(view) {
  const points = view.points;
  const worst = (metric) => points.map((p) => [time(p.windowEnd), p.worst.find((w) => w.metric === metric)?.value ?? null]);
  chart('chart-quality').setOption(
    {
      ...base(true),
      xAxis: timeAxis(),
      yAxis: [{ type: 'value', name: 'rows' }, { type: 'value', name: 'share', axisLabel: { formatter: (v) => pct(v) } }],
      series: [
        { name: 'quarantined rows', type: 'bar', data: points.map((p) => [time(p.windowEnd), p.quarantinedRows]), color: '#e6b0ab', barMaxWidth: 8 },
        { name: 'worst missing share', type: 'line', yAxisIndex: 1, data: worst('missing_share'), showSymbol: false },
        { name: 'worst type error share', type: 'line', yAxisIndex: 1, data: worst('type_error_share'), showSymbol: false },
        { name: 'breach', type: 'scatter', yAxisIndex: 1, data: points.filter((p) => p.breached.length > 0).map((p) => [time(p.windowEnd), Math.max(...p.breached.map((b) => b.value ?? 0))]), color: colors.bad, symbolSize: 8 },
      ],
    },
    true,
  );
  const body = document.querySelector('#reasons tbody');
  body.replaceChildren(
    ...view.topReasons.map((entry) => {
      const row = document.createElement('tr');
      for (const text of [entry.reason, String(entry.records)]) {
        const cell = document.createElement('td');
        cell.textContent = text;
        row.append(cell);
      }
      return row;
    }),
  );
}

function renderEvents(events) {
  const kinds = ['retraining', 'approval', 'deploy', 'rollback', 'cleanup'];
  const events_ = chart('chart-events');
  events_.setOption(
    {
      animation: false,
      grid: { left: 90, right: 56, top: 8, bottom: 28 },
      tooltip: { formatter: (item) => `${day(item.data.event.timelineAt)} · ${item.data.event.title}` },
      xAxis: timeAxis(),
      yAxis: { type: 'category', data: kinds },
      series: [
        {
          name: 'events',
          type: 'scatter',
          symbolSize: 12,
          data: events.map((event) => ({ value: [time(event.timelineAt), event.kind], event, itemStyle: { color: eventColors[event.kind] } })),
          label: { show: true, position: 'right', formatter: (item) => item.data.event.version ?? '', fontSize: 10 },
        },
      ],
    },
    true,
  );
  events_.off('click');
  events_.on('click', (item) => {
    const url = item.data?.event?.url;
    if (url) window.open(url, '_blank', 'noopener');
  });
  const body = document.querySelector('#events tbody');
  body.replaceChildren(
    ...events.map((event) => {
      const row = document.createElement('tr');
      row.dataset.kind = event.kind;
      const when = document.createElement('td');
      when.textContent = day(event.timelineAt);
      const what = document.createElement('td');
      what.textContent = event.title;
      const run = document.createElement('td');
      if (event.url) {
        const link = document.createElement('a');
        link.href = event.url;
        link.target = '_blank';
        link.rel = 'noopener';
        link.textContent = event.workflowId;
        run.append(link);
      } else run.textContent = event.workflowId ?? '–';
      row.append(when, what, run);
      return row;
    }),
  );
}

async function showFeature(subject) {
  const points = await getJson(`/api/models/${encodeURIComponent(state.model)}/features/${encodeURIComponent(subject)}${rangeQuery()}`);
  loaded.feature = { subject, points };
  renderFeature(subject, points);
}

function axisFrom(performance, events) {
  const times = [...performance.points.map((p) => time(p.windowEnd)), ...events.map((e) => time(e.timelineAt))].filter(Number.isFinite);
  const dayMs = 86_400_000;
  state.axis = times.length === 0 ? { min: undefined, max: undefined } : { min: Math.min(...times) - dayMs / 2, max: Math.max(...times) + dayMs / 2 };
}

async function showModel() {
  const api = `/api/models/${encodeURIComponent(state.model)}`;
  const [performance, drift, prediction, bias, quality, events] = await Promise.all([
    getJson(`${api}/performance${rangeQuery()}`),
    getJson(`${api}/drift${rangeQuery()}`),
    getJson(`${api}/features/prediction${rangeQuery()}`),
    getJson(`${api}/bias${rangeQuery()}`),
    getJson(`${api}/quality${rangeQuery()}`),
    getJson(`${api}/events`),
  ]);
  Object.assign(loaded, { performance, drift, prediction, bias, quality, events });
  axisFrom(performance, events);
  renderEvents(events);
  renderPerformance(performance);
  renderDrift(drift);
  renderPrediction(prediction);
  renderBias(bias);
  renderQuality(quality);
  // The feature that drifted most in range opens first.
  const worst = new Map();
  for (const cell of drift.cells) if (cell.score !== null && cell.subject !== 'prediction') worst.set(cell.subject, Math.max(worst.get(cell.subject) ?? 0, cell.score));
  const first = [...worst.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? drift.subjects[0]?.subject;
  if (first !== undefined) await showFeature(first);
}

async function load() {
  const hash = new URLSearchParams(location.hash.slice(1));
  const overview = await getJson('/api/models');
  state.temporal = overview.temporal;
  state.model = hash.get('model') ?? overview.models[0]?.model;
  loaded.overview = overview;
  renderOverview(overview.models);
  if (state.model !== undefined) await showModel();
}

function run() {
  load().then(
    () => resolveReady(true),
    (error) => {
      console.error(error);
      document.getElementById('overview').textContent = `could not load the dashboard: ${error.message}`;
      resolveReady(false);
    },
  );
}

document.getElementById('range').addEventListener('submit', (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  state.from = String(form.get('from') ?? '');
  state.to = String(form.get('to') ?? '');
  run();
});
window.addEventListener('hashchange', run);
window.addEventListener('resize', () => Object.values(charts).forEach((instance) => instance.resize()));
run();
