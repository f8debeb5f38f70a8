"""A throw-away gateway deployment for the crash test and the benchmarks.

Writes gateway.yaml + registry.yaml + var/ into a directory from the example
deployment (certs-example/), with absolute paths to a certificate directory
made by certs-example/make-certs.sh, free loopback ports and rate limits
high enough for load tests. Optionally la-staffordshire receives by push.
"""

import os
import signal
import socket
import subprocess
import time
import urllib.request

import yaml

# High enough that no load test here is ever rate limited (the schema's maxima).
UNLIMITED = {"requests_per_second": 100000, "burst": 1000000}


def free_port():
    """A loopback port nobody listens on now (the kernel's choice)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write(directory, source_dir, certs_dir, push_port=None, log_level="warn",
          delivery_overrides=None, store=None):
    """Writes the deployment; returns (config path, api port, admin port). `store`
    replaces the SQLite store in var/ (a PostgreSQL one, for replicas)."""
    directory = os.path.abspath(directory)
    certs_dir = os.path.abspath(certs_dir)
    os.makedirs(os.path.join(directory, "var"), exist_ok=True)
    with open(os.path.join(source_dir, "certs-example", "gateway.yaml")) as f:
        gateway = yaml.safe_load(f)
    with open(os.path.join(source_dir, "certs-example", "registry.yaml")) as f:
        registry = yaml.safe_load(f)

    api_port, admin_port = free_port(), free_port()
    while admin_port == api_port:
        admin_port = free_port()
    gateway["listeners"] = {"api": {"address": "127.0.0.1", "port": api_port},
                            "admin": {"address": "127.0.0.1", "port": admin_port}}
    gateway["log_level"] = log_level
    gateway["tls"] = dict(gateway["tls"], ca_file=f"{certs_dir}/ca.crt",
                          crl_file=f"{certs_dir}/ca.crl", cert_file=f"{certs_dir}/server.crt",
                          key_file=f"{certs_dir}/server.key")
    gateway["registry"] = "registry.yaml"
    gateway["policies_dir"] = os.path.join(os.path.abspath(source_dir), "policies")
    gateway["store"] = store or {"path": "var/isagw.db", "key_dir": "var/keys"}
    gateway["rate_limit"] = dict(UNLIMITED)
    gateway["delivery"] = dict(gateway.get("delivery", {}),
                               client_cert_file=f"{certs_dir}/gateway-client.crt",
                               client_key_file=f"{certs_dir}/gateway-client.key")
    gateway["delivery"].update(delivery_overrides or {})

    for agency in registry["agencies"]:
        agency["rate_limit"] = dict(UNLIMITED)
        delivery = agency.get("delivery", {})
        if delivery.get("mode") == "push":
            delivery["ca_file"] = f"{certs_dir}/receiver-ca.crt"
        if agency["id"] == "la-staffordshire" and push_port is not None:
            agency["delivery"] = {"mode": "push",
                                  "url": f"https://localhost:{push_port}/isagw/v1/deliveries",
                                  "ca_file": f"{certs_dir}/receiver-ca.crt",
                                  "server_name": "localhost"}

    config = os.path.join(directory, "gateway.yaml")
    with open(config, "w") as f:
        yaml.safe_dump(gateway, f, sort_keys=False)
    with open(os.path.join(directory, "registry.yaml"), "w") as f:
        yaml.safe_dump(registry, f, sort_keys=False)
    return config, api_port, admin_port


def haproxy_config(port, replicas, check_interval="1s"):
    """HAProxy in TCP mode on 127.0.0.1:`port` before `replicas` (a list of
    (api port, admin port)), each health-checked on its /readyz, as
    certs-example/haproxy.cfg runs it for people. A replica marked down
    loses its sessions, and a connection refused goes to another replica."""
    servers = "\n".join(f"  server gateway-{n} 127.0.0.1:{api} check port {admin}"
                         for n, (api, admin) in enumerate(replicas, start=1))
    return f"""global
  maxconn 8192
defaults
  mode tcp
  timeout connect 2s
  timeout client 70s
  timeout server 70s
  timeout check 1s
  retries 3
  option redispatch
frontend api
  bind 127.0.0.1:{port}
  default_backend replicas
backend replicas
  balance leastconn
  option httpchk GET /readyz
  http-check expect status 200
  default-server inter {check_interval} fall 1 rise 1 on-marked-down shutdown-sessions
{servers}
"""


def wait_ready(admin_port, process=None, timeout=60):
    """Waits for GET /readyz to answer 200; False if the process died or time ran out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{admin_port}/readyz", timeout=2) as r:
                if r.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(0.05)
    return False


def start(isagw, config, admin_port, log):
    """Runs `isagw serve --config config`, its output to the open file `log`,
    and waits until it is ready. The process; RuntimeError when it died or
    did not become ready."""
    process = subprocess.Popen([isagw, "serve", "--config", config],
                               stdout=log, stderr=subprocess.STDOUT)
    if not wait_ready(admin_port, process):
        stop(process)
        raise RuntimeError(f"the gateway did not become ready (log: {log.name})")
    return process


def stop(process, timeout=30):
    """Asks the gateway to stop (SIGTERM: it drains and closes its store),
    and kills it when it has not within `timeout` seconds."""
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def main():
    """Command line: write DIR SOURCE_DIR CERTS_DIR [PUSH_PORT]; prints the config and ports."""
    import sys
    args = sys.argv[1:]
    if len(args) < 3:
        sys.exit("usage: deployment.py DIR SOURCE_DIR CERTS_DIR [PUSH_PORT]")
    push = int(args[3]) if len(args) > 3 else None
    config, api, admin = write(args[0], args[1], args[2], push_port=push)
    print(config, api, admin)


if __name__ == "__main__":
    main()
