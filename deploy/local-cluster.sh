#!/usr/bin/env bash
# Several SponsoredInMail instances on one machine behind nginx, on the local PostgreSQL of deploy/local-postgres.sh:
#   deploy/local-cluster.sh up                 # idempotent: installs nginx if missing, starts PostgreSQL, publishes the
#                                              #   app once, starts the instances (the first alone until /health) and nginx
#   deploy/local-cluster.sh up --rebuild       # publishes the app again first (then restart: down, up)
#   deploy/local-cluster.sh down               # stops nginx and the instances
#   deploy/local-cluster.sh down --postgres    # … and the PostgreSQL cluster (data kept)
#   deploy/local-cluster.sh status
# Run as root from anywhere. Everything it makes lives in the state directory: app/ (the published app), logs/
# (one log per instance, nginx's), run/ (pid files), nginx/ (its config, built from deploy/nginx/sponsoredinmail.conf.template).
#
# Overrides (environment):
#   SIM_CLUSTER_DIR         state directory                     (/tmp/sponsoredinmail-cluster)
#   SIM_CLUSTER_INSTANCES   number of app instances             (3)
#   SIM_CLUSTER_FIRST_PORT  port of instance 1; the others follow (5101 → 5101, 5102, 5103)
#   SIM_CLUSTER_PORT        nginx's port                        (8080)
#   SIM_CLUSTER_CONNECTION  an Npgsql connection string to use instead of starting deploy/local-postgres.sh
#   SIM_CLUSTER_MEMBERS     Seed__Members for the first start of an empty database (app default 50,000)
#   SIM_CLUSTER_ENVIRONMENT ASPNETCORE_ENVIRONMENT of the instances (Production)
#   SIM_PG_DATABASE …       passed on to deploy/local-postgres.sh (database name, cluster, port)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
STATE=${SIM_CLUSTER_DIR:-/tmp/sponsoredinmail-cluster}
INSTANCES=${SIM_CLUSTER_INSTANCES:-3}
FIRST_PORT=${SIM_CLUSTER_FIRST_PORT:-5101}
NGINX_PORT=${SIM_CLUSTER_PORT:-8080}
ENVIRONMENT=${SIM_CLUSTER_ENVIRONMENT:-Production}
START_TIMEOUT=${SIM_CLUSTER_START_TIMEOUT:-900}   # seconds; the first start migrates and seeds the demo network
NGINX=/usr/sbin/nginx
NGINX_CONF=$STATE/nginx/nginx.conf

COMMAND=${1:-up}
shift || true
REBUILD=0
STOP_POSTGRES=0
for arg in "$@"; do
  case "$arg" in
    --rebuild) REBUILD=1 ;;
    --postgres) STOP_POSTGRES=1 ;;
    *) echo "unknown option '$arg' (known: up [--rebuild], down [--postgres], status)" >&2; exit 2 ;;
  esac
done

say() { echo "local-cluster: $*" >&2; }

if [ "$(id -u)" -ne 0 ]; then
  echo "Run as root (it installs packages and manages PostgreSQL and nginx)." >&2
  exit 1
fi

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# Stops the process whose pid is in file $1 (TERM, then KILL after 30 s) and removes the file.
stop_pid() {
  local file=$1 name=$2 pid
  if alive "$file"; then
    pid=$(cat "$file")
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 300); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      say "$name did not stop within 30 s: killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    say "stopped $name (pid $pid)"
  fi
  rm -f "$file"
}

instance_port() { echo $((FIRST_PORT + $1 - 1)); }

# Polls $1 until it answers 2xx, for at most $2 seconds; fails early when the process in pid file $3 has exited.
wait_for() {
  local url=$1 timeout=$2 pidfile=${3:-} waited=0
  until curl -sf -o /dev/null --max-time 5 "$url"; do
    if [ -n "$pidfile" ] && ! alive "$pidfile"; then
      say "the process behind $url exited"
      return 1
    fi
    if [ "$waited" -ge "$timeout" ]; then
      say "$url did not answer within $timeout s"
      return 1
    fi
    sleep 1
    waited=$((waited + 1))
  done
}

status() {
  local i
  for i in $(seq 1 "$INSTANCES"); do
    if alive "$STATE/run/instance-$i.pid"; then
      echo "instance $i: running (pid $(cat "$STATE/run/instance-$i.pid")) on http://127.0.0.1:$(instance_port "$i"), log $STATE/logs/instance-$i.log"
    else
      echo "instance $i: stopped"
    fi
  done
  if alive "$STATE/run/nginx.pid"; then
    echo "nginx: running (pid $(cat "$STATE/run/nginx.pid")) on http://127.0.0.1:$NGINX_PORT, config $NGINX_CONF"
  else
    echo "nginx: stopped"
  fi
}

down() {
  stop_pid "$STATE/run/nginx.pid" nginx
  local file
  for file in "$STATE"/run/instance-*.pid; do
    [ -e "$file" ] || continue
    stop_pid "$file" "$(basename "$file" .pid)"
  done
  if [ "$STOP_POSTGRES" -eq 1 ] && [ -z "${SIM_CLUSTER_CONNECTION:-}" ]; then
    "$ROOT/deploy/local-postgres.sh" down
  fi
}

case "$COMMAND" in
  down) down; exit 0 ;;
  status) status; exit 0 ;;
  up) ;;
  *) echo "usage: $0 up [--rebuild] | down [--postgres] | status" >&2; exit 2 ;;
esac

mkdir -p "$STATE"/{logs,run,nginx/temp}

# 1. nginx (and curl, for the waits) from Debian's packages.
missing=()
[ -x "$NGINX" ] || missing+=(nginx)
command -v curl >/dev/null 2>&1 || missing+=(curl)
if [ "${#missing[@]}" -gt 0 ]; then
  say "installing ${missing[*]} from Debian's packages…"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# 2. PostgreSQL: the script prints Database__Provider=Postgres and ConnectionStrings__DefaultConnection=…
if [ -n "${SIM_CLUSTER_CONNECTION:-}" ]; then
  CONNECTION=$SIM_CLUSTER_CONNECTION
else
  CONNECTION=$("$ROOT/deploy/local-postgres.sh" | sed -n 's/^ConnectionStrings__DefaultConnection=//p')
fi
[ -n "$CONNECTION" ] || { say "no connection string from deploy/local-postgres.sh"; exit 1; }

# 3. The app, published once (Release) into the state directory.
APP=$STATE/app
if [ "$REBUILD" -eq 1 ] || [ ! -f "$APP/SponsoredInMail.Web.dll" ]; then
  say "publishing SponsoredInMail.Web (Release) to $APP…"
  dotnet publish "$ROOT/SponsoredInMail.Web" -c Release -o "$APP" -nologo -v quiet >&2
fi

# 4. The instances: the first alone (it migrates, and on an empty database seeds the demo network), then the others.
start_instance() {
  local i=$1 port
  port=$(instance_port "$i")
  local pidfile=$STATE/run/instance-$i.pid log=$STATE/logs/instance-$i.log
  if alive "$pidfile"; then
    say "instance $i already running (pid $(cat "$pidfile")) on port $port"
    return 0
  fi
  if curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$port/"; then
    say "port $port is taken by another process: set SIM_CLUSTER_FIRST_PORT"
    return 1
  fi
  say "starting instance $i on http://127.0.0.1:$port (log $log)…"
  (
    cd "$APP"
    # Urls (not only ASPNETCORE_URLS, which appsettings.json's Urls would override). Plain HTTP behind nginx on
    # loopback: no HTTPS redirect or HSTS from the app; it believes nginx's X-Forwarded-* (loopback is a known proxy).
    export ASPNETCORE_ENVIRONMENT=$ENVIRONMENT ASPNETCORE_URLS=http://127.0.0.1:$port Urls=http://127.0.0.1:$port \
      Database__Provider=Postgres ConnectionStrings__DefaultConnection="$CONNECTION" \
      Hosting__ForwardedHeaders=true Hosting__HttpsRedirection=false Hosting__Hsts=false
    if [ -n "${SIM_CLUSTER_MEMBERS:-}" ]; then
      export Seed__Members=$SIM_CLUSTER_MEMBERS
    fi
    echo "=== $(date -Is) starting instance $i on port $port" >>"$log"
    nohup dotnet SponsoredInMail.Web.dll >>"$log" 2>&1 </dev/null &
    echo $! >"$pidfile"
  )
}

wait_instance() {
  local i=$1 port
  port=$(instance_port "$i")
  if ! wait_for "http://127.0.0.1:$port/health" "$START_TIMEOUT" "$STATE/run/instance-$i.pid"; then
    say "instance $i did not become healthy; the end of its log:"
    tail -n 40 "$STATE/logs/instance-$i.log" >&2 || true
    exit 1
  fi
  say "instance $i healthy"
}

start_instance 1
wait_instance 1
# The login page creates the data-protection key (kept in the database) before the others start, so all share it.
wait_for "http://127.0.0.1:$(instance_port 1)/Account/Login" 120 "$STATE/run/instance-1.pid"
for i in $(seq 2 "$INSTANCES"); do
  start_instance "$i"
done
for i in $(seq 2 "$INSTANCES"); do
  wait_instance "$i"
done

# 5. nginx: its own config, pid, logs and temp files under the state directory.
SERVERS=""
for i in $(seq 1 "$INSTANCES"); do
  SERVERS+="        server 127.0.0.1:$(instance_port "$i") max_fails=1 fail_timeout=5s;\n"
done
awk -v state="$STATE/nginx" -v listen="127.0.0.1:$NGINX_PORT" -v servers="$SERVERS" \
  '{ gsub(/@STATE_DIR@/, state); gsub(/@LISTEN@/, listen); if ($0 ~ /^@SERVERS@$/) printf "%s", servers; else print }' \
  "$ROOT/deploy/nginx/sponsoredinmail.conf.template" >"$NGINX_CONF"
"$NGINX" -t -q -c "$NGINX_CONF" -p "$STATE/nginx" -e "$STATE/nginx/nginx-error.log"
if [ -f "$STATE/nginx/nginx.pid" ] && kill -0 "$(cat "$STATE/nginx/nginx.pid")" 2>/dev/null; then
  say "nginx already running: reloading its config"
  "$NGINX" -c "$NGINX_CONF" -p "$STATE/nginx" -e "$STATE/nginx/nginx-error.log" -s reload
else
  say "starting nginx on http://127.0.0.1:$NGINX_PORT (config $NGINX_CONF)…"
  "$NGINX" -c "$NGINX_CONF" -p "$STATE/nginx" -e "$STATE/nginx/nginx-error.log"
fi
# nginx writes its own pid file (config: pid); keep a copy beside the instances' for down/status.
for _ in $(seq 1 50); do
  [ -s "$STATE/nginx/nginx.pid" ] && break
  sleep 0.1
done
cp "$STATE/nginx/nginx.pid" "$STATE/run/nginx.pid"

if ! wait_for "http://127.0.0.1:$NGINX_PORT/Account/Login" 60; then
  say "the login page does not answer through nginx; see $STATE/nginx/nginx-error.log"
  exit 1
fi
status >&2
echo "http://127.0.0.1:$NGINX_PORT"
