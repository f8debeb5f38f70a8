"""Hostile scenarios that are more than one request on one connection
(hostile_test.py runs them after the cases): many idle connections at once,
every slot held, a client that never reads its answers, a client that asks
to renegotiate a live TLS 1.2 connection, and an ISA that ended at the
midnight just gone, reloaded into the running gateway.

Each scenario takes the running harness.Gateway and returns its failures
(empty when it holds). Timeouts only keep a broken gateway from hanging
the run; nothing asserts on time.
"""

import datetime
import json
import os
import re
import resource
import selectors
import socket
import ssl
import time
import zoneinfo

from OpenSSL import SSL

import cases
import harness

INBOX = b"GET /v1/inbox HTTP/1.1\r\nHost: localhost\r\n\r\n"

# Well under the example's max_connections (2000), so every one is taken.
IDLE_IDENTIFIED = 1000
IDLE_UNIDENTIFIED = 500

# A gateway of its own whose slots are all taken: its cap, and timeouts
# long enough that nothing leaves by itself while the slots fill.
FULL_CAP = 300
FULL_LIMITS = {"max_connections": FULL_CAP, "handshake_timeout": "60s", "idle_timeout": "60s",
               "read_timeout": "60s"}
REFUSED_AT_CAP = 'isagw_connections_refused_total{reason="max_connections"}'


def served(gateway):
    """A fresh client's GET /v1/inbox is answered 200."""
    exchange = gateway.exchange(INBOX)
    return [r.status for r in exchange.responses] == [200]


def closed_by_peer(sock):
    """True once the gateway has closed `sock` (EOF or reset)."""
    try:
        return sock.recv(1) == b""
    except ssl.SSLError:
        return True  # a close_notify or alert and then EOF
    except (BlockingIOError, ssl.SSLWantReadError):
        return False
    except OSError:
        return True


def raise_descriptor_limit(connections):
    """Two descriptors a connection on loopback (the gateway inherits the
    limit)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = 2 * connections + 200
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, wanted), hard))


def hold(gateway, identified, silent):
    """Opens `identified` police-derbys connections, then `silent` that
    never start TLS."""
    ctx = gateway.context("police-derbys")
    held = []
    for _ in range(identified):
        sock = socket.create_connection(("127.0.0.1", gateway.api_port), timeout=10)
        held.append(ctx.wrap_socket(sock, server_hostname="localhost"))
    for _ in range(silent):
        held.append(socket.create_connection(("127.0.0.1", gateway.api_port), timeout=10))
    return held


def idle_connections(gateway):
    """A thousand identified connections and five hundred that never start
    TLS, all idle: the gateway still serves a new client while they are
    open, cuts each off at its timeout (idle, handshake), and serves after."""
    failures = []
    raise_descriptor_limit(IDLE_IDENTIFIED + IDLE_UNIDENTIFIED + 10)
    before = gateway.snapshot()
    held = []
    try:
        held = hold(gateway, IDLE_IDENTIFIED, IDLE_UNIDENTIFIED)
        if not served(gateway):
            failures.append(f"a new client was not served beside {len(held)} idle connections")
        # epoll: select() cannot watch descriptors past 1024.
        watch = selectors.DefaultSelector()
        for sock in held:
            sock.setblocking(False)
            watch.register(sock, selectors.EVENT_READ)
        still_open = len(held)
        deadline = time.monotonic() + 60
        while still_open and time.monotonic() < deadline:
            for key, _ in watch.select(timeout=1.0):
                if closed_by_peer(key.fileobj):
                    watch.unregister(key.fileobj)
                    still_open -= 1
        watch.close()
        if still_open:
            failures.append(f"{still_open} of {len(held)} idle connections were never closed")
    finally:
        for sock in held:
            sock.close()
    if not served(gateway):
        failures.append("a new client was not served after the idle connections")
    after = gateway.snapshot()
    changed = {t: (before[t], after[t]) for t in before if t != "audit" and before[t] != after[t]}
    if changed:
        failures.append(f"idle connections changed the store: {changed}")
    return failures


def never_reads(gateway):
    """A client pipelines more requests than a connection may carry and
    never reads an answer: the gateway goes on serving others, and ends
    the connection (at its request limit, or when writing times out)
    instead of holding it and its answers for ever."""
    failures = []
    active = gateway.metric("isagw_connections_active")
    sock = socket.create_connection(("127.0.0.1", gateway.api_port), timeout=10)
    # A small receive window, so unread answers back up to the gateway.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    tls = gateway.context("la-derby").wrap_socket(sock, server_hostname="localhost")
    try:
        try:
            tls.sendall(INBOX * 1500)  # the example allows 1,000 a connection
        except OSError:
            pass  # the gateway may end it before the last byte is taken
        if not served(gateway):
            failures.append("a new client was not served beside one that never reads")
        deadline = time.monotonic() + 60
        while gateway.metric("isagw_connections_active") > active and time.monotonic() < deadline:
            time.sleep(0.2)
        if gateway.metric("isagw_connections_active") > active:
            failures.append("the connection that never reads was never ended")
    finally:
        tls.close()
    return failures


def renegotiation(gateway):
    """A client that asks to renegotiate a live TLS 1.2 connection gets no
    second handshake, and the gateway goes on serving others."""
    failures = []
    ctx = SSL.Context(SSL.TLS_CLIENT_METHOD)
    ctx.set_max_proto_version(SSL.TLS1_2_VERSION)
    ctx.use_certificate_file(os.path.join(gateway.certs, "police-derbys.crt"))
    ctx.use_privatekey_file(os.path.join(gateway.certs, "police-derbys.key"))
    ctx.load_verify_locations(os.path.join(gateway.certs, "ca.crt"))
    sock = socket.create_connection(("127.0.0.1", gateway.api_port), timeout=10)
    # pyOpenSSL wants a blocking socket; the gateway's own timeouts bound it.
    sock.settimeout(None)
    conn = SSL.Connection(ctx, sock)
    conn.set_tlsext_host_name(b"localhost")
    conn.set_connect_state()
    try:
        conn.do_handshake()
        if conn.get_protocol_version_name() != "TLSv1.2":
            failures.append(f"expected TLSv1.2, got {conn.get_protocol_version_name()}")
        if not conn.renegotiate():
            failures.append("the client could not even ask to renegotiate")
        refusal = ""
        try:
            conn.do_handshake()
            conn.sendall(INBOX)
            conn.recv(65536)
        except (SSL.Error, OSError) as error:
            refusal = repr(error)  # OpenSSL: "no renegotiation", the server's alert
        # A renegotiation that completed is no longer pending.
        if not conn.renegotiate_pending():
            failures.append("the gateway renegotiated a live connection")
        elif "no renegotiation" not in refusal:
            failures.append(f"expected the no_renegotiation alert, got {refusal or 'nothing'}")
    except SSL.Error as error:
        failures.append(f"the first handshake failed: {error!r}")
    finally:
        conn.close()
    if not served(gateway):
        failures.append("a new client was not served after a renegotiation attempt")
    return failures


def post_missing(gateway, ref):
    """police-derbys reports a Derby child missing; the answer's JSON."""
    body = json.dumps(cases.compact_record(ref)).encode()
    exchange = gateway.exchange(cases.request(body=body))
    finals = [r for r in exchange.responses if r.status >= 200]
    return finals[0].status if finals else None, finals[0].json() if finals else None


def copy_for(answer, agency):
    """Whether `answer` gave `agency` a copy, and why not when it did not."""
    answer = answer or {}
    if any(r.get("agency") == agency for r in answer.get("recipients", [])):
        return True, ""
    reasons = [r.get("reason", "") for r in answer.get("not_sent", []) if r.get("agency") == agency]
    return False, " ".join(reasons)


def isa_expired_at_midnight(gateway):
    """ISA-DERBY-2026 made to end yesterday (UK calendar) and reloaded: from
    the midnight just gone, a Derbyshire report reaches la-derby no more,
    and the answer says the ISA has expired; restored, it does again."""
    failures = []
    path = os.path.join(gateway.policies, "isa-derby-2026.yaml")
    with open(path) as f:
        original = f.read()
    yesterday = datetime.datetime.now(zoneinfo.ZoneInfo("Europe/London")).date() - \
        datetime.timedelta(days=1)
    # review_by must fall within the ISA's life: it ends with it.
    ended = re.sub(r"(?m)^(valid_until|review_by): .*$", rf"\1: {yesterday.isoformat()}",
                   original)
    if ended == original:
        return ["isa-derby-2026.yaml has no valid_until line to change"]

    status, answer = post_missing(gateway, "DB/21/2026/095001")
    if status != 202 or not copy_for(answer, "la-derby")[0]:
        failures.append(f"before: expected 202 with a copy for la-derby, got {status} {answer}")
    try:
        with open(path, "w") as f:
            f.write(ended)
        outcome = gateway.reload()
        if outcome != "applied":
            return failures + [f"the reload of the ended ISA was {outcome}"]
        status, answer = post_missing(gateway, "DB/21/2026/095002")
        sent, why = copy_for(answer, "la-derby")
        if status != 202 or sent:
            failures.append(f"after midnight: expected 202 with no copy for la-derby, "
                            f"got {status} {answer}")
        elif "expired" not in why:
            failures.append(f"after midnight: la-derby not sent a copy, but not for the "
                            f"expiry: {why!r}")
    finally:
        with open(path, "w") as f:
            f.write(original)
        if gateway.reload() != "applied":
            failures.append("the restored ISA did not reload")
    status, answer = post_missing(gateway, "DB/21/2026/095003")
    if status != 202 or not copy_for(answer, "la-derby")[0]:
        failures.append(f"restored: expected 202 with a copy for la-derby, got {status} {answer}")
    return failures


def every_slot_held(gateway):
    """A gateway whose every slot is held by idle connections, half of them
    identified and half silent (never starting TLS): an agency still gets
    in, in the slot of the oldest silent one; with every slot identified,
    a new connection is refused and the identified ones are kept."""
    failures = []
    raise_descriptor_limit(FULL_CAP + 10)
    work = os.path.join(gateway.work, "every-slot-held")
    os.makedirs(work)
    full = harness.Gateway(gateway.isagw, gateway.certs, gateway.source, work, limits=FULL_LIMITS)
    full.start()
    held = []
    try:
        held = hold(full, FULL_CAP // 2, FULL_CAP - FULL_CAP // 2)
        deadline = time.monotonic() + 30
        while full.metric("isagw_connections_active") < FULL_CAP and time.monotonic() < deadline:
            time.sleep(0.1)
        if full.metric("isagw_connections_active") != FULL_CAP:
            return [f"the {FULL_CAP} slots never filled"]
        if not served(full):
            failures.append("an agency was not served with every slot held")
        # It took one silent connection's slot (and freed it when it left).
        if full.metric("isagw_connections_evicted_total") != 1:
            failures.append("the new client did not take exactly one silent connection's slot")
        refused_before = full.metric(REFUSED_AT_CAP)
        for sock in held[FULL_CAP // 2:]:
            sock.close()
        held = held[:FULL_CAP // 2] + hold(full, FULL_CAP - FULL_CAP // 2, 0)
        time.sleep(1)  # the last handshakes are identified
        if served(full):
            failures.append("a new client took the slot of an identified connection")
        if full.metric(REFUSED_AT_CAP) <= refused_before:
            failures.append("with every slot identified, the new client was not refused")
        held[0].sendall(INBOX)
        if b" 200 " not in held[0].recv(65536):
            failures.append("the oldest identified connection was not kept")
    finally:
        for sock in held:
            sock.close()
        full.stop()
    return failures


SCENARIOS = [
    ("a thousand idle identified connections and five hundred that never start TLS",
     idle_connections),
    ("every slot held by idle connections, identified and silent", every_slot_held),
    ("a client that pipelines past the request limit and never reads an answer", never_reads),
    ("a renegotiation attempt on a live TLS 1.2 connection", renegotiation),
    ("an ISA that expired at midnight, reloaded into the running gateway",
     isa_expired_at_midnight),
]
