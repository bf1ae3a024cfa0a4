// Supervisor statistics: GET /api/v1/statistics/* (intervals, billing, status), drawn with
// Chart.js (window.Chart, the WebJar's UMD script loaded before this module). Figures come as
// they are from the API: a metric that is null ("no data") shows "–", never 0. Only where rows of
// several keys share a period are figures recomputed here, with the formulas of Metrics.java.
import {
  API,
  api,
  roles,
  toLogin,
  signOut,
  formatDuration,
  STATUS_LABELS,
  el,
  $,
  setText,
  show,
  signedInUser,
  supervisorsOnly,
} from './common.js';

const NO_DATA = '–';
const SL_TARGET = 80;
const LAG_EVERY_MS = 5000;
const MAX_TABLE_ROWS = 1000;
const MAX_FILLED_PERIODS = 3000;

const DIMENSIONS = {
  queue: { label: 'Queue', plural: 'queues', list: '/queues', callsParam: 'queue' },
  agent: { label: 'Agent', plural: 'agents', list: '/agents', callsParam: 'agent' },
  company: { label: 'Company', plural: 'companies', list: '/companies', callsParam: 'company' },
  'answering-point': { label: 'Answering point', plural: 'answering points', list: '/answering-points', callsParam: 'answeringPoint' },
};
const GRANULARITIES = new Set(['15m', 'hour', 'day', 'week', 'month']);
const STEP_MS = { '15m': 15 * 60_000, hour: 3_600_000 };
const GRANULARITY_WORDS = { '15m': 'per 15 minutes', hour: 'per hour', day: 'per day', week: 'per week', month: 'per month' };

/** The API's cumulative "abandoned within N s" buckets, in order. */
const ABANDON_BUCKETS = [15, 30, 60, 120, 300, 600];
const ABANDON_LABELS = ['≤15 s', '15–30 s', '30–60 s', '60–120 s', '120–300 s', '300–600 s', '>600 s'];

/** Agent states in the chart: count field, label (as on the wallboard), colour variable. */
const AGENT_STATES = [
  { field: 'readyMillis', label: STATUS_LABELS.READY, color: 'ok' },
  { field: 'reservedMillis', label: STATUS_LABELS.RESERVED, color: 'ring' },
  { field: 'busyMillis', label: STATUS_LABELS.BUSY, color: 'brand' },
  { field: 'wrapUpStateMillis', label: STATUS_LABELS.WRAP_UP, color: 'wrapUp' },
  { field: 'pausedMillis', label: STATUS_LABELS.PAUSED, color: 'warn' },
];

const names = new Map();   // dimension → Map(id → name), from the configuration lists
const charts = {};         // volume, abandoned, agents → Chart
let agentsShown = [];      // the agents of the agent chart, in bar order (for its tooltips)
let timeZone = null;       // the centre's, from the first answer
let dateChosen = false;    // the user (or the URL) chose the dates: do not move them to the centre's today
let loadSeq = 0;
let lagTimer = null;

// ---- small formatting helpers -------------------------------------------------------------------

const testid = (id) => $(`[data-testid="${id}"]`);
const num = (x) => (typeof x === 'number' && Number.isFinite(x) ? x : 0);
const isNum = (x) => typeof x === 'number' && Number.isFinite(x);

function count(x) {
  return isNum(x) ? String(x) : NO_DATA;
}

function pct(x) {
  if (!isNum(x)) return NO_DATA;
  if (x > 0 && x < 0.05) return '<0.1%';
  if (x < 10) return `${Number.isInteger(x) ? x : x.toFixed(1)}%`;
  // Never round 99.6 up to a full 100 % that was not reached.
  const r = Math.round(x);
  return `${r === 100 && x < 100 ? 99 : r}%`;
}

function dur(seconds) {
  return isNum(seconds) ? formatDuration(seconds * 1000) : NO_DATA;
}

function millis(x) {
  return isNum(x) ? `${Math.round(x).toLocaleString('en-GB')} ms` : NO_DATA;
}

function plural(n, word) {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function list(data, key) {
  if (Array.isArray(data)) return data;
  if (data && Array.isArray(data[key])) return data[key];
  if (data && Array.isArray(data.items)) return data.items;
  return [];
}

function nameOf(dimension, key) {
  const map = names.get(dimension);
  return (map && map.get(key)) || key || NO_DATA;
}

// ---- dates (days of the centre's time zone, as YYYY-MM-DD) -------------------------------------------

const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;

function ymd(date, zone) {
  const parts = {};
  try {
    for (const p of new Intl.DateTimeFormat('en-GB', {
      timeZone: zone || undefined, year: 'numeric', month: '2-digit', day: '2-digit',
    }).formatToParts(date)) parts[p.type] = p.value;
  } catch {
    return ymd(date, null);
  }
  return `${parts.year}-${parts.month}-${parts.day}`;
}

function today() {
  return ymd(new Date(), timeZone);
}

function utcDay(day) {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d));
}

function addDays(day, n) {
  const date = utcDay(day);
  date.setUTCDate(date.getUTCDate() + n);
  return date.toISOString().slice(0, 10);
}

function monthOf(day) {
  const start = `${day.slice(0, 7)}-01`;
  const date = utcDay(start);
  date.setUTCMonth(date.getUTCMonth() + 1);
  return { start, end: date.toISOString().slice(0, 10) };
}

const formatters = new Map();
function formatter(options, zone = timeZone) {
  const id = JSON.stringify([options, zone]);
  if (!formatters.has(id)) {
    let f;
    try {
      f = new Intl.DateTimeFormat('en-GB', { ...options, timeZone: zone || undefined });
    } catch {
      f = new Intl.DateTimeFormat('en-GB', options);
    }
    formatters.set(id, f);
  }
  return formatters.get(id);
}

/** "08:15", "Tue 24 Nov 08:15", "Mon 23 Nov", "Week of 23 Nov 2026", "November 2026". */
function periodLabel(iso, granularity, multiDay) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso || NO_DATA);
  switch (granularity) {
    case '15m':
    case 'hour':
      return formatter(multiDay
        ? { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }
        : { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(date);
    case 'day':
      return formatter({ weekday: 'short', day: 'numeric', month: 'short' }).format(date);
    case 'week':
      return `Week of ${formatter({ day: 'numeric', month: 'short', year: 'numeric' }).format(date)}`;
    default:
      return formatter({ month: 'long', year: 'numeric' }).format(date);
  }
}

function dayWords(day) {
  return formatter({ weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }, 'UTC').format(utcDay(day));
}

// ---- figures --------------------------------------------------------------------------------------

/** Adds one row's counts into a sum (maxWaitMillis is a maximum, everything else adds up). */
function addCounts(sum, counts) {
  for (const [field, value] of Object.entries(counts || {})) {
    if (!isNum(value)) continue;
    sum[field] = field === 'maxWaitMillis' ? Math.max(num(sum[field]), value) : num(sum[field]) + value;
  }
  return sum;
}

function ratio(part, whole, factor) {
  return whole <= 0 ? null : (factor * part) / whole;
}

/** The metrics of a sum of counts: the formulas of core/statistics/Metrics.java. */
function metricsOf(c) {
  const answered = num(c.answered);
  const abandoned = num(c.abandoned);
  const short = num(c.shortAbandoned);
  const offered = num(c.offered);
  const flowOuts = num(c.flowOuts);
  const onContact = num(c.reservedMillis) + num(c.busyMillis) + num(c.wrapUpStateMillis);
  return {
    serviceLevel: ratio(num(c.answeredWithinThreshold), answered + abandoned - short, 100),
    asaSeconds: ratio(num(c.answerWaitMillis), answered, 0.001),
    ahtSeconds: ratio(num(c.talkMillis) + num(c.holdMillis) + num(c.wrapUpMillis), num(c.handled), 0.001),
    abandonRate: ratio(abandoned, offered, 100),
    abandonRateShortAdjusted: ratio(abandoned - short, offered - short, 100),
    averageWaitSeconds: ratio(num(c.totalWaitMillis), answered + abandoned + flowOuts, 0.001),
    maxWaitSeconds: offered + answered + abandoned + flowOuts === 0 ? null : num(c.maxWaitMillis) / 1000,
    occupancy: ratio(onContact, onContact + num(c.readyMillis), 100),
  };
}

/** The rows summed per period, in time order; 15 min and hour periods without rows are filled in. */
function perPeriod(rows, granularity) {
  const byStart = new Map();
  for (const row of rows) {
    const t = Date.parse(row.periodStart);
    if (Number.isNaN(t)) continue;
    let p = byStart.get(t);
    if (!p) {
      p = { t, periodStart: row.periodStart, counts: {}, metrics: row.metrics || null, rows: 0 };
      byStart.set(t, p);
    }
    addCounts(p.counts, row.counts);
    p.rows += 1;
  }
  const periods = [...byStart.values()].sort((a, b) => a.t - b.t);
  for (const p of periods) {
    // One row: the server's figures as they are. Several keys: recomputed from the summed counts.
    p.metrics = p.rows === 1 && p.metrics ? p.metrics : metricsOf(p.counts);
  }
  const step = STEP_MS[granularity];
  if (!step || periods.length < 2) return periods;
  const first = periods[0].t;
  const last = periods[periods.length - 1].t;
  if ((last - first) / step > MAX_FILLED_PERIODS) return periods;
  const filled = [];
  let i = 0;
  for (let t = first; t <= last; t += step) {
    while (i < periods.length && periods[i].t < t) filled.push(periods[i++]);
    if (i < periods.length && periods[i].t === t) filled.push(periods[i++]);
    else filled.push({ t, periodStart: new Date(t).toISOString(), counts: {}, metrics: {}, rows: 0 });
  }
  while (i < periods.length) filled.push(periods[i++]);
  return filled;
}

/** Non-cumulative abandon counts per wait bucket from the cumulative "within N s" counts. */
function abandonBuckets(c) {
  const within = ABANDON_BUCKETS.map((s) => num(c[`abandonedWithin${s}s`]));
  const buckets = [within[0]];
  for (let i = 1; i < within.length; i++) buckets.push(within[i] - within[i - 1]);
  buckets.push(num(c.abandoned) - within[within.length - 1]);
  return buckets.map((n) => Math.max(0, n));
}

// ---- filters and the URL ----------------------------------------------------------------------------

function readFilters() {
  const dimension = DIMENSIONS[$('#dimension').value] ? $('#dimension').value : 'queue';
  const from = DAY_RE.test($('#from').value) ? $('#from').value : today();
  const toValue = $('#to').value;
  const to = DAY_RE.test(toValue) ? toValue : from;
  const granularity = GRANULARITIES.has($('#granularity').value) ? $('#granularity').value : 'hour';
  return { dimension, key: $('#key').value, from, to, toExclusive: addDays(to, 1), granularity };
}

function fromUrl() {
  const params = new URLSearchParams(location.search);
  const dimension = params.get('dimension');
  if (DIMENSIONS[dimension]) $('#dimension').value = dimension;
  const granularity = params.get('granularity');
  if (GRANULARITIES.has(granularity)) $('#granularity').value = granularity;
  const from = params.get('from');
  const to = params.get('to');
  if (from && DAY_RE.test(from)) {
    $('#from').value = from;
    dateChosen = true;
  } else {
    $('#from').value = today();
  }
  if (to && DAY_RE.test(to) && to !== $('#from').value) $('#to').value = to;
  return params.get('key') || '';
}

function toUrl(f) {
  const params = new URLSearchParams();
  params.set('dimension', f.dimension);
  if (f.key) params.set('key', f.key);
  // Dates the user did not choose stay out, so a bookmark opens on the day it is opened.
  if (dateChosen) {
    params.set('from', f.from);
    if (f.to !== f.from) params.set('to', f.to);
  }
  params.set('granularity', f.granularity);
  history.replaceState(null, '', `?${params}`);
}

function query(params) {
  const q = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (Array.isArray(value)) value.forEach((v) => q.append(name, v));
    else if (value !== null && value !== undefined && value !== '') q.set(name, value);
  }
  return q.toString();
}

function intervalsPath(f) {
  return `/statistics/intervals?${query({
    dimension: f.dimension, key: f.key ? [f.key] : [], from: f.from, to: f.toExclusive, granularity: f.granularity,
  })}`;
}

function agentsPath(f) {
  return `/statistics/intervals?${query({
    dimension: 'agent', key: f.dimension === 'agent' && f.key ? [f.key] : [], from: f.from, to: f.toExclusive, granularity: 'day',
  })}`;
}

function callsPath(f) {
  const filter = f.key ? { [DIMENSIONS[f.dimension].callsParam]: f.key } : {};
  // The download is every call of the period: the largest limit the API takes (default 1000).
  return `/statistics/calls?${query({ from: f.from, to: f.toExclusive, ...filter, limit: 100000 })}`;
}

function billingPath(f) {
  const month = monthOf(f.from);
  return `/statistics/billing?${query({
    from: month.start, to: month.end, granularity: 'month',
    answeringPoint: f.dimension === 'answering-point' ? f.key : '',
  })}`;
}

function csvLink(node, path, filename) {
  node.href = `${API}${path}${path.includes('?') ? '&' : '?'}format=csv`;
  node.setAttribute('download', filename);
}

// ---- the key select ---------------------------------------------------------------------------------

async function loadNames(dimension) {
  if (names.has(dimension)) return names.get(dimension);
  const map = new Map();
  const r = await api('GET', DIMENSIONS[dimension].list);
  if (r.status === 401) {
    toLogin();
    return map;
  }
  if (r.ok) {
    for (const item of list(r.data, 'items')) {
      const id = item && (item.id || item.queueId || item.agentId);
      if (id) map.set(String(id), item.name || String(id));
    }
    names.set(dimension, map); // a failed list is asked again next time
  }
  return map;
}

async function fillKeys(dimension, selected) {
  const select = $('#key');
  setText($('#key-label'), DIMENSIONS[dimension].label);
  const map = await loadNames(dimension);
  if ($('#dimension').value !== dimension) return; // changed again meanwhile
  const options = [new Option('All', '')];
  const sorted = [...map.entries()].sort((a, b) => a[1].localeCompare(b[1]));
  for (const [id, name] of sorted) options.push(new Option(name, id));
  if (selected && !map.has(selected)) options.push(new Option(selected, selected));
  select.replaceChildren(...options);
  select.value = selected || '';
}

// ---- notices ----------------------------------------------------------------------------------------

function notice(text, kind = 'error', source = '') {
  const box = $('#notice');
  box.dataset.source = source;
  box.classList.remove('error', 'warn', 'info');
  box.classList.add(kind);
  setText($('#notice-text'), text);
  show(box, Boolean(text));
}

// ---- tiles ------------------------------------------------------------------------------------------

function renderTiles(total) {
  const c = total && total.counts ? total.counts : null;
  const m = total && total.metrics ? total.metrics : (c ? metricsOf(c) : {});
  const sl = m.serviceLevel;
  setText(testid('tile-service-level'), pct(sl));
  const slTile = $('[data-tile="service-level"]');
  slTile.dataset.level = !isNum(sl) ? 'none' : sl >= SL_TARGET ? 'good' : sl >= SL_TARGET - 10 ? 'near' : 'bad';
  setText(testid('tile-service-level-target'), `target ${SL_TARGET}%`);

  setText(testid('tile-answered'), c ? count(num(c.answered)) : NO_DATA);
  setText(testid('tile-offered'), c ? `of ${num(c.offered)} offered` : NO_DATA);
  setText(testid('tile-abandoned'), c ? count(num(c.abandoned)) : NO_DATA);
  $('[data-tile="abandoned"]').classList.toggle('some', num(c && c.abandoned) > 0);
  setText(testid('tile-short-abandoned'), c ? `incl. ${plural(num(c.shortAbandoned), 'short abandon')}` : NO_DATA);
  setText(testid('tile-asa'), dur(m.asaSeconds));
  setText(testid('tile-aht'), dur(m.ahtSeconds));
  setText(testid('tile-max-wait'), dur(m.maxWaitSeconds));
  setText(testid('tile-abandon-rate'), pct(m.abandonRate));
  setText(testid('tile-abandon-rate-adjusted'), `short-adjusted ${pct(m.abandonRateShortAdjusted)}`);
}

// ---- charts -----------------------------------------------------------------------------------------

function palette() {
  const style = getComputedStyle(document.documentElement);
  const v = (name, fallback) => style.getPropertyValue(name).trim() || fallback;
  return {
    brand: v('--brand', '#1f4e8c'),
    ok: v('--ok', '#1e7b34'),
    bad: v('--bad', '#b3261e'),
    warn: v('--warn', '#8a5a00'),
    ring: v('--ring', '#ff9f1a'),
    muted: v('--muted', '#5f6b7a'),
    line: v('--line', '#d8dee6'),
    ink: v('--ink', '#1d2430'),
    offered: v('--stats-offered', '#9fb3cf'),
    wrapUp: v('--stats-wrap-up', '#5b2a86'),
    target: v('--stats-target', '#c77700'),
  };
}

let chartsReady = false;
function setUpCharts() {
  if (chartsReady || !window.Chart) return Boolean(window.Chart);
  const { Chart } = window;
  const colors = palette();
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.color = colors.muted;
  Chart.defaults.borderColor = colors.line;
  Chart.defaults.animation = false; // fast, steady screenshots, and kind to reduced motion
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.plugins.legend.labels.boxWidth = 14;
  chartsReady = true;
  return true;
}

/** Creates the chart on first use, afterwards swaps its labels and data (no re-creation). */
function drawChart(name, canvas, make, labels, data) {
  if (!setUpCharts()) return null;
  let chart = charts[name];
  if (!chart) {
    chart = new window.Chart(canvas, make());
    charts[name] = chart;
  }
  chart.data.labels = labels;
  data.forEach((values, i) => { chart.data.datasets[i].data = values; });
  chart.update();
  return chart;
}

function describe(canvas, fallback, text) {
  canvas.setAttribute('aria-label', text);
  setText(fallback, text);
}

function renderVolume(rows, granularity, multiDay) {
  const colors = palette();
  const periods = perPeriod(rows, granularity);
  const labels = periods.map((p) => periodLabel(p.periodStart, granularity, multiDay));
  const offered = periods.map((p) => num(p.counts.offered));
  const answered = periods.map((p) => num(p.counts.answered));
  const abandoned = periods.map((p) => num(p.counts.abandoned));
  const sl = periods.map((p) => (isNum(p.metrics.serviceLevel) ? Math.round(p.metrics.serviceLevel * 10) / 10 : null));
  const target = periods.map(() => SL_TARGET);
  const canvas = $('#chart-volume');
  drawChart('volume', canvas, () => ({
    type: 'bar',
    data: {
      labels: [],
      datasets: [
        { label: 'Offered', data: [], backgroundColor: colors.offered, yAxisID: 'y', order: 2 },
        { label: 'Answered', data: [], backgroundColor: colors.ok, yAxisID: 'y', order: 2 },
        { label: 'Abandoned', data: [], backgroundColor: colors.bad, yAxisID: 'y', order: 2 },
        {
          type: 'line', label: 'Service level', data: [], yAxisID: 'y1', order: 0,
          borderColor: colors.brand, backgroundColor: colors.brand, borderWidth: 2.5,
          pointRadius: 3, spanGaps: true,
        },
        {
          type: 'line', label: `Target ${SL_TARGET}%`, data: [], yAxisID: 'y1', order: 1,
          borderColor: colors.target, borderDash: [6, 4], borderWidth: 1.5, pointRadius: 0, pointHitRadius: 0,
        },
      ],
    },
    options: {
      interaction: { mode: 'index', intersect: false },
      scales: {
        x: { grid: { display: false }, ticks: { maxRotation: 0, autoSkipPadding: 12 } },
        y: { beginAtZero: true, grace: '5%', ticks: { precision: 0 }, title: { display: true, text: 'Calls' } },
        y1: {
          position: 'right', min: 0, max: 100, grid: { drawOnChartArea: false },
          ticks: { callback: (v) => `${v}%` }, title: { display: true, text: 'Service level' },
        },
      },
      plugins: {
        legend: { labels: { sort: (a, b) => a.datasetIndex - b.datasetIndex } },
        tooltip: {
          filter: (item) => item.datasetIndex !== 4,
          itemSort: (a, b) => a.datasetIndex - b.datasetIndex,
          callbacks: {
            label: (ctx) => (ctx.dataset.yAxisID === 'y1'
              ? `${ctx.dataset.label}: ${pct(ctx.raw)}` : `${ctx.dataset.label}: ${ctx.raw}`),
          },
        },
      },
    },
  }), labels, [offered, answered, abandoned, sl, target]);

  const total = offered.reduce((a, b) => a + b, 0);
  describe(canvas, $('#volume-fallback'), periods.length === 0 || total === 0
    ? 'Service level and volume per interval: no calls in this period.'
    : `Service level and volume per interval, ${periods.length} intervals: `
      + periods.filter((p) => num(p.counts.offered) > 0)
        .map((p) => `${periodLabel(p.periodStart, granularity, multiDay)} offered ${num(p.counts.offered)}, answered ${num(p.counts.answered)}, abandoned ${num(p.counts.abandoned)}, service level ${pct(p.metrics.serviceLevel)}`)
        .join('; '));
  return total;
}

function renderAbandoned(totalCounts) {
  const colors = palette();
  const buckets = abandonBuckets(totalCounts || {});
  const canvas = $('#chart-abandoned');
  drawChart('abandoned', canvas, () => ({
    type: 'bar',
    data: { labels: [], datasets: [{ label: 'Abandoned calls', data: [], backgroundColor: colors.bad }] },
    options: {
      plugins: { legend: { display: false } },
      scales: {
        x: { grid: { display: false }, title: { display: true, text: 'Waited before hanging up' } },
        y: { beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: 'Calls' } },
      },
    },
  }), ABANDON_LABELS, [buckets]);
  const abandoned = num(totalCounts && totalCounts.abandoned);
  describe(canvas, $('#abandoned-fallback'), abandoned === 0
    ? 'Abandoned by wait: no abandoned calls in this period.'
    : `Abandoned by wait: ${ABANDON_LABELS.map((label, i) => `${label}: ${buckets[i]}`).join(', ')}.`);
  return abandoned;
}

/** Per agent: the day rows summed, and the pauses by reason. */
function agentTotals(data) {
  const agents = new Map();
  for (const row of list(data && data.rows, 'rows')) {
    if (!row || !row.key) continue;
    if (!agents.has(row.key)) agents.set(row.key, { key: row.key, counts: {}, pauses: new Map() });
    addCounts(agents.get(row.key).counts, row.counts);
  }
  for (const pause of list(data && data.pauses, 'pauses')) {
    if (!pause || !pause.agent) continue;
    if (!agents.has(pause.agent)) agents.set(pause.agent, { key: pause.agent, counts: {}, pauses: new Map() });
    const reasons = agents.get(pause.agent).pauses;
    const reason = pause.reason || 'no reason';
    reasons.set(reason, num(reasons.get(reason)) + num(pause.millis));
  }
  return [...agents.values()]
    .filter((a) => AGENT_STATES.some((s) => num(a.counts[s.field]) > 0))
    .sort((a, b) => nameOf('agent', a.key).localeCompare(nameOf('agent', b.key)));
}

function minutes(ms) {
  return Math.round(num(ms) / 6000) / 10;
}

function minutesText(m) {
  return m >= 60 ? `${Math.floor(m / 60)} h ${Math.round(m % 60)} min` : `${m} min`;
}

function renderAgents(data) {
  const colors = palette();
  const agents = agentTotals(data);
  const canvas = $('#chart-agents');
  // One bar per agent: the box grows with the team so bars stay readable.
  $('#agents-box').style.height = `${Math.max(180, 70 + 34 * agents.length)}px`;
  const chart = drawChart('agents', canvas, () => ({
    type: 'bar',
    data: {
      labels: [],
      datasets: AGENT_STATES.map((s) => ({ label: s.label, data: [], backgroundColor: colors[s.color] })),
    },
    options: {
      indexAxis: 'y',
      interaction: { mode: 'index', intersect: false },
      scales: {
        x: { stacked: true, beginAtZero: true, title: { display: true, text: 'Minutes' } },
        y: { stacked: true, grid: { display: false } },
      },
      plugins: {
        tooltip: {
          callbacks: {
            label: (ctx) => `${ctx.dataset.label}: ${minutesText(ctx.raw)}`,
            footer: (items) => {
              const agent = items.length ? agentsShown[items[0].dataIndex] : null;
              if (!agent || agent.pauses.size === 0) return '';
              return [...agent.pauses.entries()].sort((a, b) => b[1] - a[1])
                .map(([reason, ms]) => `Paused, ${reason}: ${minutesText(minutes(ms))}`);
            },
          },
        },
      },
    },
  }), agents.map((a) => nameOf('agent', a.key)), AGENT_STATES.map((s) => agents.map((a) => minutes(a.counts[s.field]))));
  agentsShown = agents;
  if (chart) chart.resize();
  describe(canvas, $('#agents-fallback'), agents.length === 0
    ? 'Agent state time: no agent activity in this period.'
    : `Agent state time in minutes: ${agents.map((a) => `${nameOf('agent', a.key)}: ${AGENT_STATES
      .map((s) => `${s.label.toLowerCase()} ${minutes(a.counts[s.field])}`).join(', ')}`).join('; ')}.`);
  return agents.length;
}

// ---- tables -----------------------------------------------------------------------------------------

function figureCells(counts, metrics) {
  return [
    el('td', { class: 'num' }, count(num(counts.offered))),
    el('td', { class: 'num' }, count(num(counts.answered))),
    el('td', { class: 'num' }, count(num(counts.abandoned))),
    el('td', { class: 'num' }, pct(metrics.serviceLevel)),
    el('td', { class: 'num' }, dur(metrics.asaSeconds)),
    el('td', { class: 'num' }, dur(metrics.ahtSeconds)),
  ];
}

function renderRows(f, data, multiDay) {
  setText($('#rows-key-header'), DIMENSIONS[f.dimension].label);
  const rows = list(data && data.rows, 'rows').filter((r) => r && r.periodStart)
    .map((r) => ({ ...r, t: Date.parse(r.periodStart), name: nameOf(f.dimension, r.key) }))
    .sort((a, b) => a.t - b.t || a.name.localeCompare(b.name));
  const shown = rows.slice(0, MAX_TABLE_ROWS);
  const fragment = document.createDocumentFragment();
  for (const r of shown) {
    fragment.append(el('tr', { dataset: { key: r.key || '', period: r.periodStart } },
      el('th', { scope: 'row' }, periodLabel(r.periodStart, f.granularity, multiDay)),
      el('td', {}, r.name),
      ...figureCells(r.counts || {}, r.metrics || metricsOf(r.counts || {}))));
  }
  $('#rows-body').replaceChildren(fragment);
  const total = data && data.total;
  $('#rows-foot').replaceChildren(rows.length === 0 || !total ? '' : el('tr', { dataset: { total: 'true' } },
    el('th', { scope: 'row' }, 'Total'),
    el('td', {}, f.key ? nameOf(f.dimension, f.key) : 'All'),
    ...figureCells(total.counts || {}, total.metrics || metricsOf(total.counts || {}))));
  show($('#rows-table'), rows.length > 0);
  show($('#rows-empty'), rows.length === 0);
  setText($('#rows-more'), rows.length > shown.length
    ? `Showing the first ${shown.length} of ${rows.length} rows; the CSV has them all.` : '');
  show($('#rows-more'), rows.length > shown.length);
}

const BILLING_FIELDS = ['answeredVoice', 'answeredChat', 'answeredEmail', 'answeredSms', 'answeredSocial',
  'messagesTaken', 'transferredCalls', 'smsSent', 'blockedCalls'];

function renderBilling(f, r) {
  const month = monthOf(f.from);
  setText($('#billing-month'), formatter({ month: 'long', year: 'numeric' }, 'UTC').format(utcDay(month.start)));
  if (!r.ok) {
    $('#billing-body').replaceChildren();
    show($('#billing-table'), false);
    setText($('#billing-empty'), `The billing figures could not be loaded: ${r.error}`);
    show($('#billing-empty'), true);
    return;
  }
  const rows = list(r.data && r.data.rows, 'rows').filter(Boolean)
    .sort((a, b) => nameOf('answering-point', a.answeringPoint).localeCompare(nameOf('answering-point', b.answeringPoint))
      || String(a.periodStart).localeCompare(String(b.periodStart)));
  $('#billing-body').replaceChildren(...rows.map((row) => el('tr', { dataset: { answeringPoint: row.answeringPoint || '' } },
    el('th', { scope: 'row' }, nameOf('answering-point', row.answeringPoint)),
    ...BILLING_FIELDS.map((field) => el('td', { class: 'num' }, count(num(row[field])))))));
  show($('#billing-table'), rows.length > 0);
  setText($('#billing-empty'), 'Nothing billable this month.');
  show($('#billing-empty'), rows.length === 0);
}

// ---- loading ----------------------------------------------------------------------------------------

function describePeriod(f) {
  const zone = timeZone ? ` (${timeZone})` : '';
  const days = f.from === f.to ? dayWords(f.from) : `${dayWords(f.from)} – ${dayWords(f.to)}`;
  const who = f.key ? `${DIMENSIONS[f.dimension].label} ${nameOf(f.dimension, f.key)}` : `All ${DIMENSIONS[f.dimension].plural}`;
  return `${who} · ${days}${zone} · ${GRANULARITY_WORDS[f.granularity]}`;
}

async function load() {
  const f = readFilters();
  if (f.to < f.from) {
    notice('The end date is before the start date.', 'error', 'load');
    return;
  }
  const seq = ++loadSeq;
  toUrl(f);
  document.body.dataset.state = 'loading';
  $('main').setAttribute('aria-busy', 'true');
  csvLink($('#csv-intervals'), intervalsPath(f), `statistics-${f.dimension}-${f.from}.csv`);
  csvLink($('#csv-rows'), intervalsPath(f), `statistics-${f.dimension}-${f.from}.csv`);
  csvLink($('#csv-agents'), agentsPath(f), `statistics-agent-${f.from}.csv`);
  csvLink($('#csv-calls'), callsPath(f), `calls-${f.from}.csv`);
  csvLink($('#csv-billing'), billingPath(f), `billing-${f.from.slice(0, 7)}.csv`);

  const [main, agents, billing] = await Promise.all([
    api('GET', intervalsPath(f)), api('GET', agentsPath(f)), api('GET', billingPath(f)),
  ]);
  if (seq !== loadSeq) return; // the filters changed meanwhile: a newer load draws
  if ([main, agents, billing].some((r) => r.status === 401)) {
    toLogin();
    return;
  }
  if (main.ok && main.data && main.data.timeZone && timeZone !== main.data.timeZone) {
    timeZone = main.data.timeZone;
    formatters.clear();
    // The default date was the browser's today; the centre's may be another day.
    if (!dateChosen && f.from === f.to && today() !== f.from) {
      $('#from').value = today();
      $('#to').value = '';
      load();
      return;
    }
  }
  setText($('#period'), describePeriod(f));
  const multiDay = f.from !== f.to;

  if (main.ok) {
    if ($('#notice').dataset.source === 'load') show($('#notice'), false);
    const data = main.data || {};
    const rows = list(data.rows, 'rows').filter((r) => r && r.periodStart);
    const total = data.total || (rows.length ? { counts: rows.reduce((sum, r) => addCounts(sum, r.counts), {}) } : null);
    renderTiles(rows.length || total ? total : null);
    const offered = renderVolume(rows, f.granularity, multiDay);
    const abandoned = renderAbandoned(total && total.counts);
    show($('#volume-empty'), offered === 0 && num(total && total.counts && total.counts.arrived) === 0);
    show($('#abandoned-empty'), abandoned === 0);
    renderRows(f, { ...data, total }, multiDay);
  } else {
    notice(`The statistics could not be loaded: ${main.error}`, 'error', 'load');
    renderTiles(null);
    renderVolume([], f.granularity, multiDay);
    renderAbandoned(null);
    renderRows(f, null, multiDay);
    show($('#volume-empty'), false);
    show($('#abandoned-empty'), false);
  }

  if (agents.ok) {
    const n = renderAgents(agents.data);
    setText($('#agents-empty'), 'No agent activity in this period.');
    show($('#agents-empty'), n === 0);
  } else {
    renderAgents(null);
    setText($('#agents-empty'), `Agent state time could not be loaded: ${agents.error}`);
    show($('#agents-empty'), true);
  }
  renderBilling(f, billing);

  $('main').removeAttribute('aria-busy');
  document.body.dataset.state = main.ok ? 'ready' : 'error';
  document.body.dataset.loaded = new Date().toISOString();
}

// ---- read side lag --------------------------------------------------------------------------------

async function refreshLag() {
  clearTimeout(lagTimer);
  if (!document.hidden) {
    const r = await api('GET', '/statistics/status');
    const node = $('#lag');
    if (r.status === 401) {
      toLogin();
      return;
    }
    if (!r.ok) {
      setText(node, `Read side lag: unavailable (${r.error})`);
      node.dataset.state = 'error';
      node.title = '';
    } else {
      const lag = (r.data && r.data.lag) || {};
      const projections = list(r.data && r.data.projections, 'projections');
      const pending = projections.reduce((sum, p) => sum + num(p && p.pendingEvents), 0);
      setText(node, `Read side lag: p50 ${millis(lag.p50Millis)} · p99 ${millis(lag.p99Millis)} · ${plural(pending, 'pending event')}`);
      node.dataset.state = pending > 1000 || num(lag.p99Millis) > 10_000 ? 'warn' : 'ok';
      node.title = projections.map((p) => `${p.projection}${p.key ? ` ${p.key}` : ''}: ${num(p.pendingEvents)} pending, last lag ${millis(p.lastLagMillis)}`).join('\n');
    }
  }
  lagTimer = setTimeout(refreshLag, LAG_EVERY_MS);
}

// ---- start ------------------------------------------------------------------------------------------

$('#notice-dismiss').addEventListener('click', () => show($('#notice'), false));
$('#sign-out').addEventListener('click', () => { clearTimeout(lagTimer); signOut(); });
$('#filters').addEventListener('submit', (event) => {
  event.preventDefault();
  load();
});
$('#dimension').addEventListener('change', async () => {
  await fillKeys($('#dimension').value, '');
  load();
});
for (const id of ['#key', '#granularity']) $(id).addEventListener('change', () => load());
for (const id of ['#from', '#to']) {
  $(id).addEventListener('change', () => {
    dateChosen = true;
    if (DAY_RE.test($('#from').value)) load();
  });
}
$('#today').addEventListener('click', () => {
  dateChosen = false;
  $('#from').value = today();
  $('#to').value = '';
  load();
});
document.addEventListener('visibilitychange', () => { if (!document.hidden) refreshLag(); });

async function start() {
  const user = await signedInUser(start, notice, supervisorsOnly('statistics'));
  if (!user) {
    if (!$('#notice').hidden) document.body.dataset.state = 'error';
    return;
  }
  if (!window.Chart) notice('The chart library did not load: the figures are in the tables below.', 'warn');
  const key = fromUrl();
  // Agent names label the agent chart whatever the dimension.
  await Promise.all([fillKeys($('#dimension').value, key), loadNames('agent'), loadNames('answering-point')]);
  refreshLag();
  await load();
}

start();
