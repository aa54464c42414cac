/**
 * The status page (`GET /`): one self-contained HTML document — inline CSS and script, no external assets, no CDN —
 * so it works offline and behind the web config's TLS and basic auth (every request is relative to the page). The
 * script renders from `api/v1/status/flink` (page-data.ts), `api/v1/alerts`, `api/v1/rules` and `api/v1/query_range`
 * (sparklines, the query box), refreshing every 5 s without reloading. Charts and the job graph are hand-drawn SVG:
 * no chart library is needed for sparklines and one line chart, which keeps the page small (budget: 64 KB
 * uncompressed, checked by test/unit/http/page.test.ts). Elements carry `data-*` attributes with the raw numbers so
 * tests can compare them with `/metrics`.
 */
export const PAGE_HTML = String.raw`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Flink Prometheus Bridge</title><link rel="icon" href="data:,">
<style>
:root{--busy:#ee6464;--bp:#888888;--idle:#5db1ff;--ok:#2e9e44;--bad:#d0342c;--warn:#d98a00;--fg:#1d2430;--mute:#687385;--line:#dfe3ea;--bg:#f6f7f9}
*{box-sizing:border-box}body{margin:0;font:14px/1.4 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:var(--fg);background:var(--bg)}
header{display:flex;gap:16px;align-items:center;padding:10px 20px;background:#fff;border-bottom:1px solid var(--line)}
header h1{font-size:17px;margin:0}main{padding:16px 20px;display:grid;gap:16px}
section{background:#fff;border:1px solid var(--line);border-radius:6px;padding:12px 16px}section h2{font-size:15px;margin:0 0 8px}
.cards{display:flex;flex-wrap:wrap;gap:10px}.card{border:1px solid var(--line);border-radius:6px;padding:8px 12px;min-width:130px}
.card .k{color:var(--mute);font-size:12px}.card .v{font-size:20px;font-weight:600}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;color:#fff;font-size:12px;font-weight:600}
.up{background:var(--ok)}.down{background:var(--bad)}.firing{background:var(--bad)}.pending{background:var(--warn)}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:4px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{color:var(--mute);font-weight:500;font-size:12px}td.n{text-align:right;font-variant-numeric:tabular-nums}
.mute{color:var(--mute)}pre{white-space:pre-wrap;margin:0;font-size:12px}code{font-size:12px}
.graph svg{max-width:100%}.legend span{display:inline-block;width:10px;height:10px;margin:0 4px 0 10px;border-radius:2px}
textarea{width:100%;font:13px ui-monospace,monospace;min-height:44px}button{padding:4px 12px}
.err{color:var(--bad)}
</style></head>
<body>
<header><h1>Flink Prometheus Bridge</h1><span id="flink-badge" class="badge down">…</span><span id="rest-url" class="mute"></span>
<span class="mute" style="margin-left:auto">updated <span id="updated">never</span> · <a href="metrics">/metrics</a> · <a href="api/v1/rules">rules</a> · <a href="api/v1/alerts">alerts</a></span></header>
<main>
<section id="jobs"><h2>Jobs</h2><div id="job-table"></div></section>
<section class="graph"><h2>Job graph</h2><div class="legend mute">ratios of the busiest subtask:<span style="background:var(--idle)"></span>idle<span style="background:var(--busy)"></span>busy<span style="background:var(--bp)"></span>back-pressured · thick border: likely bottleneck</div><div id="graphs"></div></section>
<section id="cluster"><h2>Cluster and sources</h2><div class="cards" id="cards"></div>
<h3 style="font-size:13px;margin:12px 0 4px">Flink REST poller</h3><div id="poller"></div>
<h3 style="font-size:13px;margin:12px 0 4px">Push groups (Flink's PushGateway reporter)</h3><div id="push"></div>
<h3 style="font-size:13px;margin:12px 0 4px">Remote-write</h3><div id="rw"></div></section>
<section id="alerts"><h2>Alerts</h2><div id="alert-table"></div><h3 style="font-size:13px;margin:12px 0 4px">Rules</h3><div id="rule-table"></div></section>
<section id="query"><h2>Query</h2><textarea id="expr" spellcheck="false">sum by (job_name) (flink_job_source_records_per_second)</textarea>
<div><button id="run">Execute</button> <span class="mute">instant query now, and a graph of the last 15 minutes (the sidecar's own data)</span></div>
<div id="query-error" class="err"></div><div id="query-graph"></div><div id="query-table"></div></section>
</main>
<script>
"use strict";
const $ = (id) => document.getElementById(id);
const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
const num = (v, d = 1) => v === null || v === undefined ? "–" : Math.abs(v) >= 1e6 ? (v / 1e6).toFixed(d) + "M" : Math.abs(v) >= 1e4 ? (v / 1e3).toFixed(d) + "k" : (Math.round(v * 10 ** d) / 10 ** d).toString();
const pct = (v) => v === null || v === undefined ? "–" : Math.round(v * 100) + "%";
function dur(s) { if (s === null || s === undefined) return "–"; s = Math.max(0, s); if (s < 60) return s.toFixed(0) + "s"; if (s < 3600) return Math.floor(s / 60) + "m" + String(Math.floor(s % 60)).padStart(2, "0") + "s"; if (s < 86400) return Math.floor(s / 3600) + "h" + String(Math.floor(s % 3600 / 60)).padStart(2, "0") + "m"; return Math.floor(s / 86400) + "d" + Math.floor(s % 86400 / 3600) + "h"; }
async function api(path) { const r = await fetch(path, { headers: { Accept: "application/json" } }); const j = await r.json(); if (j.status !== "success") throw new Error(j.error || r.status); return j.data; }
function table(head, rows) { return rows.length === 0 ? '<p class="mute">none</p>' : "<table><tr>" + head.map((h) => "<th>" + esc(h) + "</th>").join("") + "</tr>" + rows.join("") + "</table>"; }
function card(key, label, value, shown) { return '<div class="card" data-testid="' + key + '" data-value="' + (value === null ? "" : value) + '"><div class="k">' + esc(label) + '</div><div class="v">' + esc(shown) + "</div></div>"; }
function mix(a, b, t) { const p = (h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16)); const x = p(a), y = p(b); return "rgb(" + x.map((v, i) => Math.round(v + (y[i] - v) * Math.max(0, Math.min(1, t)))).join(",") + ")"; }
/** Flink web UI colouring: back-pressure (grey) when it dominates, else idle blue to busy red. */
function vertexColour(v) { const busy = v.busy ?? 0, bp = v.backPressured ?? 0; return bp > busy ? mix("#ffffff", "#888888", 0.3 + 0.7 * bp) : mix("#5db1ff", "#ee6464", busy); }
function spark(values, w = 140, h = 28) {
  if (values.length < 2) return '<span class="mute">–</span>';
  const ts = values.map((p) => p[0]), vs = values.map((p) => Number(p[1]));
  const t0 = Math.min(...ts), t1 = Math.max(...ts), hi = Math.max(...vs, 1e-9);
  const pts = values.map((p, i) => ((ts[i] - t0) / Math.max(1, t1 - t0) * (w - 2) + 1).toFixed(1) + "," + (h - 1 - vs[i] / hi * (h - 2)).toFixed(1)).join(" ");
  return '<svg width="' + w + '" height="' + h + '" role="img" aria-label="records per second, last 15 minutes"><polyline fill="none" stroke="#1f77b4" stroke-width="1.5" points="' + pts + '"/></svg>';
}
function lineChart(series, w = 900, h = 220) {
  const all = series.flatMap((s) => s.values.map((p) => [p[0], Number(p[1])])).filter((p) => isFinite(p[1]));
  if (all.length === 0) return '<p class="mute">no data</p>';
  const t0 = Math.min(...all.map((p) => p[0])), t1 = Math.max(...all.map((p) => p[0])), lo = Math.min(0, ...all.map((p) => p[1])), hi = Math.max(...all.map((p) => p[1]), lo + 1e-9);
  const X = (t) => 50 + (t - t0) / Math.max(1, t1 - t0) * (w - 60), Y = (v) => h - 20 - (v - lo) / (hi - lo) * (h - 30);
  const colours = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"];
  const lines = series.slice(0, 20).map((s, i) => '<polyline fill="none" stroke="' + colours[i % colours.length] + '" stroke-width="1.5" points="' + s.values.map((p) => X(p[0]).toFixed(1) + "," + Y(Number(p[1])).toFixed(1)).join(" ") + '"><title>' + esc(JSON.stringify(s.metric)) + "</title></polyline>").join("");
  return '<svg width="' + w + '" height="' + h + '"><line x1="50" y1="' + (h - 20) + '" x2="' + w + '" y2="' + (h - 20) + '" stroke="#ccc"/><text x="2" y="14" font-size="11">' + esc(num(hi, 2)) + '</text><text x="2" y="' + (h - 22) + '" font-size="11">' + esc(num(lo, 2)) + "</text>" + lines + "</svg>";
}
function graphSvg(job) {
  const byDepth = new Map();
  for (const v of job.vertices) { if (!byDepth.has(v.depth)) byDepth.set(v.depth, []); byDepth.get(v.depth).push(v); }
  const W = 230, H = 96, GX = 60, GY = 24, pos = new Map();
  let rows = 1;
  for (const [d, vs] of byDepth) { vs.forEach((v, i) => pos.set(v.id, [20 + d * (W + GX), 20 + i * (H + GY)])); rows = Math.max(rows, vs.length); }
  const width = 40 + byDepth.size * (W + GX) - GX, height = 40 + rows * (H + GY) - GY;
  const edges = job.edges.filter((e) => pos.has(e.from) && pos.has(e.to)).map((e) => { const [x1, y1] = pos.get(e.from), [x2, y2] = pos.get(e.to); return '<path class="edge" d="M' + (x1 + W) + "," + (y1 + H / 2) + " C" + (x1 + W + GX / 2) + "," + (y1 + H / 2) + " " + (x2 - GX / 2) + "," + (y2 + H / 2) + " " + x2 + "," + (y2 + H / 2) + '" fill="none" stroke="#999" stroke-width="1.5" marker-end="url(#arrow)"/>'; }).join("");
  const nodes = job.vertices.map((v) => {
    const [x, y] = pos.get(v.id), b = v.id === job.bottleneck;
    return '<g class="vertex" data-vertex-id="' + esc(v.id) + '" data-vertex-name="' + esc(v.name) + '" data-busy="' + (v.busy ?? "") + '" data-backpressured="' + (v.backPressured ?? "") + '" data-records-in="' + (v.recordsInPerSecond ?? "") + '" data-records-out="' + (v.recordsOutPerSecond ?? "") + '"' + (b ? ' data-bottleneck="true"' : "") + '>' +
      '<rect x="' + x + '" y="' + y + '" width="' + W + '" height="' + H + '" rx="6" fill="' + vertexColour(v) + '" stroke="' + (b ? "#000" : "#555") + '" stroke-width="' + (b ? 4 : 1) + '"/>' +
      '<text x="' + (x + 8) + '" y="' + (y + 18) + '" font-size="12" font-weight="600">' + esc(v.name.length > 30 ? v.name.slice(0, 29) + "…" : v.name) + "<title>" + esc(v.name) + "</title></text>" +
      '<text x="' + (x + 8) + '" y="' + (y + 36) + '" font-size="11">in ' + esc(num(v.recordsInPerSecond)) + "/s · out " + esc(num(v.recordsOutPerSecond)) + "/s · p" + esc(v.parallelism ?? "–") + "</text>" +
      '<text x="' + (x + 8) + '" y="' + (y + 52) + '" font-size="11">busy ' + pct(v.busy) + " · back-pressured " + pct(v.backPressured) + "</text>" +
      '<text x="' + (x + 8) + '" y="' + (y + 68) + '" font-size="11">watermark lag ' + esc(v.watermarkLag === null ? "–" : dur(v.watermarkLag)) + "</text>" +
      (b ? '<text x="' + (x + 8) + '" y="' + (y + 86) + '" font-size="11" font-weight="700">likely bottleneck</text>' : "") + "</g>";
  }).join("");
  return '<h3 style="font-size:13px;margin:8px 0">' + esc(job.name) + ' <span class="mute">' + esc(job.id) + "</span></h3>" +
    '<svg class="job-graph" data-job-id="' + esc(job.id) + '" width="' + width + '" height="' + height + '"><defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#999"/></marker></defs>' + edges + nodes + "</svg>";
}
const sparks = new Map();
let lastSpark = 0;
async function refreshSparks(jobs) {
  if (Date.now() - lastSpark < 30000 && jobs.every((j) => sparks.has(j.id))) return;
  lastSpark = Date.now();
  const end = Date.now() / 1000, start = end - 900;
  await Promise.all(jobs.filter((j) => j.window).map(async (j) => {
    const q = 'flink_job_source_records_per_second{job_id="' + j.id + '",window="' + j.window + '"}';
    try { const d = await api("api/v1/query_range?query=" + encodeURIComponent(q) + "&start=" + start + "&end=" + end + "&step=15"); sparks.set(j.id, d.result[0] ? d.result[0].values : []); } catch { sparks.set(j.id, []); }
  }));
}
async function refresh() {
  const d = await api("api/v1/status/flink");
  const c = d.cluster;
  $("flink-badge").className = "badge " + (c.flinkUp ? "up" : "down");
  $("flink-badge").textContent = c.flinkUp ? "Flink reachable" : "Flink unreachable";
  $("flink-badge").dataset.up = String(c.flinkUp);
  $("rest-url").textContent = d.restUrl + (c.version ? " · Flink " + c.version : "");
  $("cards").innerHTML = card("taskmanagers", "TaskManagers", c.taskManagers, num(c.taskManagers, 0)) + card("slots-total", "slots total", c.slotsTotal, num(c.slotsTotal, 0)) + card("slots-available", "slots available", c.slotsAvailable, num(c.slotsAvailable, 0)) + card("jobs-running", "jobs running", d.jobs.filter((j) => j.state === "RUNNING").length, String(d.jobs.filter((j) => j.state === "RUNNING").length));
  const p = d.poller;
  $("poller").innerHTML = '<p>last successful poll <b data-testid="last-poll">' + (p.lastSuccess ? dur(d.now - p.lastSuccess) + " ago" : "never") + "</b> · " + esc(num(p.requestsPerCycle, 0)) + " requests per cycle</p>" +
    '<details' + (Object.keys(p.errorsByEndpoint).some((e) => p.errorsByEndpoint[e] > 0) ? " open" : "") + '><summary>requests and errors by endpoint</summary>' + table(["endpoint", "requests", "errors (non-200)"], Object.keys(p.requestsByEndpoint).sort().map((e) => '<tr><td><code>' + esc(e) + '</code></td><td class="n">' + num(p.requestsByEndpoint[e], 0) + '</td><td class="n' + (p.errorsByEndpoint[e] ? " err" : "") + '">' + num(p.errorsByEndpoint[e] || 0, 0) + "</td></tr>")) + "</details>";
  $("push").innerHTML = table(["group", "last push", "TTL left"], d.pushGroups.map((g) => "<tr><td><code>" + esc(Object.entries(g.labels).map(([k, v]) => k + '="' + v + '"').join(", ")) + "</code></td><td>" + dur(d.now - g.lastPush) + " ago</td><td>" + (g.ttlLeft === null ? "–" : dur(g.ttlLeft)) + "</td></tr>"));
  $("rw").innerHTML = table(["remote", "url", "samples pending", "lag"], d.remoteWrite.map((r) => "<tr><td>" + esc(r.name) + "</td><td><code>" + esc(r.url) + '</code></td><td class="n">' + num(r.pending, 0) + "</td><td>" + dur(r.lag) + "</td></tr>"));
  await refreshSparks(d.jobs);
  $("job-table").innerHTML = table(["job", "state", "uptime", "restarts", "source records/s", "last 15 min", "checkpoint age"], d.jobs.map((j) => '<tr class="job" data-job-id="' + esc(j.id) + '" data-state="' + esc(j.state) + '" data-source-rps="' + (j.sourceRecordsPerSecond ?? "") + '"><td>' + esc(j.name) + '<br><span class="mute">' + esc(j.id) + "</span></td><td>" + esc(j.state) + "</td><td>" + dur(j.uptime) + '</td><td class="n">' + num(j.restarts, 0) + '</td><td class="n">' + num(j.sourceRecordsPerSecond) + (j.window ? ' <span class="mute">(' + esc(j.window) + ")</span>" : "") + "</td><td>" + spark(sparks.get(j.id) || []) + "</td><td>" + dur(j.checkpointAge) + "</td></tr>"));
  $("graphs").innerHTML = d.jobs.filter((j) => j.vertices.length > 0).map(graphSvg).join("") || '<p class="mute">no running job</p>';
  const [alerts, rules] = await Promise.all([api("api/v1/alerts"), api("api/v1/rules")]);
  $("alert-table").innerHTML = table(["alert", "state", "since", "labels", "incident context"], alerts.alerts.map((a) => '<tr class="alert" data-alertname="' + esc(a.labels.alertname) + '" data-state="' + esc(a.state) + '"><td>' + esc(a.labels.alertname) + '<br><span class="mute">' + esc(a.annotations.summary || "") + '</span></td><td><span class="badge ' + esc(a.state) + '">' + esc(a.state) + "</span></td><td>" + esc(a.activeAt || "") + "</td><td><code>" + esc(Object.entries(a.labels).filter(([k]) => k !== "alertname").map(([k, v]) => k + '="' + v + '"').join(", ")) + "</code></td><td><pre>" + esc(a.annotations.flink_context || "") + "</pre></td></tr>"));
  $("rule-table").innerHTML = table(["group", "rule", "health", "last evaluation", "took"], rules.groups.flatMap((g) => g.rules.map((r) => "<tr><td>" + esc(g.name) + "</td><td>" + esc(r.name) + (r.type === "alerting" && r.state ? ' <span class="mute">(' + esc(r.state) + ")</span>" : "") + '</td><td class="' + (r.health === "ok" ? "" : "err") + '">' + esc(r.health) + (r.lastError ? ": " + esc(r.lastError) : "") + "</td><td>" + esc(r.lastEvaluation || "") + "</td><td>" + esc(r.evaluationTime === undefined ? "" : (r.evaluationTime * 1000).toFixed(2) + " ms") + "</td></tr>")));
  $("updated").textContent = new Date().toLocaleTimeString();
}
async function runQuery() {
  const expr = $("expr").value, end = Date.now() / 1000;
  $("query-error").textContent = "";
  try {
    const [inst, range] = await Promise.all([api("api/v1/query?query=" + encodeURIComponent(expr)), api("api/v1/query_range?query=" + encodeURIComponent(expr) + "&start=" + (end - 900) + "&end=" + end + "&step=15")]);
    const rows = inst.resultType === "vector" ? inst.result.map((s) => "<tr><td><code>" + esc(JSON.stringify(s.metric)) + '</code></td><td class="n">' + esc(s.value[1]) + "</td></tr>") : ["<tr><td>" + esc(inst.resultType) + '</td><td class="n">' + esc(JSON.stringify(inst.result)) + "</td></tr>"];
    $("query-table").innerHTML = table(["series", "value"], rows);
    $("query-graph").innerHTML = range.resultType === "matrix" ? lineChart(range.result) : "";
  } catch (e) { $("query-error").textContent = String(e.message || e); $("query-table").innerHTML = ""; $("query-graph").innerHTML = ""; }
}
$("run").addEventListener("click", runQuery);
$("expr").addEventListener("keydown", (e) => { if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) runQuery(); });
async function loop() { try { await refresh(); } catch (e) { $("updated").textContent = "error: " + (e.message || e); } setTimeout(loop, 5000); }
loop();
</script></body></html>
`;
