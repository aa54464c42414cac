#!/usr/bin/env bash
# scripts/flink.sh — a real local Apache Flink standalone session cluster for tests and fixture recording.
#
# Where Flink comes from: the PyPI package `apache-flink-libraries` (the dist's lib/, opt/, plugins/ and
# bin/bash-java-utils.jar; no shell scripts, no conf/). We download it with pip, extract it ourselves and start the
# JobManager and ONE TaskManager with plain `java` (no bin/*.sh, no Maven, no network beyond PyPI).
#   1.20.x ships only as an sdist: apache_flink_libraries-<v>/deps/{lib,opt,plugins,bin}/
#   2.x    ships as a wheel:       pyflink/{lib,opt,plugins,bin}/
# Both are extracted to $FLINK_WORK/<version>/{lib,opt,plugins,bin}/.
#
# The demo job (scripts/flink-job/src/main/java/fpb/demo/FpbDemoJob.java) is ONE Java file that compiles unchanged
# against 1.20 and 2.x: DataGeneratorSource (flink-connector-datagen is inside flink-dist on both lines) with a
# RateLimiterStrategy, event-time watermarks, keyBy + 5 s tumbling event-time window, sink2 DiscardingSink with
# chaining disabled. (SourceFunction/RichParallelSourceFunction moved to `...source.legacy` in 2.x, so they are
# deliberately not used.) It is compiled with `javac --release 11` against lib/*.jar, packed with `jar`, uploaded via
# REST POST /jars/upload and started via POST /jars/<id>/run.
#
# Usage: scripts/flink.sh <command> [args]
#   install                 download (pip) + extract the distribution (idempotent)
#   start                   install if needed, write config, start JM + one TM, wait until /overview shows >= 1 TM
#   stop                    stop every JM/TM this script started (all versions under $FLINK_WORK): TERM, wait, KILL
#   status                  show processes, cluster overview and jobs
#   submit-job [--new] [-- <job args>]
#                           compile/upload/run the demo job; prints the job id on stdout. Without --new an already
#                           running (non-terminal) job named $FLINK_JOB_NAME is reused. Job args: --rate N --keys N
#                           --window-ms N --checkpoint-ms N --parallelism N --name S
#   wait-running [<jobid>]  wait until the job is RUNNING with all tasks RUNNING; prints the job id on stdout
#   start-jm | start-tm     start only the JobManager / a TaskManager (start-tm waits for a NEW TM to register)
#   stop-jm | stop-tm [--kill]
#                           stop only the JobManager / TaskManager (--kill: SIGKILL at once, like a crash)
#   version | url | logs    print the exact Flink version / REST base URL / log directory
#
# Environment:
#   FLINK_LINE         1.20 | 2 (default 2)  — mapped to an exact version in flink_version_for_line() below
#   FLINK_WORK         cache dir (default <repo>/.cache/flink); downloads in $FLINK_WORK/dl
#   FLINK_REST_PORT    REST port (default 8081)
#   FLINK_RPC_PORT     JobManager RPC port (default 16123)
#   FLINK_BLOB_PORT    blob server port (default 16124)
#   FLINK_TM_RPC_PORTS TaskManager RPC port range (default 16130-16139)
#   FLINK_JM_QUERY_PORT / FLINK_TM_QUERY_PORTS   metric query service port (range) of JM / TM (16140 / 16141-16149)
#   FLINK_EXTRA_CONF   extra "key: value" lines appended to config.yaml (keys not written above)
#   FLINK_RESTART_DELAY fixed-delay restart delay (default "2 s"; e2e tests lengthen it to observe RESTARTING)
#   FLINK_START_TIMEOUT / FLINK_WAIT_TIMEOUT   seconds (default 120 / 120)
#   FLINK_JOB_NAME     default fpb-demo-job
#   FLINK_JAVA_HOME    JDK to use (default: $JAVA_HOME, else `java` on PATH)
# All servers bind 127.0.0.1. Log lines go to stderr prefixed "[flink.sh]"; stdout carries only results (job id,
# version, url) so that `JID=$(scripts/flink.sh submit-job)` works.
set -euo pipefail

# ---------------------------------------------------------------------------------------------------------------
# The ONE place where a Flink line maps to an exact PyPI version of apache-flink-libraries.
flink_version_for_line() {
  case "$1" in
    1.20) echo "1.20.5" ;;
    2 | 2.x) echo "2.3.0" ;;
    *) echo "[flink.sh] ERROR: unknown FLINK_LINE '$1' (use 1.20 or 2)" >&2; return 1 ;;
  esac
}
# ---------------------------------------------------------------------------------------------------------------

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"

FLINK_LINE="${FLINK_LINE:-2}"
FLINK_VERSION="$(flink_version_for_line "$FLINK_LINE")"
FLINK_WORK="${FLINK_WORK:-$REPO_ROOT/.cache/flink}"
FLINK_REST_PORT="${FLINK_REST_PORT:-8081}"
FLINK_RPC_PORT="${FLINK_RPC_PORT:-16123}"
FLINK_BLOB_PORT="${FLINK_BLOB_PORT:-16124}"
FLINK_TM_RPC_PORTS="${FLINK_TM_RPC_PORTS:-16130-16139}"
FLINK_JM_QUERY_PORT="${FLINK_JM_QUERY_PORT:-16140}"
FLINK_TM_QUERY_PORTS="${FLINK_TM_QUERY_PORTS:-16141-16149}"
FLINK_START_TIMEOUT="${FLINK_START_TIMEOUT:-120}"
FLINK_WAIT_TIMEOUT="${FLINK_WAIT_TIMEOUT:-120}"
FLINK_JOB_NAME="${FLINK_JOB_NAME:-fpb-demo-job}"
FLINK_EXTRA_CONF="${FLINK_EXTRA_CONF:-}"

BIND=127.0.0.1
FLINK_HOME_DIR="$FLINK_WORK/$FLINK_VERSION"
RUN_DIR="$FLINK_HOME_DIR/run"
CONF_DIR="$RUN_DIR/conf"
LOG_DIR="$RUN_DIR/log"
JOB_DIR="$FLINK_HOME_DIR/job"
JOB_SRC_DIR="$SCRIPT_DIR/flink-job/src/main/java"
JOB_ENTRY_CLASS="fpb.demo.FpbDemoJob"
REST_URL="http://$BIND:$FLINK_REST_PORT"

JM_CLASS="org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint"
TM_CLASS="org.apache.flink.runtime.taskexecutor.TaskManagerRunner"

# Java 17 module flags: verbatim `env.java.opts.all` of the config.yaml that Flink's dist ships
# (flink-dist/src/main/resources/config.yaml); the PyPI libraries package carries no conf/, so it is hard-coded.
JAVA17_OPTS="--add-exports=java.base/sun.net.util=ALL-UNNAMED --add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED --add-exports=jdk.compiler/com.sun.tools.javac.api=ALL-UNNAMED --add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED --add-exports=jdk.compiler/com.sun.tools.javac.parser=ALL-UNNAMED --add-exports=jdk.compiler/com.sun.tools.javac.tree=ALL-UNNAMED --add-exports=jdk.compiler/com.sun.tools.javac.util=ALL-UNNAMED --add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.text=ALL-UNNAMED --add-opens=java.base/java.time=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED"

log() { echo "[flink.sh] $*" >&2; }
die() { echo "[flink.sh] ERROR: $*" >&2; exit 1; }

# ----------------------------------------------------------------------------------------------- tools
JAVA_BIN=""
JAVAC_BIN=""
JAR_BIN=""

apt_install() {
  # Installs Debian packages when we are root and apt-get exists; otherwise explains what is missing.
  if [[ "$(id -u)" == "0" ]] && command -v apt-get >/dev/null 2>&1; then
    log "installing Debian packages: $*"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2
  else
    die "missing tools; please install: $*"
  fi
}

java_major() { # $1 = java binary
  "$1" -version 2>&1 | awk -F'"' '/version/ {print $2; exit}' | awk -F. '{ if ($1 == "1") print $2; else print $1 }'
}

resolve_java() {
  [[ -n "$JAVA_BIN" ]] && return 0
  local home="${FLINK_JAVA_HOME:-${JAVA_HOME:-}}"
  if [[ -n "$home" && -x "$home/bin/java" ]]; then
    JAVA_BIN="$home/bin/java"
  elif command -v java >/dev/null 2>&1; then
    JAVA_BIN="$(readlink -f "$(command -v java)")"
  else
    apt_install openjdk-17-jdk-headless
    JAVA_BIN="$(readlink -f "$(command -v java)")"
  fi
  local major
  major="$(java_major "$JAVA_BIN")"
  if [[ "$major" -lt 11 || "$major" -gt 21 ]]; then
    # Flink 1.20 supports Java 11/17, 2.x 11/17/21: prefer an installed 17 if the default is out of range.
    local alt
    for alt in /usr/lib/jvm/java-17-openjdk-*/bin/java /usr/lib/jvm/*17*/bin/java /usr/lib/jvm/*21*/bin/java; do
      if [[ -x "$alt" ]]; then log "java $major is not supported by Flink; using $alt"; JAVA_BIN="$alt"; break; fi
    done
  fi
}

resolve_jdk_tools() {
  resolve_java
  local bindir
  bindir="$(dirname "$JAVA_BIN")"
  if [[ ! -x "$bindir/javac" || ! -x "$bindir/jar" ]]; then
    if command -v javac >/dev/null 2>&1 && command -v jar >/dev/null 2>&1; then
      bindir="$(dirname "$(readlink -f "$(command -v javac)")")"
    else
      apt_install openjdk-17-jdk-headless
      bindir="$(dirname "$(readlink -f "$(command -v javac)")")"
    fi
  fi
  JAVAC_BIN="$bindir/javac"
  JAR_BIN="$bindir/jar"
}

need_curl() { command -v curl >/dev/null 2>&1 || apt_install curl ca-certificates; }
need_python() { command -v python3 >/dev/null 2>&1 || die "python3 is required"; }

# curl against the local REST API only (never through a proxy).
rest() { # rest <path> [curl args...]
  local path="$1"; shift
  curl --noproxy '*' -sS --fail-with-body --max-time 30 "$@" "$REST_URL$path"
}
rest_quiet() { curl --noproxy '*' -s --fail --max-time 5 "$REST_URL$1" 2>/dev/null; }

# JSON helper: py_json '<python expression over `d`>' < json
py_json() { python3 -c 'import json,sys; d=json.load(sys.stdin); r=eval(sys.argv[1]); print(r if r is not None else "")' "$@"; }

# ----------------------------------------------------------------------------------------------- install
is_installed() { [[ -f "$FLINK_HOME_DIR/.installed" && -f "$(ls "$FLINK_HOME_DIR"/lib/flink-dist*.jar 2>/dev/null | head -1)" ]]; }

cmd_install() {
  need_python
  if is_installed; then
    log "Flink $FLINK_VERSION already installed in $FLINK_HOME_DIR"
    return 0
  fi
  local dl="$FLINK_WORK/dl" t0=$SECONDS archive=""
  mkdir -p "$dl"
  archive="$(ls "$dl"/apache_flink_libraries-"$FLINK_VERSION".tar.gz "$dl"/apache_flink_libraries-"$FLINK_VERSION"-*.whl 2>/dev/null | head -1 || true)"
  if [[ -z "$archive" ]]; then
    log "downloading apache-flink-libraries==$FLINK_VERSION with pip into $dl (200-330 MB) ..."
    python3 -m pip download --no-deps --disable-pip-version-check "apache-flink-libraries==$FLINK_VERSION" -d "$dl" >&2
    archive="$(ls "$dl"/apache_flink_libraries-"$FLINK_VERSION".tar.gz "$dl"/apache_flink_libraries-"$FLINK_VERSION"-*.whl 2>/dev/null | head -1 || true)"
    [[ -n "$archive" ]] || die "pip download finished but no archive for $FLINK_VERSION in $dl"
  else
    log "reusing download $archive"
  fi
  log "extracting $(basename "$archive") to $FLINK_HOME_DIR ..."
  mkdir -p "$FLINK_HOME_DIR"
  local staging="$FLINK_HOME_DIR/.staging"
  rm -rf "$staging"
  # The archive layouts differ (sdist: <name>-<v>/deps/lib/..., wheel: pyflink/lib/...): locate the directory that
  # holds lib/flink-dist-*.jar and extract its lib/, opt/, plugins/, bin/ subtrees.
  python3 - "$archive" "$staging" <<'PY'
import os, re, shutil, sys, tarfile, zipfile
archive, dest = sys.argv[1], sys.argv[2]
if archive.endswith(".whl") or archive.endswith(".zip"):
    zf = zipfile.ZipFile(archive)
    names = zf.namelist()
    def open_member(n): return zf.open(n)
    def is_file(n): return not n.endswith("/")
else:
    tf = tarfile.open(archive, "r:*")
    members = {m.name: m for m in tf.getmembers()}
    names = list(members)
    def open_member(n): return tf.extractfile(members[n])
    def is_file(n): return members[n].isfile()
root = None
for n in names:
    m = re.match(r"^(.*?)lib/flink-dist[^/]*\.jar$", n)
    if m:
        root = m.group(1)
        break
if root is None:
    sys.exit("no lib/flink-dist-*.jar inside " + archive)
count = 0
for n in names:
    if not n.startswith(root) or not is_file(n):
        continue
    rel = n[len(root):]
    if rel.split("/")[0] not in ("lib", "opt", "plugins", "bin"):
        continue
    target = os.path.join(dest, rel)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open_member(n) as src, open(target, "wb") as out:
        shutil.copyfileobj(src, out, 1 << 20)
    if rel.endswith(".sh"):
        os.chmod(target, 0o755)
    count += 1
print(f"[flink.sh] extracted {count} files from prefix '{root}'", file=sys.stderr)
PY
  local d
  for d in lib opt plugins bin; do
    rm -rf "${FLINK_HOME_DIR:?}/$d"
    if [[ -d "$staging/$d" ]]; then mv "$staging/$d" "$FLINK_HOME_DIR/$d"; fi
  done
  rm -rf "$staging"
  [[ -f "$FLINK_HOME_DIR/bin/bash-java-utils.jar" ]] || die "bin/bash-java-utils.jar missing after extraction"
  echo "$FLINK_VERSION $(basename "$archive")" >"$FLINK_HOME_DIR/.installed"
  log "installed Flink $FLINK_VERSION in $((SECONDS - t0)) s: $(ls "$FLINK_HOME_DIR/lib" | tr '\n' ' ')"
}

# ----------------------------------------------------------------------------------------------- config
flink_classpath() {
  # lib/*.jar sorted, flink-dist last (as bin/config.sh constructFlinkClassPath does).
  local cp="" dist="" j
  for j in $(ls "$FLINK_HOME_DIR"/lib/*.jar | LC_ALL=C sort); do
    case "$(basename "$j")" in
      flink-dist*) dist="$j" ;;
      *) cp="$cp$j:" ;;
    esac
  done
  [[ -n "$dist" ]] || die "no flink-dist jar in $FLINK_HOME_DIR/lib"
  echo "$cp$dist"
}

write_conf() {
  mkdir -p "$CONF_DIR" "$LOG_DIR" "$RUN_DIR/tmp" "$RUN_DIR/web" "$RUN_DIR/checkpoints"
  cat >"$CONF_DIR/config.yaml" <<EOF
# Written by scripts/flink.sh for Flink $FLINK_VERSION. Standard YAML with flat keys: read as config.yaml by 2.x
# and by 1.19/1.20 (which use config.yaml when no flink-conf.yaml exists).
jobmanager.rpc.address: $BIND
jobmanager.rpc.port: $FLINK_RPC_PORT
jobmanager.bind-host: $BIND
jobmanager.memory.process.size: 1024m
jobmanager.execution.failover-strategy: region
taskmanager.host: $BIND
taskmanager.bind-host: $BIND
taskmanager.rpc.port: "$FLINK_TM_RPC_PORTS"
taskmanager.numberOfTaskSlots: 4
taskmanager.memory.process.size: 1200m
taskmanager.memory.managed.size: 128m
parallelism.default: 2
rest.address: $BIND
rest.bind-address: $BIND
rest.port: $FLINK_REST_PORT
blob.server.port: "$FLINK_BLOB_PORT"
# metrics.internal.query-service.port is passed per process (-D): JM $FLINK_JM_QUERY_PORT, TM $FLINK_TM_QUERY_PORTS.
io.tmp.dirs: $RUN_DIR/tmp
web.tmpdir: $RUN_DIR/web
# Checkpoints go to the local file system (1.20 key and its 2.x successor; the unknown one is ignored).
state.checkpoints.dir: file://$RUN_DIR/checkpoints
execution.checkpointing.dir: file://$RUN_DIR/checkpoints
# Faster detection of a killed TaskManager than the 10 s / 50 s defaults, and a predictable restart delay.
heartbeat.interval: 5000
heartbeat.timeout: 20000
restart-strategy.type: fixed-delay
restart-strategy.fixed-delay.attempts: 2147483647
restart-strategy.fixed-delay.delay: ${FLINK_RESTART_DELAY:-2 s}
# For reference only: scripts/flink.sh passes these JVM flags itself.
env.java.opts.all: "$JAVA17_OPTS"
EOF
  if [[ -n "$FLINK_EXTRA_CONF" ]]; then
    printf '# FLINK_EXTRA_CONF\n%s\n' "$FLINK_EXTRA_CONF" >>"$CONF_DIR/config.yaml"
  fi
  cat >"$CONF_DIR/log4j-console.properties" <<'EOF'
# Written by scripts/flink.sh: everything to ${sys:log.file} (stdout/stderr of the JVM go to <role>.out).
monitorInterval = 0
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = FileAppender
logger.pekko.name = org.apache.pekko
logger.pekko.level = INFO
logger.kafka.name = org.apache.kafka
logger.kafka.level = INFO
logger.hadoop.name = org.apache.hadoop
logger.hadoop.level = WARN
logger.zookeeper.name = org.apache.zookeeper
logger.zookeeper.level = WARN
logger.netty.name = org.jboss.netty.channel.DefaultChannelPipeline
logger.netty.level = OFF
appender.file.name = FileAppender
appender.file.type = RollingFile
appender.file.append = true
appender.file.fileName = ${sys:log.file}
appender.file.filePattern = ${sys:log.file}.%i
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n
appender.file.policies.type = Policies
appender.file.policies.size.type = SizeBasedTriggeringPolicy
appender.file.policies.size.size = 20MB
appender.file.strategy.type = DefaultRolloverStrategy
appender.file.strategy.max = 2
EOF
}

# BashJavaUtils prints two result lines: (1) JVM memory flags, (2) "-D key=value" dynamic configs.
bash_java_utils() { # $1 = GET_TM_RESOURCE_PARAMS | GET_JM_RESOURCE_PARAMS ; prints the two lines
  local out
  out="$("$JAVA_BIN" -cp "$(flink_classpath):$FLINK_HOME_DIR/bin/bash-java-utils.jar" \
    org.apache.flink.runtime.util.bash.BashJavaUtils "$1" --configDir "$CONF_DIR" 2>&1)" ||
    { echo "$out" | tail -20 >&2; die "BashJavaUtils $1 failed"; }
  out="$(echo "$out" | grep '^BASH_JAVA_UTILS_EXEC_RESULT:' | sed 's/^BASH_JAVA_UTILS_EXEC_RESULT://')"
  [[ "$(echo "$out" | wc -l)" -ge 2 ]] || die "unexpected BashJavaUtils $1 output: $out"
  echo "$out"
}

# ----------------------------------------------------------------------------------------------- processes
pid_file() { echo "$RUN_DIR/$1.pid"; } # jobmanager | taskmanager

# A PID is ours only if its command line carries our marker for this run dir and role.
pid_is_ours() { # $1 pid, $2 role, [$3 run dir]
  local pid="$1" role="$2" run="${3:-$RUN_DIR}"
  [[ -n "$pid" && -r "/proc/$pid/cmdline" ]] || return 1
  tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | grep -qxF -- "-Dfpb.flink.marker=$role@$run"
}

role_pid() { # prints the live pid of the role (this version) or nothing
  local f
  f="$(pid_file "$1")"
  [[ -f "$f" ]] || return 0
  local pid
  pid="$(cat "$f")"
  if pid_is_ours "$pid" "$1"; then echo "$pid"; fi
}

# All live processes carrying our marker for a role under any run dir of $FLINK_WORK (finds orphans too).
marked_pids() { # $1 role, [$2 run dir filter]
  local p
  for p in /proc/[0-9]*; do
    [[ -r "$p/cmdline" ]] || continue
    if tr '\0' '\n' <"$p/cmdline" 2>/dev/null | grep -qF -- "-Dfpb.flink.marker=$1@${2:-$FLINK_WORK/}"; then
      basename "$p"
    fi
  done
}

port_open() { (exec 3<>"/dev/tcp/$BIND/$1") 2>/dev/null; }

launch() { # $1 role, $2 main class, then JVM args..., "--", program args...
  local role="$1" cls="$2"; shift 2
  local jvm=() prog=()
  while [[ $# -gt 0 && "$1" != "--" ]]; do jvm+=("$1"); shift; done
  [[ $# -gt 0 ]] && shift
  prog=("$@")
  local out="$LOG_DIR/$role.out"
  # shellcheck disable=SC2206
  local opens=($JAVA17_OPTS)
  {
    echo "===== $(date -u +%FT%TZ) starting $role ($FLINK_VERSION) ====="
  } >>"$out"
  local setsid_cmd=()
  command -v setsid >/dev/null 2>&1 && setsid_cmd=(setsid)
  (
    cd "$RUN_DIR"
    export FLINK_CONF_DIR="$CONF_DIR" FLINK_PLUGINS_DIR="$FLINK_HOME_DIR/plugins" FLINK_OPT_DIR="$FLINK_HOME_DIR/opt" \
      FLINK_BIN_DIR="$FLINK_HOME_DIR/bin" FLINK_LOG_DIR="$LOG_DIR"
    exec "${setsid_cmd[@]}" "$JAVA_BIN" "-Dfpb.flink.marker=$role@$RUN_DIR" -XX:+IgnoreUnrecognizedVMOptions \
      "${opens[@]}" "${jvm[@]}" \
      "-Dlog.file=$LOG_DIR/$role.log" \
      "-Dlog4j.configuration=file:$CONF_DIR/log4j-console.properties" \
      "-Dlog4j.configurationFile=file:$CONF_DIR/log4j-console.properties" \
      -classpath "$(flink_classpath)" "$cls" --configDir "$CONF_DIR" "${prog[@]}"
  ) </dev/null >>"$out" 2>&1 &
  local pid=$!
  sleep 0.5
  if ! pid_is_ours "$pid" "$role"; then
    # setsid forks when it happens to be a process-group leader: find the JVM by its marker instead.
    pid="$(marked_pids "$role" "$RUN_DIR" | tail -1)"
  fi
  echo "$pid" >"$(pid_file "$role")"
  if ! pid_is_ours "$pid" "$role"; then
    tail -n 30 "$out" >&2 || true
    die "$role exited right after start (see $out)"
  fi
  log "$role started, pid $pid, log $LOG_DIR/$role.log"
}

fail_with_logs() { # $1 message
  local f
  for f in "$LOG_DIR/jobmanager.log" "$LOG_DIR/taskmanager.log" "$LOG_DIR/jobmanager.out" "$LOG_DIR/taskmanager.out"; do
    if [[ -s "$f" ]]; then
      echo "[flink.sh] ---- last lines of $f ----" >&2
      grep -E 'ERROR|Exception|WARN|Caused by' "$f" | tail -n 15 >&2 || true
      tail -n 10 "$f" >&2 || true
    fi
  done
  die "$1"
}

tm_ids() { rest_quiet /taskmanagers | py_json '" ".join(t["id"] for t in d.get("taskmanagers", []))' 2>/dev/null || true; }

cmd_start_jm() {
  is_installed || cmd_install
  resolve_java
  need_curl
  need_python
  local pid
  pid="$(role_pid jobmanager)"
  if [[ -n "$pid" ]]; then
    log "jobmanager already running (pid $pid)"
  else
    if port_open "$FLINK_REST_PORT"; then
      die "port $BIND:$FLINK_REST_PORT is already in use by another process (set FLINK_REST_PORT)"
    fi
    write_conf
    local params jvm_params dyn
    params="$(bash_java_utils GET_JM_RESOURCE_PARAMS)"
    jvm_params="$(echo "$params" | sed -n 1p)"
    dyn="$(echo "$params" | sed -n 2p)"
    # shellcheck disable=SC2086
    launch jobmanager "$JM_CLASS" $jvm_params -- $dyn -D "metrics.internal.query-service.port=$FLINK_JM_QUERY_PORT"
  fi
  local t0=$SECONDS
  until rest_quiet /overview >/dev/null; do
    [[ -n "$(role_pid jobmanager)" ]] || fail_with_logs "jobmanager process died during startup"
    ((SECONDS - t0 < FLINK_START_TIMEOUT)) || fail_with_logs "REST $REST_URL/overview did not answer within ${FLINK_START_TIMEOUT}s"
    sleep 1
  done
  log "jobmanager REST is up at $REST_URL ($((SECONDS - t0)) s)"
  if [[ -n "$(role_pid taskmanager)" ]]; then
    # Our TaskManager survived a JobManager restart: wait until it has re-registered.
    local n=0
    until [[ "$n" -ge 1 ]]; do
      n="$(rest_quiet /overview | py_json 'd["taskmanagers"]' 2>/dev/null || echo 0)"
      [[ "$n" =~ ^[0-9]+$ ]] || n=0
      ((SECONDS - t0 < FLINK_START_TIMEOUT)) || fail_with_logs "running TaskManager did not re-register within ${FLINK_START_TIMEOUT}s"
      [[ "$n" -ge 1 ]] || sleep 1
    done
    log "taskmanager registered with the jobmanager ($((SECONDS - t0)) s)"
  fi
}

# shift_range "A-B" K: the range starting K ports after A (wrapping to A when past B), e.g. "16130-16139" 2 -> "16132-16139".
shift_range() {
  local lo="${1%-*}" hi="${1#*-}" k="$2"
  [[ "$1" == *-* ]] || { echo "$1"; return; }
  local start=$((lo + k % (hi - lo + 1)))
  # Flink refuses a range whose ends are equal ("Invalid port range definition: 16149-16149"): the one port alone.
  if ((start == hi)); then echo "$hi"; else echo "$start-$hi"; fi
}

cmd_start_tm() {
  is_installed || cmd_install
  resolve_java
  need_curl
  need_python
  local pid
  pid="$(role_pid taskmanager)"
  if [[ -n "$pid" ]]; then
    log "taskmanager already running (pid $pid)"
    return 0
  fi
  [[ -f "$CONF_DIR/config.yaml" ]] || write_conf
  local before params jvm_params dyn
  before="$(tm_ids)"
  params="$(bash_java_utils GET_TM_RESOURCE_PARAMS)"
  jvm_params="$(echo "$params" | sed -n 1p)"
  dyn="$(echo "$params" | sed -n 2p)"
  # Each TaskManager of a run starts one port further into its ranges: a replacement started right after a crash
  # would otherwise bind the dead one's ports, and the JobManager's Pekko keeps that address quarantined until it
  # declares the old TaskManager lost (the replacement then cannot register: "read-only association").
  local launches rpc_ports query_ports
  launches="$(cat "$RUN_DIR/tm-launches" 2>/dev/null || echo 0)"
  echo $((launches + 1)) >"$RUN_DIR/tm-launches"
  rpc_ports="$(shift_range "$FLINK_TM_RPC_PORTS" "$launches")"
  query_ports="$(shift_range "$FLINK_TM_QUERY_PORTS" "$launches")"
  # shellcheck disable=SC2086
  launch taskmanager "$TM_CLASS" -XX:+UseG1GC $jvm_params -- $dyn -D "taskmanager.rpc.port=$rpc_ports" -D "metrics.internal.query-service.port=$query_ports"
  if ! rest_quiet /overview >/dev/null; then
    log "jobmanager REST not reachable: not waiting for the TaskManager to register"
    return 0
  fi
  local t0=$SECONDS now id new=""
  while [[ -z "$new" ]]; do
    [[ -n "$(role_pid taskmanager)" ]] || fail_with_logs "taskmanager process died during startup"
    ((SECONDS - t0 < FLINK_START_TIMEOUT)) || fail_with_logs "no new TaskManager registered within ${FLINK_START_TIMEOUT}s"
    sleep 1
    now="$(tm_ids)"
    for id in $now; do
      [[ " $before " == *" $id "* ]] || new="$id"
    done
  done
  log "taskmanager $new registered ($((SECONDS - t0)) s)"
}

stop_pid() { # $1 pid, $2 role, $3 kill-now(0/1), [$4 run dir]
  local pid="$1" role="$2" now="$3" run="${4:-$RUN_DIR}" i
  if [[ "$now" == 1 ]]; then
    log "killing $role pid $pid (SIGKILL)"
    kill -9 "$pid" 2>/dev/null || true
  else
    log "stopping $role pid $pid (SIGTERM)"
    kill "$pid" 2>/dev/null || true
    for ((i = 0; i < 300; i++)); do
      pid_is_ours "$pid" "$role" "$run" || break
      sleep 0.1
    done
    if pid_is_ours "$pid" "$role" "$run"; then
      log "$role pid $pid still alive after 30 s, sending SIGKILL"
      kill -9 "$pid" 2>/dev/null || true
    fi
  fi
  for ((i = 0; i < 100; i++)); do
    pid_is_ours "$pid" "$role" "$run" || return 0
    sleep 0.1
  done
  log "WARNING: $role pid $pid is still alive"
}

stop_role() { # $1 role, $2 kill-now, scope: this version's run dir
  local role="$1" now="$2" pid found=0
  for pid in $(
    role_pid "$role"
    marked_pids "$role" "$RUN_DIR"
  ); do
    [[ -n "$pid" ]] || continue
    pid_is_ours "$pid" "$role" || continue
    found=1
    stop_pid "$pid" "$role" "$now"
  done
  rm -f "$(pid_file "$role")"
  [[ "$found" == 1 ]] || log "$role ($FLINK_VERSION) not running"
}

cmd_stop() {
  # Everything this script started under $FLINK_WORK (any version), found by pid files and by the marker that
  # every JVM we start carries on its command line. TaskManagers first.
  local role pid run found=0 f
  for role in taskmanager jobmanager; do
    for pid in $(marked_pids "$role" | sort -u); do
      run="$(tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | sed -n "s/^-Dfpb.flink.marker=$role@//p" | head -1)"
      [[ -n "$run" ]] || continue
      found=1
      stop_pid "$pid" "$role" 0 "$run"
    done
  done
  for f in "$FLINK_WORK"/*/run/*.pid; do
    [[ -e "$f" ]] && rm -f "$f"
  done
  if [[ "$found" == 1 ]]; then log "stopped"; else log "nothing running"; fi
}

cmd_start() {
  local t0=$SECONDS
  cmd_install
  cmd_start_jm
  if [[ -z "$(role_pid taskmanager)" ]]; then
    cmd_start_tm
  else
    log "taskmanager already running (pid $(role_pid taskmanager))"
  fi
  local n=0
  until [[ "$n" -ge 1 ]]; do
    n="$(rest_quiet /overview | py_json 'd["taskmanagers"]' 2>/dev/null || echo 0)"
    [[ "$n" =~ ^[0-9]+$ ]] || n=0
    ((SECONDS - t0 < FLINK_START_TIMEOUT)) || fail_with_logs "no TaskManager registered within ${FLINK_START_TIMEOUT}s"
    [[ "$n" -ge 1 ]] || sleep 1
  done
  log "Flink $FLINK_VERSION is up at $REST_URL with $n TaskManager(s) ($((SECONDS - t0)) s)"
}

# ----------------------------------------------------------------------------------------------- job
build_job_jar() {
  resolve_jdk_tools
  local jar="$JOB_DIR/fpb-demo-job.jar" src
  mkdir -p "$JOB_DIR"
  local newest_src
  newest_src="$(find "$JOB_SRC_DIR" -name '*.java' -newer "$jar" 2>/dev/null | head -1 || true)"
  if [[ -f "$jar" && -z "$newest_src" ]]; then
    log "job jar up to date: $jar"
    return 0
  fi
  log "compiling demo job with $JAVAC_BIN --release 11 against Flink $FLINK_VERSION lib/*.jar"
  rm -rf "$JOB_DIR/classes"
  mkdir -p "$JOB_DIR/classes"
  mapfile -t src < <(find "$JOB_SRC_DIR" -name '*.java' | sort)
  "$JAVAC_BIN" --release 11 -nowarn -encoding UTF-8 -cp "$(flink_classpath)" -d "$JOB_DIR/classes" "${src[@]}" >&2
  printf 'Main-Class: %s\n' "$JOB_ENTRY_CLASS" >"$JOB_DIR/manifest.txt"
  "$JAR_BIN" cfm "$jar.tmp" "$JOB_DIR/manifest.txt" -C "$JOB_DIR/classes" . >&2
  mv "$jar.tmp" "$jar"
  log "built $jar"
}

active_job_id() { # newest non-terminal job named $FLINK_JOB_NAME
  rest_quiet /jobs/overview | py_json '(sorted([j for j in d["jobs"] if j["name"] == sys.argv[2] and j["state"] not in ("FAILED","CANCELED","FINISHED")], key=lambda j: j["start-time"]) or [{"jid": None}])[-1]["jid"]' "$FLINK_JOB_NAME" 2>/dev/null || true
}

cmd_submit_job() {
  local force=0 args=()
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --new) force=1; shift ;;
      --) shift; args=("$@"); break ;;
      *) die "submit-job: unknown argument $1" ;;
    esac
  done
  need_curl
  need_python
  rest_quiet /overview >/dev/null || die "Flink REST $REST_URL is not reachable (run: scripts/flink.sh start)"
  local existing
  existing="$(active_job_id)"
  if [[ "$force" == 0 && -n "$existing" ]]; then
    log "job '$FLINK_JOB_NAME' already active: $existing (use --new for another one)"
    echo "$existing"
    return 0
  fi
  local t0=$SECONDS
  build_job_jar
  log "uploading job jar to $REST_URL/jars/upload"
  local resp jar_id
  resp="$(rest /jars/upload -X POST -H 'Expect:' -F "jarfile=@$JOB_DIR/fpb-demo-job.jar;type=application/x-java-archive")" ||
    die "jar upload failed: $resp"
  jar_id="$(echo "$resp" | py_json 'd["filename"].rsplit("/", 1)[-1]')"
  [[ -n "$jar_id" ]] || die "jar upload: unexpected answer $resp"
  local body
  body="$(python3 -c 'import json,sys; print(json.dumps({"entryClass": sys.argv[1], "programArgsList": ["--name", sys.argv[2]] + sys.argv[3:]}))' \
    "$JOB_ENTRY_CLASS" "$FLINK_JOB_NAME" "${args[@]}")"
  log "running $jar_id ($JOB_ENTRY_CLASS $body)"
  resp="$(rest "/jars/$jar_id/run" -X POST -H 'Content-Type: application/json' -d "$body")" ||
    die "job run failed: $resp"
  local jid
  jid="$(echo "$resp" | py_json 'd["jobid"]')"
  [[ -n "$jid" ]] || die "job run: unexpected answer $resp"
  log "submitted '$FLINK_JOB_NAME' as job $jid ($((SECONDS - t0)) s)"
  echo "$jid"
}

cmd_wait_running() {
  need_curl
  need_python
  local jid="${1:-}" t0=$SECONDS
  if [[ -z "$jid" ]]; then
    jid="$(active_job_id)"
    [[ -n "$jid" ]] || die "no active job named '$FLINK_JOB_NAME' found"
  fi
  local st=""
  while :; do
    st="$(rest_quiet "/jobs/$jid" | py_json '"%s %d/%d" % (d["state"], sum(v["tasks"].get("RUNNING", 0) for v in d["vertices"]), sum(v["parallelism"] for v in d["vertices"]))' 2>/dev/null || echo "unknown")"
    case "$st" in
      RUNNING\ *)
        local a="${st#RUNNING }"
        [[ "${a%/*}" == "${a#*/}" && "${a%/*}" != 0 ]] && break ;;
      FAILED* | CANCELED* | FINISHED*) die "job $jid is $st" ;;
    esac
    ((SECONDS - t0 < FLINK_WAIT_TIMEOUT)) || die "job $jid not fully running within ${FLINK_WAIT_TIMEOUT}s (last: $st)"
    sleep 1
  done
  log "job $jid is RUNNING, tasks running ${st#RUNNING } ($((SECONDS - t0)) s)"
  echo "$jid"
}

cmd_status() {
  local role pid v
  log "line $FLINK_LINE -> Flink $FLINK_VERSION, home $FLINK_HOME_DIR, REST $REST_URL"
  is_installed && log "installed: yes" || log "installed: no"
  for v in "$FLINK_WORK"/*/run; do
    [[ -d "$v" ]] || continue
    for role in jobmanager taskmanager; do
      for pid in $(marked_pids "$role" "$v"); do
        log "$(basename "$(dirname "$v")") $role pid $pid running (rss $(awk '/VmRSS/ {print $2 " " $3}' "/proc/$pid/status" 2>/dev/null))"
      done
    done
  done
  if rest_quiet /overview >/dev/null; then
    log "overview: $(rest_quiet /overview)"
    rest_quiet /jobs/overview | py_json '"\n".join("[flink.sh] job %s %s %s" % (j["jid"], j["state"], j["name"]) for j in d["jobs"]) or "[flink.sh] no jobs"' >&2 || true
  else
    log "REST $REST_URL not reachable"
  fi
}

main() {
  local cmd="${1:-}"
  [[ $# -gt 0 ]] && shift
  case "$cmd" in
    install) cmd_install ;;
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    submit-job) cmd_submit_job "$@" ;;
    wait-running) cmd_wait_running "$@" ;;
    start-jm) cmd_start_jm ;;
    start-tm) cmd_start_tm ;;
    stop-jm) stop_role jobmanager "$([[ "${1:-}" == --kill ]] && echo 1 || echo 0)" ;;
    stop-tm) stop_role taskmanager "$([[ "${1:-}" == --kill ]] && echo 1 || echo 0)" ;;
    version) echo "$FLINK_VERSION" ;;
    url) echo "$REST_URL" ;;
    logs) echo "$LOG_DIR" ;;
    -h | --help | help | "") sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' ;;
    *) die "unknown command '$cmd' (see scripts/flink.sh --help)" ;;
  esac
}

main "$@"
