#!/usr/bin/env bash
# Lints the REST API's OpenAPI document (/openapi/v1.json) with Redocly's recommended rules and fails on any error or
# warning. Starts the built app (Debug build) on a loopback port with a throwaway SQLite database to read the document.
#   tools/api-lint/lint.sh            # after dotnet build
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
app="$root/SponsoredInMail.Web/bin/Debug/net10.0/SponsoredInMail.Web.dll"
[ -f "$app" ] || { echo "Build first: $app is missing."; exit 1; }

(cd "$here" && npm ci --no-audit --no-fund --silent) || { echo "npm ci failed (is Node.js installed?)"; exit 1; }

work="$(mktemp -d)"
port=$(( 20000 + RANDOM % 20000 ))
ConnectionStrings__DefaultConnection="Data Source=$work/app.db" \
  Seed__Members=1000 Seed__DemoCampaigns=false dotnet "$app" --contentRoot "$root/SponsoredInMail.Web" --urls "http://127.0.0.1:$port" > "$work/app.log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$work"' EXIT

for _ in $(seq 1 120); do
  if curl -sf "http://127.0.0.1:$port/openapi/v1.json" -o "$work/v1.json"; then break; fi
  kill -0 "$pid" 2>/dev/null || break
  sleep 1
done
if [ ! -s "$work/v1.json" ]; then
  echo "The app did not serve /openapi/v1.json; the last lines of its log:"
  tail -20 "$work/app.log"
  exit 1
fi

(cd "$here" && npx --no-install redocly lint "$work/v1.json" --config "$here/redocly.yaml" --format=stylish) > "$work/lint.txt" 2>&1
lint_status=$?
grep -vE '║|╔|╚' "$work/lint.txt" | grep -v '^\s*$' | tail -40
# Redocly exits non-zero on errors only; warnings are reported as "You have N warnings."
if [ "$lint_status" -ne 0 ] || grep -qE 'Validation failed|You have [0-9]+ warnings?' "$work/lint.txt"; then
  echo "API lint: FAILED"
  exit 1
fi
echo "API lint: 0 errors, 0 warnings"
