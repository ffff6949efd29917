#!/usr/bin/env bash
# Tracking through nginx with one instance, then with three, alternating, on this machine: prints each run, each
# pair's ratio and the ratio of the clicks summed over all pairs, against the scale-out target of 0.8×
# (docs/decisions/0010-several-instances.md).
#   deploy/scale-out-benchmark.sh                 # 3 pairs, 64 connections, 60 s warm-up, 20 s measured
# Overrides (environment):
#   SIM_BENCH_PAIRS        pairs of runs                          (3)
#   SIM_BENCH_CONNECTIONS  clicks in flight (closed loop)         (64)
#   SIM_BENCH_WARMUP       unmeasured seconds per run         (60: three fresh instances on two cores still spend
#                          ~6% of their CPU in the JIT 40 s after start, perf)
#   SIM_BENCH_SECONDS      measured seconds per run               (20)
#   SIM_PG_DATABASE        the database, on deploy/local-postgres.sh's cluster (sim_scale_out; seeded on first use)
# It uses deploy/local-cluster.sh (so it stops a cluster already running from the same state directory) and leaves
# the cluster down. Run it on an otherwise idle machine: the figures swing by ±20% between runs on two cores.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PAIRS=${SIM_BENCH_PAIRS:-3}
CONNECTIONS=${SIM_BENCH_CONNECTIONS:-64}
WARMUP=${SIM_BENCH_WARMUP:-60}
SECONDS_MEASURED=${SIM_BENCH_SECONDS:-20}
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

# One run: the cluster with $1 instances (fresh processes), warmed up, measured; prints the clicks per second.
run() {
  local instances=$1 line rate
  SIM_CLUSTER_INSTANCES=3 "$CLUSTER" down >/dev/null 2>&1 || true
  as_postgres CHECKPOINT
  SIM_CLUSTER_INSTANCES=$instances "$CLUSTER" up >/tmp/scale-out-cluster-up.log 2>&1 \
    || { tail -n 20 /tmp/scale-out-cluster-up.log >&2; exit 1; }
  line=$("${BENCH[@]}" tracking --url "$NGINX_URL" --database postgres --db "$SIM_PG_DATABASE" \
    --seconds "$SECONDS_MEASURED" --connections "$CONNECTIONS" --warmup-seconds "$WARMUP" 2>/dev/null | grep '^RESULT' || true)
  rate=$(echo "$line" | sed -n 's/.*events_per_s=\([0-9]*\).*/\1/p')
  [ -n "$rate" ] || { say "the tracking benchmark printed no result with $instances instance(s)"; exit 1; }
  echo "$(date +%T) load $(cut -d' ' -f1 /proc/loadavg) instances=$instances ${line#RESULT scenario=tracking }" >&2
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
