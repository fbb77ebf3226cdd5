#!/usr/bin/env bash
# Schemathesis against both listeners of a release build, driven by their OpenAPI documents:
# every check (server errors, schema conformance, schema-valid requests accepted, invalid ones
# refused), then the daemon's log is searched for a 5xx. Not part of `make test` (it needs
# schemathesis from PyPI and a few minutes). Environment: FUZZ_EXAMPLES (default 200).
# The admin token's run leaves DELETE out and runs it last on its own: fuzzing
# DELETE /api/tokens/{id} revokes the very token the run authenticates with.
set -euo pipefail
cd "$(dirname "$0")/.."

examples=${FUZZ_EXAMPLES:-200}
command -v schemathesis >/dev/null || pip install --quiet schemathesis
swift build -c release >/dev/null  # up to date in seconds when nothing changed

. bench/lib.sh  # work, pid, cleanup on exit, bench_config

export KREISHAUS_DATA_DIR="$work/data" KREISHAUS_INTRANET_PORT=18083 KREISHAUS_PUBLIC_PORT=18084
bench_config "$work/kreishaus.yaml"
token=$(.build/release/kreishausd tokens create --config "$work/kreishaus.yaml" --role admin --name fuzz | tail -n 1)
.build/release/kreishausd serve --config "$work/kreishaus.yaml" >/dev/null 2>"$work/daemon.log" & pid=$!
for _ in $(seq 300); do curl -fs http://127.0.0.1:18084/healthz >/dev/null && break; sleep 0.1; done

status=0
run() { schemathesis run --max-examples "$examples" --workers 2 "$@" || status=1; }
echo "== intranet, admin token, all but DELETE"
run http://127.0.0.1:18083/api/openapi.json --checks all -H "Authorization: Bearer $token" --exclude-method DELETE
echo "== intranet, admin token, DELETE"
run http://127.0.0.1:18083/api/openapi.json --checks all -H "Authorization: Bearer $token" --include-method DELETE
echo "== intranet, without credentials"
run http://127.0.0.1:18083/api/openapi.json --checks not_a_server_error
echo "== public listener"
run http://127.0.0.1:18084/api/openapi.json --checks all

errors=$(grep -c ' status=5[0-9][0-9]' "$work/daemon.log" || true)
echo "5xx answers in the daemon's log: $errors"
[ "$errors" = 0 ] || { grep ' status=5[0-9][0-9]' "$work/daemon.log" | head; status=1; }
exit "$status"
