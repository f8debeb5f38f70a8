#!/usr/bin/env bash
# N gateway replicas on one PostgreSQL behind HAProxy, in the foreground
# until SIGTERM or SIGINT, for the benchmarks (durable-ingest.sh --replicas):
# what scripts/run-replicas runs for people, on free ports and in a work
# directory, with the load tests' rate limits lifted.
#
#   bench/scripts/replicas.sh --isagw build/isagw --certs build/certs \
#       --replicas 3 --port 18443 --work DIR [--dsn DSN]
#
# Without --dsn it starts a throw-away cluster in DIR/pg (scripts/pg-cluster)
# and leaves it running when it stops, with its DSN in DIR/pg/dsn, so the
# caller can count what was stored; the caller stops it
# (scripts/pg-cluster stop DIR/pg). With --dsn it uses that database.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
source_dir="$(cd "$here/../.." && pwd)"
isagw="" certs="" replicas=3 port="" work="" dsn=""
usage() { sed -n '2,14p' "$0" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --isagw) isagw="$2"; shift 2 ;;
    --certs) certs="$2"; shift 2 ;;
    --replicas) replicas="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    --dsn) dsn="$2"; shift 2 ;;
    *) usage ;;
  esac
done
[ -n "$isagw" ] && [ -n "$certs" ] && [ -n "$port" ] && [ -n "$work" ] || usage
mkdir -p "$work"
work="$(cd "$work" && pwd)"

if [ -z "$dsn" ]; then
  "$source_dir/scripts/pg-cluster" start "$work/pg" >/dev/null
  dsn="$(cat "$work/pg/dsn")"
fi

pids=()
stop_all() {
  trap - TERM INT
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap 'stop_all; exit 0' TERM INT

ports=()
for n in $(seq 1 "$replicas"); do
  read -r config api admin < <(python3 - "$work/gateway-$n" "$source_dir" "$certs" "$dsn" "$n" "$work/keys" <<'PY'
import sys
sys.path.insert(0, sys.argv[2] + "/tests/crash")
import deployment
directory, source, certs, dsn, n, keys = sys.argv[1:7]
store = {"kind": "postgres", "key_dir": keys,
         "postgres": {"dsn": dsn, "pool": 8, "replica": f"gateway-{n}"}}
config, api, admin = deployment.write(directory, source, certs, store=store)
print(config, api, admin)
PY
  )
  "$isagw" serve --config "$config" >"$work/gateway-$n.log" 2>&1 &
  pids+=($!)
  # One at a time: the first makes the keys and the schema.
  python3 -c 'import sys; sys.path.insert(0, sys.argv[1]); import deployment; sys.exit(0 if deployment.wait_ready(int(sys.argv[2])) else 1)' \
    "$source_dir/tests/crash" "$admin" || { echo "replicas: gateway-$n did not start" >&2; stop_all; exit 1; }
  ports+=("$api" "$admin")
done

python3 - "$source_dir/tests/crash" "$port" "$work/haproxy.cfg" "${ports[@]}" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
import deployment
ports = [int(p) for p in sys.argv[4:]]
replicas = list(zip(ports[0::2], ports[1::2]))
open(sys.argv[3], "w").write(deployment.haproxy_config(int(sys.argv[2]), replicas))
PY
haproxy -db -f "$work/haproxy.cfg" >"$work/haproxy.log" 2>&1 &
pids+=($!)
wait "${pids[-1]}"
