#!/usr/bin/env bash
# Runs the same mutual-TLS load against the gateway and against nginx
# serving a static 202 reply with the same TLS settings, on loopback, and
# prints both results and their ratio.
#
#   bench/scripts/compare-nginx.sh --loadgen build/bench/isagw-loadgen \
#       --certs certs-example/out \
#       --gateway-cmd "build/bench/isagw-bench-server --certs certs-example/out --port 18443 --admin-port 19090" \
#       --gateway-port 18443 [--connections 16] [--duration 10] [--rate 0] \
#       [--body FILE] [--content-type TYPE] [--path /v1/messages] [--method GET] [--agency police-derbys] \
#       [--loadgen-arg ARG]...
#
# --loadgen-arg passes one more argument to both loadgen runs, e.g.
# --loadgen-arg --vary --loadgen-arg --expect-status=202 (durable-ingest.sh).
# --gateway-cmd is any command that serves the gateway's API on
# 127.0.0.1:--gateway-port until it gets SIGTERM: the server core alone
# (isagw-bench-server, as above) or the whole gateway
# ("build/isagw serve --config certs-example/gateway.yaml", port 8443).
# nginx (Debian package nginx) runs as the current user, in the
# foreground, with its configuration, pid file, logs and temp files in a
# temporary directory that is removed afterwards. Everything listens on
# 127.0.0.1 only; every run is bounded by --duration.
set -euo pipefail

loadgen="" certs="" gateway_cmd="" gateway_port=8443 nginx_port=18444
connections=16 duration=10 rate=0 body="" content_type="application/vnd.isagw.compact+json"
path="/v1/messages" agency="police-derbys" threads=1 method=""

loadgen_args=()

usage() { sed -n '2,26p' "$0" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --loadgen) loadgen="$2"; shift 2 ;;
    --certs) certs="$2"; shift 2 ;;
    --gateway-cmd) gateway_cmd="$2"; shift 2 ;;
    --gateway-port) gateway_port="$2"; shift 2 ;;
    --nginx-port) nginx_port="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --rate) rate="$2"; shift 2 ;;
    --body) body="$2"; shift 2 ;;
    --content-type) content_type="$2"; shift 2 ;;
    --path) path="$2"; shift 2 ;;
    --method) method="$2"; shift 2 ;;
    --agency) agency="$2"; shift 2 ;;
    --loadgen-arg) loadgen_args+=("$2"); shift 2 ;;
    -h|--help) usage ;;
    *) echo "compare-nginx: unknown argument $1" >&2; usage ;;
  esac
done
[ -n "$loadgen" ] && [ -n "$certs" ] && [ -n "$gateway_cmd" ] || usage
[ -x "$loadgen" ] || { echo "compare-nginx: $loadgen is not executable" >&2; exit 2; }
nginx_bin="$(command -v nginx || true)"
[ -n "$nginx_bin" ] || nginx_bin=/usr/sbin/nginx
[ -x "$nginx_bin" ] || { echo "compare-nginx: nginx is not installed (Debian package nginx)" >&2; exit 2; }
certs="$(cd "$certs" && pwd)"
for f in ca.crt ca.crl server.crt server.key "$agency.crt" "$agency.key"; do
  [ -s "$certs/$f" ] || { echo "compare-nginx: $certs/$f missing (run certs-example/make-certs.sh)" >&2; exit 2; }
done

work="$(mktemp -d "${TMPDIR:-/tmp}/isagw-compare.XXXXXX")"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

# Waits until something accepts connections on 127.0.0.1:$1 (at most 30 s).
wait_for_port() {
  local port="$1" i
  for i in $(seq 1 300); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "compare-nginx: nothing listening on 127.0.0.1:$port" >&2
  return 1
}

# nginx with the gateway's TLS settings: TLS 1.2 (ECDHE + AEAD) and 1.3,
# client certificate required and checked against the CA and CRL, no
# session resumption, keep-alive; a static 202 for every request.
mkdir -p "$work/nginx/tmp"
user_line=""
if [ "$(id -u)" -eq 0 ]; then user_line="user $(id -un) $(id -gn);"; fi
cat >"$work/nginx/nginx.conf" <<EOF
$user_line
daemon off;
master_process on;
worker_processes 2;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/nginx/tmp/body;
  proxy_temp_path $work/nginx/tmp/proxy;
  fastcgi_temp_path $work/nginx/tmp/fastcgi;
  uwsgi_temp_path $work/nginx/tmp/uwsgi;
  scgi_temp_path $work/nginx/tmp/scgi;
  keepalive_requests 1000;
  keepalive_timeout 30s;
  client_max_body_size 256k;
  server {
    listen 127.0.0.1:$nginx_port ssl;
    server_name localhost;
    ssl_certificate $certs/server.crt;
    ssl_certificate_key $certs/server.key;
    ssl_client_certificate $certs/ca.crt;
    ssl_crl $certs/ca.crl;
    ssl_verify_client on;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305;
    ssl_prefer_server_ciphers on;
    ssl_session_tickets off;
    ssl_session_cache off;
    location / {
      default_type application/json;
      return 202 '{"message_id":"static","status":"accepted"}';
    }
  }
}
EOF
"$nginx_bin" -t -q -p "$work/nginx" -c "$work/nginx/nginx.conf" -e "$work/nginx/error.log"
"$nginx_bin" -p "$work/nginx" -c "$work/nginx/nginx.conf" -e "$work/nginx/error.log" &
pids+=($!)

# The gateway, as given.
bash -c "exec $gateway_cmd" >"$work/gateway.log" 2>&1 &
pids+=($!)

wait_for_port "$nginx_port"
wait_for_port "$gateway_port"

common=(--ca "$certs/ca.crt" --cert "$certs/$agency.crt" --key "$certs/$agency.key"
        --connections "$connections" --threads "$threads" --duration "$duration" --rate "$rate"
        --path "$path" --content-type "$content_type")
if [ -n "$body" ]; then common+=(--body "$body"); fi
# Without --method: a body is POSTed (the load generator's default), and
# no body means an empty POST.
if [ -n "$method" ]; then common+=(--method "$method");
elif [ -z "$body" ]; then common+=(--method POST); fi
common+=("${loadgen_args[@]}")

status=0
"$loadgen" "${common[@]}" --port "$gateway_port" --label gateway --json "$work/gateway.json" || status=1
"$loadgen" "${common[@]}" --port "$nginx_port" --label nginx --json "$work/nginx.json" || status=1

python3 - "$work/gateway.json" "$work/nginx.json" <<'EOF'
import json, sys
gateway, nginx = (json.load(open(p)) for p in sys.argv[1:3])
def ratio(a, b):
    return a / b if b else float("nan")
print()
print(f"{'':14}{'gateway':>12}{'nginx':>12}{'gateway/nginx':>16}")
rows = [("req/s", gateway["throughput_rps"], nginx["throughput_rps"])]
for p in ("p50", "p90", "p99", "max"):
    rows.append((f"{p} ms", gateway["latency_ms"][p], nginx["latency_ms"][p]))
for name, g, n in rows:
    print(f"{name:14}{g:12.3f}{n:12.3f}{ratio(g, n):16.3f}")
print(json.dumps({"gateway": gateway, "nginx": nginx,
                  "throughput_ratio": ratio(gateway["throughput_rps"], nginx["throughput_rps"]),
                  "p99_ratio": ratio(gateway["latency_ms"]["p99"], nginx["latency_ms"]["p99"])}))
EOF
if [ "$status" -ne 0 ]; then
  echo "compare-nginx: a run had no successful requests; gateway log:" >&2
  tail -20 "$work/gateway.log" >&2
fi
exit "$status"
