// REPRAM dashboard: polls this node's own API (/v1/status, /v1/topology, /v1/metrics, /v1/keys,
// HEAD /v1/data/{key}) and draws it. No framework, no inline code (the page runs under the node's
// Content-Security-Policy: default-src 'self'); every user-provided string goes in via
// textContent, never as markup.
'use strict';

const STATUS_EVERY_MS = 2000;
const METRICS_EVERY_MS = 5000;
const KEYS_EVERY_MS = 1500;
const WINDOW_MS = 15 * 60 * 1000;   // traffic window
const KEY_PAGE = 200;               // keys shown at most
const HEADS_PER_ROUND = 25;         // TTL look-ups per keys round (stay far below the rate limit)
const GONE_GRACE_MS = 3000;         // a key that ran out is not looked up again for this long
const SVG_NS = 'http://www.w3.org/2000/svg';

const $ = (id) => document.getElementById(id);

// ---- formatting -------------------------------------------------------------------------------

function formatBytes(n) {
  if (!Number.isFinite(n)) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return (i === 0 ? n.toFixed(0) : n.toFixed(n < 10 ? 2 : 1)) + ' ' + units[i];
}

function formatDuration(seconds) {
  seconds = Math.max(0, Math.floor(seconds));
  const d = Math.floor(seconds / 86400), h = Math.floor(seconds / 3600) % 24;
  const m = Math.floor(seconds / 60) % 60, s = seconds % 60;
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${String(m).padStart(2, '0')}m`;
  if (m > 0) return `${m}m ${String(s).padStart(2, '0')}s`;
  return `${s}s`;
}

function formatRate(r) {
  if (r === null || !Number.isFinite(r)) return '–';
  return r >= 100 ? r.toFixed(0) : r >= 10 ? r.toFixed(1) : r.toFixed(2);
}

function formatLatency(seconds) {
  if (seconds === null || !Number.isFinite(seconds)) return '–';
  if (seconds < 0.001) return (seconds * 1e6).toFixed(0) + ' µs';
  if (seconds < 1) return (seconds * 1e3).toFixed(seconds < 0.01 ? 2 : 1) + ' ms';
  return seconds.toFixed(2) + ' s';
}

function setText(id, text) {
  const el = $(id);
  if (el.textContent !== String(text)) el.textContent = text;
}

function svg(tag, attrs, parent) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  if (parent) parent.appendChild(el);
  return el;
}

// ---- talking to the node ---------------------------------------------------------------------

const link = { failures: 0 };

function markLink(ok) {
  link.failures = ok ? 0 : link.failures + 1;
  const state = $('link-state');
  const down = link.failures >= 2;
  state.classList.toggle('ok', ok);
  state.classList.toggle('down', down);
  setText('link-text', ok ? 'live' : down ? 'unreachable' : 'retrying');
}

async function getJson(path) {
  const r = await fetch(path, { cache: 'no-store' });
  if (!r.ok) throw new Error(`${path}: ${r.status}`);
  return r.json();
}

function dataPath(key) {
  return '/v1/data/' + encodeURIComponent(key);
}

// Runs task now and then every period ms after the previous run finished (never overlapping).
function every(period, task) {
  const run = async () => {
    try {
      await task();
      markLink(true);
    } catch (e) {
      markLink(false);
    }
    setTimeout(run, period);
  };
  run();
}

// ---- identity and uptime ---------------------------------------------------------------------

const uptime = { seconds: null, at: 0 };

async function pollStatus() {
  const s = await getJson('/v1/status');
  setText('node-id', s.node_id);
  document.title = `REPRAM · ${s.node_id}`;
  setText('node-role', s.role);
  setText('node-enclave', s.enclave);
  setText('node-network', s.network);
  setText('node-version', s.version);
  setText('key-count', s.keys.toLocaleString());
  setText('byte-count', formatBytes(s.bytes));
  setText('rss', formatBytes(s.memory_rss_bytes));
  uptime.seconds = s.uptime_seconds;
  uptime.at = performance.now();
  storage.bytes = s.bytes;
  renderCapacity();
  renderUptime();
}

function renderUptime() {
  if (uptime.seconds === null) return;
  setText('node-uptime', formatDuration(uptime.seconds + (performance.now() - uptime.at) / 1000));
}

// ---- topology graph --------------------------------------------------------------------------

const shownNodes = new Set();  // ids already drawn, so only newcomers fade in

async function pollTopology() {
  const t = await getJson('/v1/topology');
  const peers = t.peers || [];
  const children = t.children || [];
  const sameEnclave = peers.filter((p) => p.enclave === t.enclave);
  setText('peer-count', peers.length);
  setText('enclave-peer-count', sameEnclave.length);
  setText('child-count', children.length);
  drawTopology(t, peers, children);
}

function shortId(id) {
  return id.length > 14 ? id.slice(0, 6) + '…' + id.slice(-6) : id;
}

function drawTopology(t, peers, children) {
  const root = $('topology');
  root.replaceChildren();
  const cx = 180, cy = 125;
  const nodes = [];
  const ring = peers.slice(0, 18);
  ring.forEach((p, i) => {
    const angle = -Math.PI / 2 + (2 * Math.PI * i) / Math.max(ring.length, 1) + (ring.length === 2 ? Math.PI / 2 : 0);
    nodes.push({
      id: p.id, x: cx + 132 * Math.cos(angle), y: cy + 92 * Math.sin(angle),
      kind: p.enclave === t.enclave ? 'same' : 'other',
      title: `${p.id}\n${p.address}:${p.http_port}\nenclave ${p.enclave}`,
    });
  });
  if (t.parent_id) {
    nodes.push({ id: t.parent_id, x: cx, y: 22, kind: 'ws', title: `WebSocket parent ${t.parent_id}` });
  }
  const kids = children.slice(0, 9);
  kids.forEach((c, i) => {
    const x = cx + (i - (kids.length - 1) / 2) * 34;
    nodes.push({ id: c.id, x, y: 230, kind: 'ws', small: true, title: `WebSocket child ${c.id}\nenclave ${c.enclave}` });
  });
  for (const n of nodes) {
    svg('line', { x1: cx, y1: cy, x2: n.x, y2: n.y, class: `link ${n.kind}` }, root);
  }
  const seen = new Set();
  for (const n of nodes) {
    const g = svg('g', { class: shownNodes.has(n.id) ? '' : 'appear' }, root);
    svg('title', {}, g).textContent = n.title;
    svg('circle', { cx: n.x, cy: n.y, r: n.small ? 6 : 9, class: `node ${n.kind}` }, g);
    if (!n.small) {
      const label = svg('text', { x: n.x, y: n.y + (n.y > cy ? 22 : -14) }, g);
      label.textContent = shortId(n.id);
    }
    seen.add(n.id);
  }
  shownNodes.clear();
  seen.forEach((id) => shownNodes.add(id));
  const self = svg('g', {}, root);
  svg('title', {}, self).textContent = `this node: ${t.node_id}\nenclave ${t.enclave}, ${t.role}`;
  svg('circle', { cx, cy, r: 15, class: 'node self' }, self);
  const label = svg('text', { x: cx, y: cy + 32, class: 'self' }, self);
  label.textContent = 'this node';
  const hidden = peers.length - ring.length + children.length - kids.length;
  if (hidden > 0) svg('text', { x: 340, y: 245 }, root).textContent = `+${hidden}`;
}

// ---- metrics: storage capacity, rates and latency over 15 minutes ----------------------------

const storage = { bytes: null, capacity: null };
const samples = [];  // {t, requests, writes, entries, dataBuckets, allBuckets}, oldest first

// Parses Prometheus text into [{name, labels, value}].
function parsePrometheus(text) {
  const out = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    const series = line.slice(0, space);
    const value = Number(line.slice(space + 1));
    const brace = series.indexOf('{');
    const labels = {};
    if (brace >= 0) {
      const re = /(\w+)="((?:[^"\\]|\\.)*)"/g;
      let m;
      while ((m = re.exec(series.slice(brace))) !== null) labels[m[1]] = m[2];
    }
    out.push({ name: brace >= 0 ? series.slice(0, brace) : series, labels, value });
  }
  return out;
}

function sampleOf(series, t) {
  const s = { t, requests: 0, writes: 0, entries: 0, dataBuckets: new Map(), allBuckets: new Map() };
  for (const { name, labels, value } of series) {
    if (name === 'repram_http_requests_total') s.requests += value;
    else if (name === 'repram_storage_entries') s.entries = value;
    else if (name === 'repram_writes_total') s.writes += value;
    else if (name === 'repram_storage_capacity_bytes') storage.capacity = value;
    else if (name === 'repram_http_request_duration_seconds_bucket') {
      const le = labels.le === '+Inf' ? Infinity : Number(labels.le);
      s.allBuckets.set(le, (s.allBuckets.get(le) || 0) + value);
      if (labels.route === '/v1/data/{key}') s.dataBuckets.set(le, (s.dataBuckets.get(le) || 0) + value);
    }
  }
  return s;
}

async function pollMetrics() {
  const r = await fetch('/v1/metrics', { cache: 'no-store' });
  if (!r.ok) throw new Error(`/v1/metrics: ${r.status}`);
  const now = performance.now();
  samples.push(sampleOf(parsePrometheus(await r.text()), now));
  while (samples.length > 2 && now - samples[1].t > WINDOW_MS) samples.shift();
  // A counter that went down means the node restarted: start the window again.
  const n = samples.length;
  if (n >= 2 && samples[n - 1].requests < samples[n - 2].requests) samples.splice(0, n - 1);
  renderCapacity();
  renderTraffic();
}

function renderCapacity() {
  const fill = $('capacity-fill');
  if (storage.capacity === null || storage.bytes === null) return;
  if (storage.capacity === 0) {
    setText('capacity-text', `${formatBytes(storage.bytes)} of unlimited`);
    fill.classList.add('unlimited');
    return;
  }
  const pct = Math.min(100, (100 * storage.bytes) / storage.capacity);
  setText('capacity-text', `${formatBytes(storage.bytes)} of ${formatBytes(storage.capacity)} (${pct.toFixed(1)}%)`);
  fill.classList.remove('unlimited');
  fill.style.width = pct + '%';
}

// Returns the q-quantile of the observations counted by cumulative buckets (Map le -> count),
// interpolated linearly inside the bucket, like PromQL's histogram_quantile.
function quantile(q, buckets) {
  const bounds = [...buckets.keys()].sort((a, b) => a - b);
  const total = buckets.get(Infinity) || 0;
  if (total <= 0) return null;
  const rank = q * total;
  let prevBound = 0, prevCount = 0;
  for (const le of bounds) {
    const count = buckets.get(le);
    if (count >= rank) {
      if (le === Infinity) return prevBound;
      return prevBound + ((le - prevBound) * (rank - prevCount)) / Math.max(count - prevCount, 1e-9);
    }
    prevBound = le;
    prevCount = count;
  }
  return prevBound;
}

function bucketDelta(later, earlier) {
  const d = new Map();
  for (const [le, count] of later) d.set(le, count - (earlier.get(le) || 0));
  return d;
}

function renderTraffic() {
  const n = samples.length;
  if (n < 2) return;
  const first = samples[0], last = samples[n - 1], prev = samples[n - 2];
  const dt = (last.t - prev.t) / 1000;
  setText('req-rate', formatRate((last.requests - prev.requests) / dt));
  setText('write-rate', formatRate((last.writes - prev.writes) / dt));
  let buckets = bucketDelta(last.dataBuckets, first.dataBuckets);
  let scope = 'latency of data requests, last 15 min';
  if (!(buckets.get(Infinity) > 0)) {
    buckets = bucketDelta(last.allBuckets, first.allBuckets);
    scope = 'latency of all requests (no data requests yet), last 15 min';
  }
  setText('lat-p50', formatLatency(quantile(0.5, buckets)));
  setText('lat-p95', formatLatency(quantile(0.95, buckets)));
  setText('lat-p99', formatLatency(quantile(0.99, buckets)));
  setText('latency-scope', scope);
  drawRates();
}

function drawRates() {
  const points = [];
  for (let i = 1; i < samples.length; i++) {
    const a = samples[i - 1], b = samples[i];
    const dt = (b.t - a.t) / 1000;
    points.push({ t: b.t, req: (b.requests - a.requests) / dt, wr: (b.writes - a.writes) / dt });
  }
  const peak = drawSeries($('rate-chart'), points, ['req', 'wr']);
  setText('rate-peak', `· peak ${formatRate(peak)}/s`);
  const held = drawSeries($('keys-chart'), samples.map((s) => ({ t: s.t, req: s.entries })), ['req']);
  setText('keys-peak', `peak ${held.toLocaleString()} · last 15 min`);
}

// Draws points ({t, <series>...}) over the sampled window, newest at the right edge, the first
// series filled; returns the largest value drawn.
function drawSeries(chart, points, series) {
  chart.replaceChildren();
  const w = Math.max(chart.clientWidth, 100), h = 90, now = samples[samples.length - 1].t;
  chart.setAttribute('viewBox', `0 0 ${w} ${h}`);  // pixel units: round dots at any width
  const peak = Math.max(0, ...points.flatMap((p) => series.map((k) => p[k])));
  const top = Math.max(1, peak) * 1.15;
  // The window grows from one minute to 15 as history accumulates.
  const span = Math.min(WINDOW_MS, Math.max(60000, now - samples[0].t));
  const x = (t) => w - ((now - t) / span) * w;
  const y = (v) => h - (v / top) * (h - 4);
  for (const frac of [0.25, 0.5, 0.75]) {
    svg('line', { x1: 0, x2: w, y1: h * frac, y2: h * frac, class: 'grid-line' }, chart);
  }
  if (points.length === 0) return peak;
  const line = (key) => points.map((p) => `${x(p.t).toFixed(1)},${y(p[key]).toFixed(1)}`).join(' ');
  const first = series[0], last = points[points.length - 1];
  if (points.length > 1) {
    const area = `${x(points[0].t).toFixed(1)},${h} ${line(first)} ${x(last.t).toFixed(1)},${h}`;
    svg('polygon', { points: area, class: 'area' }, chart);
  }
  for (const key of series) {
    svg('polyline', { points: line(key), class: key }, chart);
    svg('circle', { cx: x(last.t), cy: y(last[key]), r: 3, class: `dot ${key}` }, chart);
  }
  return peak;
}

// ---- live key list ---------------------------------------------------------------------------

// key -> {row, fill, ttlText, expiresAt (performance.now() ms), originalTtl}; expiresAt null
// until its HEAD answered.
const rows = new Map();
const goneUntil = new Map();  // key -> time before which a listed key is not looked up again
let filterPrefix = '';
let filterGeneration = 0;

async function pollKeys() {
  const generation = filterGeneration;
  const page = await getJson(`/v1/keys?limit=${KEY_PAGE}&prefix=${encodeURIComponent(filterPrefix)}`);
  if (generation !== filterGeneration) return;  // the filter changed meanwhile
  const listed = page.keys || [];
  const listedSet = new Set(listed);
  const now = performance.now();
  for (const key of [...rows.keys()]) {
    if (!listedSet.has(key)) removeRow(key);
  }
  const lookups = [];
  for (const key of listed) {
    if (rows.has(key)) continue;
    if ((goneUntil.get(key) || 0) > now) continue;
    addRow(key);
  }
  for (const [key, entry] of rows) {
    if (entry.expiresAt === null && !entry.pending && lookups.length < HEADS_PER_ROUND) {
      lookups.push(lookUpTtl(key, entry, generation));
    }
  }
  for (const [key, until] of goneUntil) if (until <= now) goneUntil.delete(key);
  setText('keys-shown', page.next_cursor ? `first ${listed.length} keys shown` : `${listed.length} keys`);
  $('keys-empty').classList.toggle('hidden', rows.size > 0);
  await Promise.all(lookups);
}

// Finds when a key expires: from X-Created-At + X-Original-TTL when the browser clock agrees with
// the node's (to the millisecond), else from X-Remaining-TTL (whole seconds) counted from now.
async function lookUpTtl(key, entry, generation) {
  entry.pending = true;
  try {
    const asked = performance.now();
    const r = await fetch(dataPath(key), { method: 'HEAD', cache: 'no-store' });
    if (generation !== filterGeneration || rows.get(key) !== entry) return;
    if (r.status === 404) return removeRow(key);
    if (!r.ok) return;  // e.g. 429: asked again next round
    const remaining = Number(r.headers.get('X-Remaining-TTL'));
    const original = Number(r.headers.get('X-Original-TTL'));
    const created = Date.parse(r.headers.get('X-Created-At'));
    let left = remaining + 0.5;
    const precise = (created + original * 1000 - Date.now()) / 1000;
    if (Number.isFinite(precise) && precise > remaining - 1 && precise < remaining + 2) left = precise;
    entry.expiresAt = asked + left * 1000;
    entry.originalTtl = original > 0 ? original : Math.max(remaining, 1);
    drainRow(entry, performance.now());
  } finally {
    entry.pending = false;
  }
}

function addRow(key) {
  const row = document.createElement('li');
  row.className = 'fresh';
  row.dataset.key = key;
  const name = document.createElement('span');
  name.className = 'key';
  name.textContent = key;
  name.title = key;
  const bar = document.createElement('div');
  bar.className = 'bar';
  const fill = document.createElement('div');
  fill.className = 'fill';
  fill.style.width = '100%';
  bar.appendChild(fill);
  const ttlText = document.createElement('span');
  ttlText.className = 'ttl';
  ttlText.textContent = '…';
  row.append(name, bar, ttlText);
  insertSorted(row, key);
  rows.set(key, { row, fill, ttlText, expiresAt: null, originalTtl: 1, pending: false });
}

// Keeps the list in byte order like /v1/keys (close enough: UTF-16 order for display).
function insertSorted(row, key) {
  const list = $('key-list');
  for (const other of list.children) {
    if (other.dataset.key > key) return list.insertBefore(row, other);
  }
  list.appendChild(row);
}

function removeRow(key, expired) {
  const entry = rows.get(key);
  if (!entry) return;
  rows.delete(key);
  if (expired) goneUntil.set(key, performance.now() + GONE_GRACE_MS);
  entry.row.removeAttribute('data-key');
  entry.row.classList.add('leaving');
  setTimeout(() => entry.row.remove(), 600);
  $('keys-empty').classList.toggle('hidden', rows.size > 0);
}

function drainRow(entry, now) {
  const left = (entry.expiresAt - now) / 1000;
  const share = Math.max(0, Math.min(1, left / entry.originalTtl));
  entry.fill.style.width = (share * 100).toFixed(2) + '%';
  entry.fill.classList.toggle('warm', share < 0.4 && share >= 0.15);
  entry.fill.classList.toggle('low', share < 0.15);
  entry.ttlText.textContent = formatDuration(Math.ceil(left));
  return left;
}

function drainAll() {
  const now = performance.now();
  for (const [key, entry] of rows) {
    if (entry.expiresAt === null) continue;
    if (drainRow(entry, now) <= 0) removeRow(key, true);
  }
}

function onFilterInput() {
  const prefix = $('key-filter').value;
  if (prefix === filterPrefix) return;
  filterPrefix = prefix;
  filterGeneration++;
  for (const key of [...rows.keys()]) removeRow(key);
  pollKeys().catch(() => markLink(false));
}

// ---- store and read --------------------------------------------------------------------------

function showResult(id, kind, text) {
  const el = $(id);
  el.className = 'result ' + kind;
  el.textContent = text;
}

async function onPut(event) {
  event.preventDefault();
  const key = $('put-key').value;
  const ttl = $('put-ttl').value.trim();
  const query = ttl === '' ? '' : '?ttl=' + encodeURIComponent(ttl);
  showResult('put-result', '', 'storing…');
  try {
    const r = await fetch(dataPath(key) + query, { method: 'PUT', body: $('put-value').value });
    const body = (await r.text()).trim();
    const lifetime = r.headers.get('X-Original-TTL');
    if (r.status === 201) showResult('put-result', 'ok', `Stored and confirmed by the quorum; lives ${formatDuration(lifetime)}.`);
    else if (r.status === 202) showResult('put-result', 'warn', `Stored here; quorum still pending. Lives ${formatDuration(lifetime)}.`);
    else showResult('put-result', 'err', `${r.status}: ${body}`);
    if (r.ok) await pollKeys();
  } catch (e) {
    showResult('put-result', 'err', 'The node did not answer.');
  }
}

async function onGet(event) {
  event.preventDefault();
  const key = $('get-key').value;
  $('get-value').textContent = '';
  showResult('get-result', '', 'reading…');
  try {
    const r = await fetch(dataPath(key), { cache: 'no-store' });
    if (r.status === 404) return showResult('get-result', 'warn', 'Not here: never stored, or already expired.');
    if (!r.ok) return showResult('get-result', 'err', `${r.status}: ${(await r.text()).trim()}`);
    const bytes = new Uint8Array(await r.arrayBuffer());
    const left = Number(r.headers.get('X-Remaining-TTL'));
    showResult('get-result', 'ok', `${bytes.length.toLocaleString()} bytes · ${formatDuration(left)} left of ${formatDuration(r.headers.get('X-Original-TTL'))}`);
    try {
      $('get-value').textContent = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch (e) {
      $('get-value').textContent = `(binary value; first bytes: ${[...bytes.slice(0, 32)].map((b) => b.toString(16).padStart(2, '0')).join(' ')})`;
    }
  } catch (e) {
    showResult('get-result', 'err', 'The node did not answer.');
  }
}

// ---- start -----------------------------------------------------------------------------------

function start() {
  $('put-form').addEventListener('submit', onPut);
  $('get-form').addEventListener('submit', onGet);
  $('key-filter').addEventListener('input', onFilterInput);
  every(STATUS_EVERY_MS, () => Promise.all([pollStatus(), pollTopology()]));
  every(METRICS_EVERY_MS, pollMetrics);
  every(KEYS_EVERY_MS, pollKeys);
  setInterval(drainAll, 250);
  setInterval(renderUptime, 1000);
}

start();
