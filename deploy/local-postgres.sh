#!/usr/bin/env bash
# Installs (Debian) and starts a local PostgreSQL cluster for SponsoredInMail, creates its role and database, and
# prints the two environment variables that point the app at it:
#   deploy/local-postgres.sh            # up (idempotent)
#   deploy/local-postgres.sh down       # stops the cluster (data kept)
# Then:  export $(deploy/local-postgres.sh | tail -2) && dotnet run --project SponsoredInMail.Web
# Overrides: SIM_PG_PORT (5432, or the next free one), SIM_PG_CLUSTER, SIM_PG_PASSWORD, SIM_PG_DATABASE (sponsoredinmail).
set -euo pipefail

PORT=${SIM_PG_PORT:-5432}
CLUSTER=${SIM_PG_CLUSTER:-sponsoredinmail}
ROLE=sim
PASSWORD=${SIM_PG_PASSWORD:-sim}
DATABASE=${SIM_PG_DATABASE:-sponsoredinmail}

if [ "$(id -u)" -ne 0 ]; then
  echo "Run as root (it installs packages and manages a cluster as the postgres user)." >&2
  exit 1
fi
if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  echo "Installing PostgreSQL from Debian's packages…" >&2
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
VERSION=$(ls /usr/lib/postgresql | sort -V | tail -1)

if [ "${1:-up}" = "down" ]; then
  pg_ctlcluster "$VERSION" "$CLUSTER" stop 2>/dev/null || true
  echo "Stopped cluster $CLUSTER." >&2
  exit 0
fi

if ! pg_lsclusters -h | awk '{print $2}' | grep -qx "$CLUSTER"; then
  # Port clash with Debian's own cluster: the default 'main' cluster already uses 5432.
  if pg_lsclusters -h | awk '{print $3}' | grep -qx "$PORT"; then
    PORT=$((PORT + 1))
    while pg_lsclusters -h | awk '{print $3}' | grep -qx "$PORT"; do PORT=$((PORT + 1)); done
  fi
  pg_createcluster "$VERSION" "$CLUSTER" -p "$PORT" -o max_connections=200 >/dev/null
else
  PORT=$(pg_lsclusters -h | awk -v c="$CLUSTER" '$2 == c {print $3}')
fi
pg_ctlcluster "$VERSION" "$CLUSTER" start 2>/dev/null || true
for _ in $(seq 1 30); do
  runuser -u postgres -- psql -p "$PORT" -tAc "SELECT 1" >/dev/null 2>&1 && break
  sleep 1
done
runuser -u postgres -- psql -p "$PORT" -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$ROLE'" | grep -q 1 \
  || runuser -u postgres -- psql -p "$PORT" -qc "CREATE ROLE $ROLE LOGIN CREATEDB PASSWORD '$PASSWORD'"
runuser -u postgres -- psql -p "$PORT" -tAc "SELECT 1 FROM pg_database WHERE datname = '$DATABASE'" | grep -q 1 \
  || runuser -u postgres -- psql -p "$PORT" -qc "CREATE DATABASE $DATABASE OWNER $ROLE"

echo "PostgreSQL $VERSION cluster '$CLUSTER' is up on 127.0.0.1:$PORT; the app migrates and seeds it on first start." >&2
echo "Database__Provider=Postgres"
echo "ConnectionStrings__DefaultConnection=Host=127.0.0.1;Port=$PORT;Database=$DATABASE;Username=$ROLE;Password=$PASSWORD"
