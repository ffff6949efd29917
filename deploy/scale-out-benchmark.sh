#!/usr/bin/env bash
# Tracking through nginx with one instance, then with three, alternating, on this machine: prints each run, each
# pair's ratio and the ratio of the clicks summed over all pairs, against the scale-out target of 0.8×
# (docs/decisions/0010-several-instances.md). Under each run, the CPU milliseconds per 1,000 clicks of the app
# instances, PostgreSQL, nginx and the load generator, and the machine's idle time, in the measured window.
#   deploy/scale-out-benchmark.sh                 # 3 pairs, 64 connections, 60 s warm-up, 20 s measured
# Overrides (environment):
#   SIM_BENCH_PAIRS        pairs of runs                          (3)
#   SIM_BENCH_CONNECTIONS  clicks in flight (closed loop)         (64)
#   SIM_BENCH_WARMUP       unmeasured seconds per run         (60: three fresh instances on two cores still spend
#                          ~9% of their CPU in the JIT 42–57 s after start, perf)
#   SIM_BENCH_SECONDS      measured seconds per run, at least 3   (20)
#   SIM_PG_DATABASE        the database, on deploy/local-postgres.sh's cluster (sim_scale_out; seeded on first use)
# It uses deploy/local-cluster.sh (so it stops a cluster already running from the same state directory) and leaves
# the cluster down. Run it on an otherwise idle machine: the figures swing by ±20% between runs on two cores.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PAIRS=${SIM_BENCH_PAIRS:-3}
CONNECTIONS=${SIM_BENCH_CONNECTIONS:-64}
WARMUP=${SIM_BENCH_WARMUP:-60}
SECONDS_MEASURED=${SIM_BENCH_SECONDS:-20}
[ "$SECONDS_MEASURED" -ge 3 ] || { echo "SIM_BENCH_SECONDS must be at least 3" >&2; exit 2; }
TARGET=0.8
export SIM_PG_DATABASE=${SIM_PG_DATABASE:-sim_scale_out}
CLUSTER=$ROOT/deploy/local-cluster.sh
NGINX_URL=http://127.0.0.1:${SIM_CLUSTER_PORT:-8080}

say() { echo "scale-out-benchmark: $*" >&2; }

# The benchmark signs tokens for the cluster's database and counts what it stored: it needs the server's connection
# string without a database (POSTGRES_CONNECTION) and the database's name.
CONNECTION=$("$ROOT/deploy/local-postgres.sh" | sed -n 's/^ConnectionStrings__DefaultConnection=//p')
[ -n "$CONNECTION" ] || { say "no connection string from deploy/local-postgres.sh"; exit 1; }
export POSTGRES_CONNECTION
POSTGRES_CONNECTION=$(echo "$CONNECTION" | tr ';' '\n' | grep -vi '^Database=' | paste -sd';')

# Each run starts from the same server state: a CHECKPOINT first, so that no run inherits the previous one's dirty
# pages or pays a timed checkpoint midway (as the postgres superuser, over the local socket).
PG_PORT=$(echo "$CONNECTION" | tr ';' '\n' | sed -n 's/^Port=//Ip')
as_postgres() {
  runuser -u postgres -- psql -p "${PG_PORT:-5432}" -d "$SIM_PG_DATABASE" -qc "$1" >/dev/null 2>&1 \
    || say "could not run $1 as postgres (figures may be noisier)"
}

say "building the benchmark (Release)…"
dotnet build "$ROOT/SponsoredInMail.Benchmarks" -c Release -nologo -v quiet >&2
BENCH=("dotnet" "$ROOT/SponsoredInMail.Benchmarks/bin/Release/net10.0/SponsoredInMail.Benchmarks.dll")

trap 'SIM_CLUSTER_INSTANCES=3 "$CLUSTER" down >/dev/null 2>&1 || true' EXIT

# CPU time so far (clock ticks) of each kind of process: the app instances, PostgreSQL, nginx, the load generator.
cpu_ticks() {
  local p cmd kind
  for p in /proc/[0-9]*; do
    cmd=$(tr '\0' ' ' <"$p/cmdline" 2>/dev/null | head -c 300) || continue
    case "$cmd" in
      *SponsoredInMail.Web.dll*) kind=app ;; *SponsoredInMail.Benchmarks.dll*) kind=loadgen ;;
      postgres*) kind=postgres ;; nginx*) kind=nginx ;; *) continue ;;
    esac
    # utime and stime: fields 14 and 15, counted after the ")" that ends the command name.
    sed 's/.*) //' "$p/stat" 2>/dev/null | awk -v k="$kind" '{print k, $12 + $13}'
  done | awk '{t[$1] += $2} END {for (k in t) print k, t[k]}'
  awk '/^cpu /{print "idle", $5 + $6}' /proc/stat
}

# One run: the cluster with $1 instances (fresh processes), warmed up, measured; prints the clicks per second. Also
# logs the CPU milliseconds each kind of process spent per 1,000 clicks in the measured window (and the machine's idle
# time, both cores), which says where three instances spend what one does not.
run() {
  local instances=$1 line rate before after hz
  SIM_CLUSTER_INSTANCES=3 "$CLUSTER" down >/dev/null 2>&1 || true
  as_postgres CHECKPOINT
  SIM_CLUSTER_INSTANCES=$instances "$CLUSTER" up >/tmp/scale-out-cluster-up.log 2>&1 \
    || { tail -n 20 /tmp/scale-out-cluster-up.log >&2; exit 1; }
  "${BENCH[@]}" tracking --url "$NGINX_URL" --database postgres --db "$SIM_PG_DATABASE" \
    --seconds "$SECONDS_MEASURED" --connections "$CONNECTIONS" --warmup-seconds "$WARMUP" >/tmp/scale-out-run.log 2>&1 &
  local bench=$!
  # The CPU window: from 2 s after the warm-up ends, counted from the load generator's launch, to the end of the
  # measurement; its own start-up (a second or two) moves the window that much earlier, into the warm-up's tail.
  sleep $((WARMUP + 2)); before=$(cpu_ticks)
  sleep $((SECONDS_MEASURED - 2)); after=$(cpu_ticks)
  wait "$bench" || true
  line=$(grep '^RESULT' /tmp/scale-out-run.log || true)
  rate=$(echo "$line" | sed -n 's/.*events_per_s=\([0-9]*\).*/\1/p')
  [ -n "$rate" ] || { say "the tracking benchmark printed no result with $instances instance(s)"; tail -n 5 /tmp/scale-out-run.log >&2; exit 1; }
  hz=$(getconf CLK_TCK)
  echo "$(date +%T) load $(cut -d' ' -f1 /proc/loadavg) instances=$instances ${line#RESULT scenario=tracking }" >&2
  echo "  cpu ms per 1,000 clicks: $(join <(echo "$before" | sort) <(echo "$after" | sort) | awk -v c="$((rate * (SECONDS_MEASURED - 2)))" -v hz="$hz" \
    '{printf "%s %.0f  ", $1, ($3 - $2) * 1000 / hz * 1000 / c}')" >&2
  echo "$rate"
}

# The app from this checkout, published once; the first start of a new database migrates and seeds it.
say "publishing the app and starting the cluster once (seeds $SIM_PG_DATABASE on first use)…"
SIM_CLUSTER_INSTANCES=3 "$CLUSTER" down >/dev/null 2>&1 || true
SIM_CLUSTER_INSTANCES=1 "$CLUSTER" up --rebuild >/tmp/scale-out-cluster-up.log 2>&1 \
  || { tail -n 20 /tmp/scale-out-cluster-up.log >&2; exit 1; }
# A freshly seeded database has no statistics yet and autovacuum's work ahead: the first pair measured the cleanup.
as_postgres "VACUUM ANALYZE"

sum1=0
sum3=0
for pair in $(seq 1 "$PAIRS"); do
  one=$(run 1) && three=$(run 3) || exit 1
  sum1=$((sum1 + one))
  sum3=$((sum3 + three))
  echo "pair $pair: one instance $one clicks/s, three $three clicks/s, ratio $(awk -v a="$three" -v b="$one" 'BEGIN{printf "%.2f", a/b}')"
done
ratio=$(awk -v a="$sum3" -v b="$sum1" 'BEGIN{printf "%.2f", a/b}')
echo "RESULT scenario=scale-out pairs=$PAIRS connections=$CONNECTIONS one_instance_clicks_per_s=$((sum1 / PAIRS)) three_instances_clicks_per_s=$((sum3 / PAIRS)) ratio=$ratio target=$TARGET ratio_to_target=$(awk -v r="$ratio" -v t="$TARGET" 'BEGIN{printf "%.2f", r/t}')"
