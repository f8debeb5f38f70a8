#!/usr/bin/env bash
# Durable ingest throughput (issue 5): the whole gateway (`isagw serve`,
# SQLite in WAL mode with synchronous=FULL, audit entries in the same
# transaction) against nginx answering a static 202 with the same TLS
# settings, under the same closed-loop load of DISTINCT messages.
#
#   bench/scripts/durable-ingest.sh --isagw build/isagw \
#       --loadgen build/bench/isagw-loadgen --certs build/certs \
#       [--connections 16] [--threads 1] [--duration 20] [--keep DIR] [--fresh] [--rate R]
#       [--replicas N]
#
# --replicas N: N gateways on one throw-away PostgreSQL behind HAProxy
# (bench/scripts/replicas.sh) instead of one gateway on SQLite; the load
# goes through HAProxy and the counts are read from PostgreSQL.
# --rate R: open loop at R messages/s in all (latency counted from each
# request's intended start), instead of closed loop.
# --fresh: the report says the child was last seen an hour ago and grades
# the risk MEDIUM, so no safeguarding timer falls due during the run. By
# default the example report is sent as it is: a HIGH risk child last seen
# on 22 November 2026, so every report also raises (through the timer
# worker) a high-risk and two long-missing escalations, committed as
# messages of their own, which the store counts below show.
#
# Each request is a new compact missing report from police-derbys (the
# OccurrenceRef and the Idempotency-Key carry a counter: isagw-loadgen
# --vary), so every 202 is a real commit of one message, its episode, two
# outbox rows (la-derby and la-staffordshire, both mailboxes here) and its
# audit entries; only 202 counts as acknowledged (--expect-status 202).
# The deployment is certs-example's, in a temporary directory with a fresh
# store and rate limits lifted (tests/crash/deployment.py). Afterwards the
# store's rows are counted, so the acknowledged figure is checked against
# what was committed. Prints both runs, their ratio, the counts and (on
# SQLite) the bytes a message takes in the store; exit
# status 1 if a run failed or the store holds fewer messages than were
# acknowledged.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
source_dir="$(cd "$here/../.." && pwd)"
isagw="" loadgen="" certs="" connections=16 threads=1 duration=20 keep="" fresh=0 rate=0
replicas=0

usage() { sed -n '2,35p' "$0" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --isagw) isagw="$2"; shift 2 ;;
    --loadgen) loadgen="$2"; shift 2 ;;
    --certs) certs="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --keep) keep="$2"; shift 2 ;;
    --fresh) fresh=1; shift ;;
    --rate) rate="$2"; shift 2 ;;
    --replicas) replicas="$2"; shift 2 ;;
    -h|--help) usage ;;
    *) echo "durable-ingest: unknown argument $1" >&2; usage ;;
  esac
done
[ -n "$isagw" ] && [ -n "$loadgen" ] && [ -n "$certs" ] || usage
[ -x "$isagw" ] || { echo "durable-ingest: $isagw is not executable" >&2; exit 2; }
isagw="$(cd "$(dirname "$isagw")" && pwd)/$(basename "$isagw")"
certs="$(cd "$certs" && pwd)"
python=/usr/bin/python3
[ -x "$python" ] || python="$(command -v python3)"

if [ -n "$keep" ]; then
  rm -rf "$keep"; mkdir -p "$keep"; work="$(cd "$keep" && pwd)"
else
  work="$(mktemp -d "${TMPDIR:-/tmp}/isagw-durable.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
fi

# A fresh deployment on free loopback ports, and the message template.
read -r config api_port _admin_port < <(
  "$python" "$source_dir/tests/crash/deployment.py" "$work/deploy" "$source_dir" "$certs")
nginx_port="$("$python" -c 'import sys; sys.path.insert(0, sys.argv[1]); import deployment; print(deployment.free_port())' "$source_dir/tests/crash")"
sed 's#"OccurrenceRef":"DB/21/2026/004512"#"OccurrenceRef":"DB/21/2026/{{n}}"#' \
  "$source_dir/docs/examples/compact/formats-example.json" >"$work/missing-report.json"
grep -q '{{n}}' "$work/missing-report.json" || { echo "durable-ingest: template not made" >&2; exit 1; }
if [ "$fresh" = 1 ]; then
  "$python" - "$work/missing-report.json" <<'FRESH'
import json, sys, datetime, zoneinfo
path = sys.argv[1]
report = json.load(open(path))
now = datetime.datetime.now(zoneinfo.ZoneInfo("Europe/London"))
report["LastSeenDateTime"] = (now - datetime.timedelta(hours=1)).strftime("%d/%m/%Y %H:%M")
report["ReportedDateTime"] = (now - datetime.timedelta(minutes=30)).strftime("%d/%m/%Y %H:%M")
report["RiskGrading"] = "MEDIUM"
json.dump(report, open(path, "w"))
FRESH
fi

store="$work/deploy/var/isagw.db"
gateway_cmd="$isagw serve --config $config"
if [ "$replicas" -gt 0 ]; then
  # The same load through HAProxy to N replicas; the single gateway's
  # deployment above is not started.
  api_port="$("$python" -c 'import sys; sys.path.insert(0, sys.argv[1]); import deployment; print(deployment.free_port())' "$source_dir/tests/crash")"
  gateway_cmd="$here/replicas.sh --isagw $isagw --certs $certs --replicas $replicas --port $api_port --work $work/replicas"
  trap '"$source_dir/scripts/pg-cluster" stop "$work/replicas/pg" >/dev/null 2>&1 || true; [ -n "$keep" ] || rm -rf "$work"' EXIT
fi

echo "durable-ingest: $connections connections, $threads loadgen thread(s), ${duration} s each, closed loop, replicas $replicas"
status=0
"$here/compare-nginx.sh" --loadgen "$loadgen" --certs "$certs" \
  --gateway-cmd "$gateway_cmd" --gateway-port "$api_port" \
  --nginx-port "$nginx_port" --connections "$connections" --threads "$threads" \
  --duration "$duration" --rate "$rate" --body "$work/missing-report.json" --agency police-derbys \
  --loadgen-arg --vary --loadgen-arg --vary-start=100000 --loadgen-arg --max-requests=899999 \
  --loadgen-arg --expect-status=202 | tee "$work/compare.out" || status=1

# compare-nginx.sh has stopped the gateway (SIGTERM): count what it committed.
[ "$replicas" -gt 0 ] && store="postgres:$(cat "$work/replicas/pg/dsn")"
"$python" - "$work/compare.out" "$store" <<'EOF' || status=1
import json, sqlite3, subprocess, sys
lines = [l for l in open(sys.argv[1]) if l.startswith("{")]
result = json.loads(lines[-1])
gateway, nginx = result["gateway"], result["nginx"]
if sys.argv[2].startswith("postgres:"):
    dsn = sys.argv[2][len("postgres:"):]
    count = lambda sql: int(subprocess.run(["psql", "-X", "-A", "-t", "-d", dsn, "-c", sql],
                                           check=True, capture_output=True, text=True).stdout)
else:
    db = sqlite3.connect(f"file:{sys.argv[2]}?mode=ro", uri=True)
    count = lambda sql: db.execute(sql).fetchone()[0]
messages = count("SELECT COUNT(*) FROM messages")
outbox = count("SELECT COUNT(*) FROM outbox")
accepted = count("SELECT COUNT(*) FROM audit WHERE kind = 'message_accepted'")
escalations = count("SELECT COUNT(*) FROM messages WHERE kind = 'escalation'")
audit = count("SELECT COUNT(*) FROM audit")
acked = gateway["requests_ok"]
print()
print(f"acknowledged (202)  gateway {acked} in {gateway['duration_s']:.1f} s = "
      f"{gateway['throughput_rps']:.1f} msg/s;  nginx {nginx['throughput_rps']:.1f} req/s;  "
      f"ratio gateway/nginx {result['throughput_ratio']:.4f}")
print(f"latency ms          gateway p50 {gateway['latency_ms']['p50']:.2f} "
      f"p99 {gateway['latency_ms']['p99']:.2f};  nginx p50 {nginx['latency_ms']['p50']:.2f} "
      f"p99 {nginx['latency_ms']['p99']:.2f}")
print(f"gateway statuses    {gateway['statuses']}  errors {gateway['errors']}")
print(f"store               messages {messages} (escalations raised by timers {escalations})  outbox rows {outbox}  "
      f"message_accepted audit entries {accepted}  audit entries {audit}")
ok = messages - escalations >= acked and accepted == messages and gateway["unexpected"] == 0
if not sys.argv[2].startswith("postgres:") and messages:
    # What a message costs on disk: every page of the database over the
    # messages it holds, and the audit's share (dbstat, built into
    # Debian's SQLite). Unlike the rates, these do not move from run to run.
    try:
        pages = dict(db.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name").fetchall())
        print(f"bytes a message     database {sum(pages.values()) / messages:.0f}  "
              f"audit table {pages.get('audit', 0) / messages:.0f}  "
              f"outbox table {pages.get('outbox', 0) / messages:.0f}")
    except sqlite3.OperationalError:
        print("bytes a message     (this SQLite has no dbstat table)")
print("check               " + ("every acknowledged message is in the store" if ok else
      "MISMATCH between acknowledged and committed"))
sys.exit(0 if ok else 1)
EOF
exit "$status"
