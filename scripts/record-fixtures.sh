#!/usr/bin/env bash
# scripts/record-fixtures.sh — record real Flink REST responses into test/fixtures/flink-<version>/.
#
# Usage: FLINK_LINE=1.20|2 scripts/record-fixtures.sh [--keep-running] [--min-runtime SECONDS]
#
# What it does (takes ~2 min per line):
#   1. (re)starts a fresh local cluster with scripts/flink.sh (stop, start) and submits the demo job (fpb-demo-job);
#   2. waits until the job has run >= --min-runtime seconds (default 45) with >= 2 completed checkpoints and filled
#      metric stores, then records the steady-state endpoints;
#   3. kills the TaskManager (SIGKILL), records the job while it is RESTARTING / waiting for slots, starts a new
#      TaskManager, waits for the job to run again (+25 s for the MetricFetcher) and records the *-after-restart files;
#   4. writes README.md (version, date, ids, file -> endpoint map) and stops the cluster (unless --keep-running).
# Old *.json files in the target folder are removed first, so a re-run gives a consistent set.
# Needs: bash, python3 (HTTP + JSON, no extra packages), and whatever scripts/flink.sh needs.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
FLINK_SH="$SCRIPT_DIR/flink.sh"

KEEP=0
MIN_RUNTIME=45
while [[ $# -gt 0 ]]; do
  case "$1" in
    --keep-running) KEEP=1; shift ;;
    --min-runtime) MIN_RUNTIME="$2"; shift 2 ;;
    *) echo "[record-fixtures] unknown argument $1" >&2; exit 2 ;;
  esac
done

log() { echo "[record-fixtures] $*" >&2; }

VERSION="$("$FLINK_SH" version)"
URL="$("$FLINK_SH" url)"
OUT="$REPO_ROOT/test/fixtures/flink-$VERSION"
mkdir -p "$OUT"
rm -f "$OUT"/*.json

log "Flink $VERSION -> $OUT"
"$FLINK_SH" stop
"$FLINK_SH" start
JID="$("$FLINK_SH" submit-job --new)"
"$FLINK_SH" wait-running "$JID" >/dev/null

export FLINK_SH
python3 - "$URL" "$OUT" "$JID" "$VERSION" "$MIN_RUNTIME" <<'PY'
import datetime, json, os, subprocess, sys, time, urllib.error, urllib.parse, urllib.request

BASE, OUT, JID, VERSION, MIN_RUNTIME = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
FLINK_SH = os.environ["FLINK_SH"]
MAX_REQUEST_LINE = 3000  # Flink's Netty codec rejects request lines > 4096 bytes (answers 404 "/bad-request")
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))
FILES = []   # (file, endpoint, note)
T0 = time.time()


def log(msg):
    print(f"[record-fixtures] {msg}", file=sys.stderr, flush=True)


def get(path):
    """GET BASE+path -> (status, parsed JSON or text)."""
    req = urllib.request.Request(BASE + path, headers={"Accept": "application/json"})
    try:
        with OPENER.open(req, timeout=30) as r:
            status, body = r.status, r.read()
    except urllib.error.HTTPError as e:
        status, body = e.code, e.read()
    try:
        return status, json.loads(body)
    except ValueError:
        return status, body.decode("utf-8", "replace")


def save(name, endpoint, data, note=""):
    with open(os.path.join(OUT, name), "w") as f:
        json.dump(data, f, indent=2, ensure_ascii=False)
        f.write("\n")
    FILES.append((name, endpoint, note))


SCRUB = [(JID, "<jid>")]  # ids -> placeholders in the endpoint column of README.md


def scrub(path):
    for k, v in SCRUB:
        path = path.replace(k, v)
    return path


def rec(name, path, endpoint=None, note="", expect=200):
    status, data = get(path)
    if status != expect:
        raise SystemExit(f"GET {path} -> HTTP {status}: {str(data)[:300]}")
    save(name, endpoint or scrub(path), data, note)
    return data


def q(name):
    return urllib.parse.quote(name, safe="")


def chunked(path, names, extra=""):
    """Split names so that every request line stays below MAX_REQUEST_LINE bytes."""
    chunks, cur = [], []
    for n in names:
        trial = cur + [n]
        if cur and len(f"GET {path}?get={','.join(q(x) for x in trial)}{extra} HTTP/1.1") > MAX_REQUEST_LINE:
            chunks.append(cur)
            cur = [n]
        else:
            cur = trial
    if cur:
        chunks.append(cur)
    return chunks


def rec_values(name, path, names, extra="", endpoint=None, note=""):
    """GET path?get=<names>[extra] in chunks; the chunk answers are concatenated into one array."""
    result, empty_chunks = [], 0
    chunks = chunked(path, names, extra)
    for ch in chunks:
        status, data = get(f"{path}?get={','.join(q(x) for x in ch)}{extra}")
        if status != 200:
            raise SystemExit(f"GET {path} (chunk) -> HTTP {status}: {str(data)[:300]}")
        if not data:
            empty_chunks += 1
        result.extend(data)
    ep = (endpoint or scrub(path)) + f"?get=<all {len(names)} names>{extra}"
    n = f"{len(chunks)} request(s) of <= {MAX_REQUEST_LINE} B request line, answers concatenated; {len(result)} of {len(names)} ids returned"
    if empty_chunks:
        n += f"; {empty_chunks} chunk(s) answered []"
    save(name, ep, result, (note + "; " if note else "") + n)
    return result


def names_of(data):
    return [m["id"] for m in data]


def job():
    return get(f"/jobs/{JID}")[1]


def wait_for(desc, pred, timeout=180, interval=1.0):
    t = time.time()
    while time.time() - t < timeout:
        try:
            if pred():
                return
        except Exception:
            pass
        time.sleep(interval)
    raise SystemExit(f"timeout waiting for {desc}")


# ------------------------------------------------------------------ 1. steady state
start = job()["start-time"] / 1000.0
log(f"job {JID}: waiting until it has run {MIN_RUNTIME}s with >= 2 completed checkpoints ...")
wait_for("runtime", lambda: time.time() - start >= MIN_RUNTIME, timeout=MIN_RUNTIME + 30)
wait_for("2 completed checkpoints", lambda: get(f"/jobs/{JID}/checkpoints")[1]["counts"]["completed"] >= 2)
vertices = job()["vertices"]
wait_for("vertex metric names", lambda: all(get(f"/jobs/{JID}/vertices/{v['id']}/subtasks/metrics")[1] for v in vertices))
wait_for("watermarks", lambda: all(int(w["value"]) > 0 for v in vertices[1:] for w in get(f"/jobs/{JID}/vertices/{v['id']}/watermarks")[1]))
log(f"recording steady state ({time.time() - start:.0f}s after job start)")

rec("config.json", "/config")
rec("overview.json", "/overview")
rec("jobs.json", "/jobs")
rec("jobs-overview.json", "/jobs/overview")
tms = rec("taskmanagers.json", "/taskmanagers")
TMID = tms["taskmanagers"][0]["id"]
rec("taskmanager.json", f"/taskmanagers/{q(TMID)}", "/taskmanagers/<tmid>")
tm_names = names_of(rec("taskmanager-metrics.json", f"/taskmanagers/{q(TMID)}/metrics", "/taskmanagers/<tmid>/metrics", "names only"))
rec_values("taskmanager-metrics-values.json", f"/taskmanagers/{q(TMID)}/metrics", tm_names, endpoint="/taskmanagers/<tmid>/metrics")
rec_values("taskmanagers-metrics-agg-values.json", "/taskmanagers/metrics", tm_names, "&agg=min,max,avg,sum",
           note="aggregated over all TaskManagers")
jm_names = names_of(rec("jobmanager-metrics.json", "/jobmanager/metrics", note="names only"))
rec_values("jobmanager-metrics-values.json", "/jobmanager/metrics", jm_names)

job_data = rec("job.json", f"/jobs/{JID}")
rec("job-status.json", f"/jobs/{JID}/status")
job_names = names_of(rec("job-metrics.json", f"/jobs/{JID}/metrics", note="names only"))
rec_values("job-metrics-values.json", f"/jobs/{JID}/metrics", job_names)
rec("job-checkpoints.json", f"/jobs/{JID}/checkpoints")
rec("job-checkpoints-config.json", f"/jobs/{JID}/checkpoints/config")
rec("job-exceptions.json", f"/jobs/{JID}/exceptions", note="no failure yet")

VERTICES = []
for i, v in enumerate(job_data["vertices"]):
    vid = v["id"]
    VERTICES.append((i, vid, v["name"]))
    SCRUB.append((vid, f"<vertex {i} id>"))
    base = f"/jobs/{JID}/vertices/{vid}"
    ep = f"/jobs/<jid>/vertices/<vertex {i} id>"
    rec(f"vertex-{i}.json", base, ep)
    get(f"{base}/backpressure")  # warm-up; recorded below
    names = names_of(rec(f"vertex-{i}-subtasks-metrics.json", f"{base}/subtasks/metrics", f"{ep}/subtasks/metrics", "names only"))
    rec_values(f"vertex-{i}-subtasks-metrics-values.json", f"{base}/subtasks/metrics", names, "&agg=min,max,avg,sum",
               endpoint=f"{ep}/subtasks/metrics")
    rec(f"vertex-{i}-watermarks.json", f"{base}/watermarks", f"{ep}/watermarks")
    if i == 0:
        sub_names = names_of(rec(f"vertex-{i}-subtask-0-metrics.json", f"{base}/subtasks/0/metrics",
                                 f"{ep}/subtasks/0/metrics", "names only"))
        rec_values(f"vertex-{i}-subtask-0-metrics-values.json", f"{base}/subtasks/0/metrics", sub_names,
                   endpoint=f"{ep}/subtasks/0/metrics")

for i, vid, _ in VERTICES:
    rec(f"vertex-{i}-backpressure.json", f"/jobs/{JID}/vertices/{vid}/backpressure",
        f"/jobs/<jid>/vertices/<vertex {i} id>/backpressure")

# all-or-nothing + error shapes
v0 = VERTICES[0][1]
rec("vertex-0-subtasks-metrics-values-with-unknown-id.json",
    f"/jobs/{JID}/vertices/{v0}/subtasks/metrics?get=numRecordsOut,fpbNoSuchMetric&agg=min,max,avg,sum",
    note="one known + one unknown id on the aggregated endpoint: whole answer []")
rec("vertex-0-subtasks-metrics-values-known-id.json",
    f"/jobs/{JID}/vertices/{v0}/subtasks/metrics?get=numRecordsOut&agg=min,max,avg,sum",
    note="same request without the unknown id")
rec("job-metrics-values-with-unknown-id.json", f"/jobs/{JID}/metrics?get=numRestarts,fpbNoSuchMetric",
    note="non-aggregated endpoint with an unknown id: only the known one is returned")
rec("error-unknown-job.json", "/jobs/0123456789abcdef0123456789abcdef", expect=404, note="HTTP 404")
rec("error-request-line-too-long.json", "/jobmanager/metrics?get=" + ",".join(["x" * 20] * 200), 
    "/jobmanager/metrics?get=<4200 bytes>", expect=404, note="HTTP 404: request line > 4096 bytes")

# ------------------------------------------------------------------ 2. kill the TaskManager
log("killing the TaskManager (SIGKILL) ...")
subprocess.run([FLINK_SH, "stop-tm", "--kill"], check=True)
t_kill = time.time()
seen, got_status, got_restarting, got_waiting = set(), False, False, False
while time.time() - t_kill < 90 and not got_waiting:
    status_answer = get(f"/jobs/{JID}/status")[1]
    st = status_answer.get("status")
    if st not in seen:
        log(f"  {time.time() - t_kill:5.1f}s after kill: job status {st}")
        seen.add(st)
    if st != "RUNNING" and not got_status:
        save("job-status-restarting.json", "/jobs/<jid>/status", status_answer,
             f"{time.time() - t_kill:.1f}s after the TaskManager was killed")
        got_status = True
    if "RESTARTING" in seen and not got_restarting:
        d = job()  # served from the 3 s execution-graph cache, so it may lag behind /status
        if d["state"] != "RUNNING":
            save("job-restarting.json", "/jobs/<jid>", d, f"state {d['state']}, recorded {time.time() - t_kill:.1f}s after the TaskManager was killed")
            rec("jobs-overview-restarting.json", "/jobs/overview", note=f"while the job was {d['state']}")
            got_restarting = True
    if "RESTARTING" in seen and st == "RUNNING":
        d = job()
        if d["state"] == "RUNNING" and d["status-counts"].get("RUNNING", 0) == 0:
            save("job-waiting-for-slots.json", "/jobs/<jid>", d,
                 f"state RUNNING but no task running (no TaskManager), {time.time() - t_kill:.1f}s after the kill")
            rec("overview-no-taskmanager.json", "/overview", note="after the killed TaskManager was unregistered")
            rec("taskmanagers-no-taskmanager.json", "/taskmanagers")
            got_waiting = True
    time.sleep(0.25)
if not got_restarting:
    log("WARNING: did not catch the job in a non-RUNNING state")

log("starting a new TaskManager ...")
subprocess.run([FLINK_SH, "start-tm"], check=True)
subprocess.run([FLINK_SH, "wait-running", JID], check=True, stdout=subprocess.DEVNULL)
t_run = time.time()
wait_for("a checkpoint after the restart", lambda: get(f"/jobs/{JID}/checkpoints")[1]["counts"]["restored"] >= 1
         and get(f"/jobs/{JID}/checkpoints")[1]["latest"]["completed"]["id"] > get(f"/jobs/{JID}/checkpoints")[1]["latest"]["restored"]["id"])
while time.time() - t_run < 25:
    time.sleep(1)
log(f"recording after restart ({time.time() - t_kill:.0f}s after the kill)")
rec("job-after-restart.json", f"/jobs/{JID}")
rec("job-exceptions-after-restart.json", f"/jobs/{JID}/exceptions")
rec_values("job-metrics-values-after-restart.json", f"/jobs/{JID}/metrics", names_of(get(f"/jobs/{JID}/metrics")[1]))
rec("job-checkpoints-after-restart.json", f"/jobs/{JID}/checkpoints")
rec("jobs-overview-after-restart.json", "/jobs/overview")
tms2 = rec("taskmanagers-after-restart.json", "/taskmanagers")
TMID2 = tms2["taskmanagers"][0]["id"]

# ------------------------------------------------------------------ README
cfg = get("/config")[1]
lines = [
    f"# Flink {VERSION} REST fixtures",
    "",
    f"Recorded {datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')} from a real local standalone cluster "
    f"(`flink-version` {cfg.get('flink-version')}, `flink-revision` {cfg.get('flink-revision')}) started by `scripts/flink.sh` "
    "(JobManager + one TaskManager with 4 slots, all on 127.0.0.1, Java 17), running `fpb-demo-job` "
    "(`scripts/flink-job/src/main/java/fpb/demo/FpbDemoJob.java`: datagen ~300 rec/s -> keyBy -> 5 s tumbling event-time "
    "window -> discarding sink, parallelism 2, checkpoint every 10 s).",
    "",
    f"Re-record: `FLINK_LINE={'1.20' if VERSION.startswith('1.') else '2'} scripts/record-fixtures.sh` (about 2 minutes; replaces the *.json files here).",
    "",
    "Hand-written observations about these responses (quirks, sentinels, differences between versions): `NOTES.md` "
    "(this script does not overwrite it)." if os.path.exists(os.path.join(OUT, "NOTES.md")) else "",
    "",
    "## Ids in these files",
    "",
    f"- job id: `{JID}` (name `fpb-demo-job`)",
    f"- TaskManager id (steady state): `{TMID}`; after the kill/restart: `{TMID2}`",
]
for i, vid, name in VERTICES:
    lines.append(f"- vertex {i}: `{vid}` — `{name}`")
lines += [
    "",
    "## How it was recorded",
    "",
    f"- Steady state: recorded once the job had run >= {MIN_RUNTIME} s with >= 2 completed checkpoints and the MetricFetcher "
    "had filled the metric store (metrics.fetcher.update-interval left at 10 s).",
    "- `*-metrics.json` = names only (request without `get`). `*-metrics-values.json` = the same endpoint with `get=` "
    "listing every name from the names file. Names are URL-encoded one by one and joined with a literal `,`. The list is "
    f"cut into chunks so that each request line stays under {MAX_REQUEST_LINE} bytes (Flink rejects request lines over "
    "4096 bytes, see `error-request-line-too-long.json`), and the arrays the chunks return are joined into one file in the order of the names.",
    "- Aggregated subtask values use `agg=min,max,avg,sum`; each chunk is all-or-nothing on its own.",
    "- Then the TaskManager was killed with SIGKILL (`scripts/flink.sh stop-tm --kill`). The job was recorded while it was "
    "RESTARTING and while it was back in RUNNING but waiting for slots. A new TaskManager was started "
    "(`scripts/flink.sh start-tm`), and once the job was running again, had completed a checkpoint after the restore and 25 s "
    "had passed, the `*-after-restart.json` files were recorded.",
    "- Heartbeat settings of the cluster: `heartbeat.interval` 5 s and `heartbeat.timeout` 20 s. Restart strategy: fixed-delay with a 2 s delay.",
    "",
    "## Files",
    "",
    "| file | endpoint (GET) | note |",
    "|---|---|---|",
]
for name, ep, note in sorted(FILES):
    lines.append(f"| `{name}` | `{ep}` | {note} |")
with open(os.path.join(OUT, "README.md"), "w") as f:
    f.write("\n".join(lines) + "\n")
log(f"wrote {len(FILES)} fixture files + README.md to {OUT} in {time.time() - T0:.0f}s")
PY

if [[ "$KEEP" == 0 ]]; then
  "$FLINK_SH" stop
else
  log "cluster left running (--keep-running); stop it with scripts/flink.sh stop"
fi
log "done: $OUT"
