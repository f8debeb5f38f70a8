"""The machinery of the hostile-traffic test (hostile_test.py): a running
gateway, a raw mutual-TLS client that sends exactly the bytes a case gives
and reads whatever comes back, and a look at the store before and after.

Nothing here asserts on time: timeouts only keep a broken gateway from
hanging the run.
"""

import dataclasses
import json
import os
import shutil
import signal
import socket
import sqlite3
import ssl
import sys
import time
import urllib.request

import yaml

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "crash"))
import deployment  # noqa: E402  (tests/crash/deployment.py)

# The agency whose registry entry pins its certificate: the one the
# example's broken certificates (make-certs.sh) claim to be.
PINNED_AGENCY = "police-derbys"

# Tables whose rows only an accepted message or a worker may add.
STATE_TABLES = ("messages", "episodes", "outbox", "timers", "child_links")


@dataclasses.dataclass
class Response:
    status: int
    reason: str
    headers: dict
    body: bytes

    def json(self):
        try:
            return json.loads(self.body)
        except ValueError:
            return None


@dataclasses.dataclass
class Exchange:
    responses: list
    closed: bool          # the gateway closed the connection
    timed_out: bool       # nothing more came within the read timeout
    handshake_error: str  # "" when the TLS handshake succeeded


class Gateway:
    """`isagw serve` on loopback with the example agencies and certificates,
    a SQLite store of its own, short timeouts and no rate limits."""

    def __init__(self, isagw, certs, source, work, limits=None):
        """`limits` overrides the test's own limits (short timeouts)."""
        self.isagw, self.certs, self.work = isagw, os.path.abspath(certs), work
        self.source = source
        self.config, self.api_port, self.admin_port = deployment.write(work, source, certs)
        # A copy of the policies, which a scenario may change and reload.
        self.policies = os.path.join(work, "policies")
        shutil.copytree(os.path.join(source, "policies"), self.policies)
        with open(self.config) as f:
            config = yaml.safe_load(f)
        config["policies_dir"] = self.policies
        config["limits"] = {**config.get("limits", {}), "read_timeout": "2s",
                            "handshake_timeout": "2s", "idle_timeout": "3s", **(limits or {})}
        with open(self.config, "w") as f:
            yaml.safe_dump(config, f, sort_keys=False)
        self.pin(PINNED_AGENCY)
        self.db = os.path.join(work, "var", "isagw.db")
        self.log_path = os.path.join(work, "gateway.log")
        self.process = None

    def pin(self, agency):
        """Pins `agency` to its example certificate (identity.sha256), so a
        certificate of the same CA with its SAN on another key is refused."""
        with open(os.path.join(self.certs, "fingerprints.txt")) as f:
            pins = dict(line.split() for line in f if line.strip())
        path = os.path.join(os.path.dirname(self.config), "registry.yaml")
        with open(path) as f:
            registry = yaml.safe_load(f)
        for entry in registry["agencies"]:
            if entry["id"] == agency:
                entry["identity"]["sha256"] = pins[agency]
        with open(path, "w") as f:
            yaml.safe_dump(registry, f, sort_keys=False)

    def start(self):
        self.log = open(self.log_path, "w")
        try:
            self.process = deployment.start(self.isagw, self.config, self.admin_port, self.log)
        except RuntimeError as e:
            raise RuntimeError(f"{e}:\n{self.read_log()}") from None

    def stop(self):
        deployment.stop(self.process)
        if self.process is not None:
            self.log.close()

    def reloads_audited(self):
        """The audit's entries for configuration reloads."""
        db = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=30)
        try:
            return [json.loads(body) for (body,) in db.execute(
                "SELECT body FROM audit WHERE kind = 'config_reloaded' ORDER BY seq")]
        finally:
            db.close()

    def reload(self, timeout=30):
        """SIGHUP, then waits for the reload's audit entry. Its outcome
        ("applied", "refused"), or None when none came."""
        before = len(self.reloads_audited())
        self.process.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            entries = self.reloads_audited()
            if len(entries) > before:
                return entries[-1].get("outcome")
            time.sleep(0.1)
        return None

    def alive(self):
        """The process runs and its admin listener answers /healthz."""
        if self.process.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.admin_port}/healthz",
                                        timeout=5) as r:
                return r.status == 200
        except OSError:
            return False

    def metric(self, name):
        """The value of one series from /metrics, named as it is written
        there ('name' or 'name{label="value"}'); 0 when absent."""
        with urllib.request.urlopen(f"http://127.0.0.1:{self.admin_port}/metrics",
                                    timeout=10) as r:
            for line in r.read().decode().splitlines():
                if line.startswith(name + " "):
                    return float(line.split()[1])
        return 0

    def read_log(self):
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def snapshot(self):
        """Row counts of the state tables and the audit entries by kind."""
        db = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=30)
        try:
            counts = {t: db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
                      for t in STATE_TABLES}
            counts["audit"] = dict(db.execute("SELECT kind, COUNT(*) FROM audit GROUP BY kind"))
            return counts
        finally:
            db.close()

    # ------------------------------------------------------------ client

    def context(self, cert="police-derbys", check_name=True, tls_max=None):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.load_verify_locations(os.path.join(self.certs, "ca.crt"))
        ctx.check_hostname = check_name
        if cert is not None:
            ctx.load_cert_chain(os.path.join(self.certs, f"{cert}.crt"),
                                os.path.join(self.certs, f"{cert}.key"))
        if tls_max is not None:
            ctx.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED
            ctx.maximum_version = tls_max
            ctx.set_ciphers("ALL:@SECLEVEL=0")
        return ctx

    def exchange(self, raw, expect=1, cert="police-derbys", sni="localhost", timeout=8,
                 pieces=None, pause=0.0, tls_max=None):
        """Sends `raw` (or `pieces`, with `pause` seconds between them) and
        reads up to `expect` responses."""
        sock = socket.create_connection(("127.0.0.1", self.api_port), timeout=timeout)
        ctx = self.context(cert, check_name=(sni == "localhost"), tls_max=tls_max)
        try:
            tls = ctx.wrap_socket(sock, server_hostname=sni)
        except (ssl.SSLError, OSError) as error:
            sock.close()
            return Exchange([], True, False, type(error).__name__ + ": " + str(error))
        try:
            # TLS 1.3 tells a refused client only at its first read.
            try:
                for piece in (pieces if pieces is not None else [raw]):
                    tls.sendall(piece)
                    if pause:
                        time.sleep(pause)
            except (ssl.SSLError, OSError):
                pass
            return read_responses(tls, expect, timeout)
        finally:
            tls.close()


def read_responses(tls, expect, timeout):
    buffer = b""
    responses = []
    closed = timed_out = False
    handshake_error = ""
    tls.settimeout(timeout)
    while sum(1 for r in responses if r.status >= 200) < expect:
        parsed = parse_response(buffer)
        if parsed is not None:
            response, buffer = parsed
            responses.append(response)  # 1xx interim answers are kept, not counted
            continue
        try:
            data = tls.recv(65536)
        except socket.timeout:
            timed_out = True
            break
        except ssl.SSLError as error:
            if not responses and not buffer:
                handshake_error = "SSLError: " + str(error)
            closed = True
            break
        except OSError:
            closed = True
            break
        if not data:
            closed = True
            break
        buffer += data
    return Exchange(responses, closed, timed_out, handshake_error)


def parse_response(buffer):
    """One whole response from the front of `buffer` and the rest; None
    while it is incomplete."""
    end = buffer.find(b"\r\n\r\n")
    if end < 0:
        return None
    head = buffer[:end].decode("latin-1").split("\r\n")
    parts = head[0].split(" ", 2)
    status = int(parts[1])
    headers = {}
    for line in head[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    rest = buffer[end + 4:]
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = b""
        while True:
            line_end = rest.find(b"\r\n")
            if line_end < 0:
                return None
            size = int(rest[:line_end].split(b";")[0], 16)
            if len(rest) < line_end + 2 + size + 2:
                return None
            body += rest[line_end + 2:line_end + 2 + size]
            rest = rest[line_end + 2 + size + 2:]
            if size == 0:
                break
        return Response(status, parts[2] if len(parts) > 2 else "", headers, body), rest
    length = int(headers.get("content-length", "0"))
    if len(rest) < length:
        return None
    return (Response(status, parts[2] if len(parts) > 2 else "", headers, rest[:length]),
            rest[length:])
