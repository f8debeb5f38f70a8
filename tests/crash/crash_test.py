#!/usr/bin/env python3
"""The crash test (issue 5): SIGKILL the gateway under load, then check nothing was lost.

  tests/crash/crash_test.py --isagw build/isagw --certs build/certs \\
      [--messages 10000] [--kills 5] [--senders 8] [--seed N] [--keep DIR]

1. Writes a temporary deployment (tests/crash/deployment.py) where
   la-staffordshire receives by push at a small mutual-TLS receiver run here
   (server certificate receiver.crt, client certificates from ca.crt). The
   receiver appends each Isagw-Delivery-Id it gets to a file, then answers 200.
2. Starts `isagw serve`, and --senders threads that send --messages distinct
   compact missing reports from police-derbys (a child looked after by
   Staffordshire, placed in Derby: one copy to la-derby's mailbox, one pushed to
   la-staffordshire), each with its own Idempotency-Key. An answer that never
   comes (the connection dropped) is retried with the SAME key until a 202
   comes back, as a real sender would.
3. Meanwhile SIGKILLs the gateway --kills times at random moments and restarts
   it. While it is down, outbox leases are released: a lease held by a killed
   worker would run out by itself after 5 minutes (DeliveryWorkerOptions.lease,
   not configurable); releasing it is that wait, fast-forwarded
   (--wait-leases to really wait instead).
4. After the last restart waits until every acknowledged message's deliveries
   are delivered (push) or available (mailbox), then checks:
   - every acknowledged message is in the store, once, with the answer it was
     acknowledged with (same message id and delivery ids);
   - no message is half-applied: every message row has exactly the outbox rows
     its stored answer names, its episode and its message_accepted audit entry,
     and no outbox row lacks its message;
   - the push receiver got every push delivery id; repeats of an id are counted
     (allowed: delivery is at least once, and the receiver can tell them by id);
   - la-derby, draining its mailbox (GET /v1/inbox, ack each), is given each
     mailbox delivery id exactly once;
   - `isagw audit verify --allow-unsigned` accepts the audit chain.
Prints the counts and exits 1 on any loss, half-applied message or failed check.

With --replicas N (issue 14): N gateways on one throw-away PostgreSQL
(scripts/pg-cluster) behind HAProxy in TCP mode, health-checked on /readyz;
the senders go through HAProxy. Each kill takes one replica at random (never
all at once) and starts it again under its name, which releases its own
leases; PostgreSQL itself is restarted --pg-restarts times (default 1). The
same checks follow, `isagw audit verify` reading the shared database, and
the audit chain is also walked here (hash links and head row) as a second
opinion independent of the gateway's code.
"""

import argparse
import hashlib
import http.client
import http.server
import json
import os
import random
import shutil
import signal
import socket
import sqlite3
import ssl
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import deployment  # noqa: E402

SOURCE_DIR = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
COMPACT = "application/vnd.isagw.compact+json"
FIRST_REF = 100000  # OccurrenceRef's last part needs 4-6 digits


class SqliteDatabase:
    """The single gateway's SQLite store, read-only."""

    def __init__(self, path):
        self.path = path

    def rows(self, sql):
        db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=30)
        try:
            return [tuple(str(v) if v is not None else None for v in row)
                    for row in db.execute(sql)]
        finally:
            db.close()


class PostgresDatabase:
    """The replicas' PostgreSQL store, read through psql (no Python driver needed)."""

    SEPARATOR = "\x1f"

    def __init__(self, dsn):
        self.dsn = dsn

    def rows(self, sql):
        out = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-F", self.SEPARATOR,
                              "-v", "ON_ERROR_STOP=1", "-d", self.dsn, "-c", sql],
                             capture_output=True, text=True, timeout=120)
        if out.returncode != 0:
            raise RuntimeError(f"psql failed: {out.stderr.strip()}")
        return [tuple(line.split(self.SEPARATOR)) for line in out.stdout.splitlines() if line]


def chain_hash(previous, seq, at, kind, body):
    """The audit chain's next hash (gateway/audit/audit_chain.h), computed
    here to check the gateway's own verifier."""
    h = hashlib.blake2b(digest_size=32)
    h.update(previous)
    h.update(seq.to_bytes(8, "little"))
    h.update(at.to_bytes(8, "little"))
    for text in (kind.encode(), body.encode()):
        h.update(len(text).to_bytes(8, "little"))
        h.update(text)
    return h.digest()


def verify_chain(db):
    """Walks the PostgreSQL audit chain from genesis; None when whole, else what broke."""
    previous, expected_seq = bytes(32), 1
    for seq, at, kind, body, prev_hash, stored in db.rows(
            "SELECT seq, at, kind, body, encode(prev_hash, 'hex'), encode(hash, 'hex')"
            " FROM audit ORDER BY seq"):
        seq, at = int(seq), int(at)
        if seq != expected_seq or bytes.fromhex(prev_hash) != previous:
            return f"entry {seq} does not follow entry {expected_seq - 1}"
        previous = chain_hash(previous, seq, at, kind, body)
        if previous.hex() != stored:
            return f"entry {seq} does not hash correctly"
        expected_seq += 1
    head = db.rows("SELECT seq, encode(hash, 'hex') FROM audit_head")
    if int(head[0][0]) != expected_seq - 1 or (expected_seq > 1 and head[0][1] != previous.hex()):
        return "the chain's head row does not match its last entry"
    return None


def log(text):
    print(f"[crash {time.strftime('%H:%M:%S')}] {text}", flush=True)


# ---------------------------------------------------------------- receiver


class Receiver(http.server.ThreadingHTTPServer):
    """la-staffordshire's endpoint: records each delivery id, answers 200."""

    daemon_threads = True
    request_queue_size = 64

    def __init__(self, certs, record_path):
        super().__init__(("127.0.0.1", 0), ReceiverHandler)
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.minimum_version = ssl.TLSVersion.TLSv1_2
        self.context.load_cert_chain(f"{certs}/receiver.crt", f"{certs}/receiver.key")
        self.context.load_verify_locations(f"{certs}/ca.crt")
        self.context.verify_mode = ssl.CERT_REQUIRED
        self.record = open(record_path, "a", encoding="ascii")
        self.lock = threading.Lock()
        self.posts = 0

    def get_request(self):
        sock, address = self.socket.accept()
        # The handshake runs on the handler's thread, not the accept loop.
        return self.context.wrap_socket(sock, server_side=True,
                                        do_handshake_on_connect=False), address

    def note(self, delivery_id):
        with self.lock:
            self.posts += 1
            self.record.write(delivery_id + "\n")
            self.record.flush()  # before the 200: an answered delivery is on record


class ReceiverHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the gateway's pusher expects

    def setup(self):
        self.request.settimeout(30)
        self.request.do_handshake()
        super().setup()

    def do_POST(self):  # noqa: N802 (http.server's naming)
        length = int(self.headers.get("Content-Length", "0"))
        self.rfile.read(length)
        delivery_id = self.headers.get("Isagw-Delivery-Id", "")
        if not delivery_id:
            self.send_response(400)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.server.note(delivery_id)
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


# ---------------------------------------------------------------- gateway


class Gateway:
    """`isagw serve` that can be killed and started again."""

    def __init__(self, binary, config, admin_port, log_path, wait_leases, shared_store=False):
        self.binary, self.config, self.admin_port = binary, config, admin_port
        self.log_path, self.wait_leases = log_path, wait_leases
        self.db_path = os.path.join(os.path.dirname(config), "var", "isagw.db")
        # A replica on a shared store releases its own leases when it starts
        # again (by its name): nothing to fast-forward here.
        self.shared_store = shared_store
        self.process = None
        self.starts = 0

    def start(self):
        self.starts += 1
        with open(self.log_path, "a") as out:
            out.write(f"---- start {self.starts}\n")
            out.flush()
            self.process = deployment.start(self.binary, self.config, self.admin_port, out)

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        if not self.wait_leases and not self.shared_store:
            self.release_leases()

    def stop(self):
        deployment.stop(self.process, timeout=60)

    def release_leases(self):
        # Nobody runs: every lease belongs to the killed process.
        db = sqlite3.connect(self.db_path, timeout=30)
        with db:
            db.execute("UPDATE outbox SET lease_until = NULL "
                       "WHERE state = 'pending' AND lease_until IS NOT NULL")
            db.execute("UPDATE timers SET lease_until = NULL "
                       "WHERE state = 'armed' AND lease_until IS NOT NULL")
        db.close()


class Balancer:
    """HAProxy before the replicas (deployment.haproxy_config), with checks
    fast enough for a test."""

    def __init__(self, work, replicas):
        self.port = deployment.free_port()
        self.config = os.path.join(work, "haproxy.cfg")
        with open(self.config, "w") as f:
            # Checks every 300 ms: a killed replica leaves the pool at once.
            f.write(deployment.haproxy_config(self.port, replicas, check_interval="300ms"))
        self.log = open(os.path.join(work, "haproxy.log"), "w")
        self.process = subprocess.Popen(["haproxy", "-db", "-f", self.config],
                                        stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("HAProxy did not start")

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)
        self.log.close()


# ---------------------------------------------------------------- sender


class Sender:
    """Sends every message until the gateway has acknowledged it (202)."""

    def __init__(self, args, api_port, template, run_id):
        self.args, self.api_port, self.template, self.run_id = args, api_port, template, run_id
        self.context = ssl.create_default_context(cafile=f"{args.certs}/ca.crt")
        self.context.load_cert_chain(f"{args.certs}/police-derbys.crt",
                                     f"{args.certs}/police-derbys.key")
        self.lock = threading.Lock()
        self.next_index = 0
        self.answers = {}          # index -> the 202 answer
        self.attempts = 0          # requests written
        self.dropped = 0           # requests whose answer never came
        self.connect_failures = 0  # connections refused or cut during the handshake
        self.retried = set()       # indices sent more than once
        self.refused = {}          # index -> status, for answers other than 202
        self.acknowledged = 0

    def key(self, index):
        return f"{self.run_id}-{index}"

    def body(self, index):
        record = dict(self.template, OccurrenceRef=f"DB/21/2026/{FIRST_REF + index}")
        return json.dumps(record).encode()

    def take(self):
        with self.lock:
            if self.next_index >= self.args.messages:
                return None
            self.next_index += 1
            return self.next_index - 1

    def run(self):
        connection = None
        index = self.take()
        tries = 0
        while index is not None:
            if connection is None:
                connection = http.client.HTTPSConnection("localhost", self.api_port,
                                                         context=self.context, timeout=60)
                try:
                    connection.connect()
                except OSError:
                    connection = None
                    with self.lock:
                        self.connect_failures += 1
                    time.sleep(0.05)
                    continue
            written = False
            try:
                connection.putrequest("POST", "/v1/messages")
                body = self.body(index)
                connection.putheader("Content-Type", COMPACT)
                connection.putheader("Content-Length", str(len(body)))
                connection.putheader("Idempotency-Key", self.key(index))
                connection.endheaders(body)
                written = True
                with self.lock:
                    self.attempts += 1
                    if tries:
                        self.retried.add(index)
                response = connection.getresponse()
                payload = response.read()
                status = response.status
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
                    connection = None
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = None
                if written:
                    with self.lock:
                        self.dropped += 1
                tries += 1
                time.sleep(0.02)
                continue  # the same message again, with the same key
            if status == 202:
                with self.lock:
                    self.answers[index] = json.loads(payload)
                    self.acknowledged += 1
            elif status in (429, 503) and tries < 1000:
                tries += 1
                time.sleep(0.1)
                continue
            else:
                with self.lock:
                    self.refused[index] = status
            index = self.take()
            tries = 0
        if connection is not None:
            connection.close()


# ---------------------------------------------------------------- checks


def inbox_drain(certs, port, agency):
    """Empties `agency`'s mailbox as its system would: GET /v1/inbox (at most
    500 items a page, oldest first, no cursor needed), then POST .../ack for each, until
    the list is empty. Returns every delivery id listed, in order: an id listed
    again after its ack would show twice."""
    context = ssl.create_default_context(cafile=f"{certs}/ca.crt")
    context.load_cert_chain(f"{certs}/{agency}.crt", f"{certs}/{agency}.key")
    connection = http.client.HTTPSConnection("localhost", port, context=context, timeout=60)
    listed = []
    try:
        while True:
            connection.request("GET", "/v1/inbox?limit=500")
            response = connection.getresponse()
            page = json.loads(response.read() or b"{}")
            if response.status != 200:
                raise RuntimeError(f"GET /v1/inbox answered {response.status}")
            items = page.get("items", [])
            if not items:
                return listed
            for item in items:
                delivery_id = item["delivery_id"]
                listed.append(delivery_id)
                connection.request("POST", f"/v1/inbox/{delivery_id}/ack", body=b"")
                ack = connection.getresponse()
                ack.read()
                if ack.status != 204:
                    raise RuntimeError(f"POST /v1/inbox/{{id}}/ack answered {ack.status}")
            if len(listed) > 10_000_000:
                raise RuntimeError("the inbox never empties")
    finally:
        connection.close()


def wait_for_deliveries(db, expected, timeout):
    """Waits until every expected delivery is delivered (push) or available (mailbox)."""
    deadline = time.monotonic() + timeout
    missing = set(expected)
    while True:
        done = {row[0] for row in db.rows(
            "SELECT id FROM outbox WHERE (mode = 'push' AND state = 'delivered') "
            "OR (mode = 'mailbox' AND state = 'available')")}
        missing -= done
        if not missing or time.monotonic() > deadline:
            return missing
        time.sleep(0.5)


def wait_for_timers(db, timeout):
    """Waits until no safeguarding timer that is due is still armed; returns how many are."""
    deadline = time.monotonic() + timeout
    while True:
        due = int(db.rows("SELECT COUNT(*) FROM timers WHERE state = 'armed' "
                          f"AND due_at <= {int(time.time())}")[0][0])
        if due == 0 or time.monotonic() > deadline:
            return due
        time.sleep(0.5)


def escalation_deliveries(db):
    """The copies of every escalation the safeguarding timers raised."""
    rows = db.rows("SELECT o.id, o.recipient, o.mode FROM outbox o JOIN messages m "
                   "ON m.id = o.message_id WHERE m.kind = 'escalation'")
    return {delivery_id: (recipient, mode) for delivery_id, recipient, mode in rows}


def check_timers(db):
    """Each fired timer raised exactly one escalation, and nothing due stayed armed."""
    states = {state: int(n) for state, n in
              db.rows("SELECT state, COUNT(*) FROM timers GROUP BY state")}
    escalations = int(db.rows(
        "SELECT COUNT(*) FROM messages WHERE kind = 'escalation'")[0][0])
    raised_twice = int(db.rows(
        "SELECT COUNT(*) FROM (SELECT idempotency_key FROM messages WHERE kind = 'escalation' "
        "GROUP BY idempotency_key HAVING COUNT(*) > 1) AS twice")[0][0])
    fired_without_message = int(db.rows(
        "SELECT COUNT(*) FROM timers t WHERE t.state = 'fired' AND NOT EXISTS "
        "(SELECT 1 FROM messages m WHERE m.id = t.message_id AND m.kind = 'escalation' "
        "AND m.idempotency_key = 'timer:' || t.id)")[0][0])
    return {"armed": states.get("armed", 0), "fired": states.get("fired", 0),
            "cancelled": states.get("cancelled", 0), "failed": states.get("failed", 0),
            "escalations": escalations, "raised_twice": raised_twice,
            "fired_without_message": fired_without_message}


def check_store(db, sender, run_id):
    """Counts what the store holds against what was acknowledged."""
    messages = {row[0]: (row[1], json.loads(row[2])) for row in db.rows(
        "SELECT id, idempotency_key, answer FROM messages WHERE sender = 'police-derbys'")}
    outbox = {}
    for delivery_id, message_id, recipient, mode, state in db.rows(
            "SELECT id, message_id, recipient, mode, state FROM outbox"):
        outbox.setdefault(message_id, {})[delivery_id] = (recipient, mode, state)
    orphans = int(db.rows("SELECT COUNT(*) FROM outbox o WHERE NOT EXISTS "
                          "(SELECT 1 FROM messages m WHERE m.id = o.message_id)")[0][0])
    episodes = {row[0] for row in db.rows("SELECT police_ref FROM episodes")}
    accepted_audit = int(db.rows(
        "SELECT COUNT(*) FROM audit WHERE kind = 'message_accepted'")[0][0])

    by_key = {}
    for message_id, (key, _) in messages.items():
        by_key.setdefault(key, []).append(message_id)

    result = {"messages_in_store": len(messages), "orphan_outbox_rows": orphans,
              "audit_message_accepted": accepted_audit}
    half_applied = []
    for message_id, (_, answer) in messages.items():
        named = {r["delivery_id"] for r in answer.get("recipients", [])}
        rows = set(outbox.get(message_id, {}))
        ref = answer.get("episode", {}).get("police_ref")
        if named != rows or not rows or ref not in episodes:
            half_applied.append(message_id)
    result["half_applied"] = len(half_applied) + orphans

    missing, mismatched = [], []
    for index, answer in sender.answers.items():
        stored = by_key.get(f"{run_id}-{index}", [])
        if len(stored) != 1:
            missing.append(index)
        elif stored[0] != answer["message_id"]:
            mismatched.append(index)
    result["missing"] = len(missing)
    result["answer_mismatch"] = len(mismatched)
    result["duplicate_messages"] = sum(len(ids) - 1 for ids in by_key.values() if len(ids) > 1)
    keys_sent = {f"{run_id}-{i}" for i in range(sender.args.messages)}
    result["unknown_messages"] = sum(1 for key in by_key if key not in keys_sent)
    return result


# ---------------------------------------------------------------- main


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--isagw", required=True, help="the isagw binary")
    parser.add_argument("--certs", required=True, help="certificates from make-certs.sh")
    parser.add_argument("--messages", type=int, default=10000)
    parser.add_argument("--kills", type=int, default=5)
    parser.add_argument("--senders", type=int, default=8, help="messages in flight at once")
    parser.add_argument("--seed", type=int, default=None, help="random seed (printed)")
    parser.add_argument("--drain-timeout", type=float, default=600,
                        help="seconds to wait for deliveries after the last restart")
    parser.add_argument("--wait-leases", action="store_true",
                        help="do not release a killed gateway's leases (drain waits 5 min)")
    parser.add_argument("--replicas", type=int, default=0,
                        help="run N replicas on PostgreSQL behind HAProxy instead of one "
                             "gateway on SQLite; each kill takes one replica, never all")
    parser.add_argument("--pg-restarts", type=int, default=1,
                        help="with --replicas: restart PostgreSQL this often during the run")
    parser.add_argument("--keep", help="keep the deployment in this directory")
    parser.add_argument("--json", help="also write the counts as JSON to this file")
    args = parser.parse_args()
    if args.messages < 1 or args.messages > 899999 or args.kills < 0 or args.senders < 1:
        parser.error("--messages 1..899999, --kills >= 0, --senders >= 1")
    if args.replicas < 0 or args.replicas == 1 or args.pg_restarts < 0:
        parser.error("--replicas 0 (one gateway on SQLite) or 2 or more, --pg-restarts >= 0")
    args.isagw = os.path.abspath(args.isagw)
    args.certs = os.path.abspath(args.certs)
    return args


def main():
    args = parse_args()
    seed = args.seed if args.seed is not None else random.randrange(1 << 31)
    rng = random.Random(seed)
    if args.keep:
        shutil.rmtree(args.keep, ignore_errors=True)
        os.makedirs(args.keep)
        work = os.path.abspath(args.keep)
    else:
        work = tempfile.mkdtemp(prefix="isagw-crash.")
    log(f"seed {seed}, {args.messages} messages, {args.kills} kills, work dir {work}")

    receiver = Receiver(args.certs, os.path.join(work, "received.txt"))
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    delivery = {"workers": 4, "retry_initial": "1s", "retry_max": "5s"}
    cluster = os.path.join(work, "pg")
    balancer = None
    gateways = []
    if args.replicas:
        subprocess.run([os.path.join(SOURCE_DIR, "scripts", "pg-cluster"), "start", cluster],
                       check=True, stdout=subprocess.DEVNULL)
        with open(os.path.join(cluster, "dsn")) as f:
            dsn = f.read().strip()
        db = PostgresDatabase(dsn)
        for n in range(1, args.replicas + 1):
            # Every replica shares the database and the key directory.
            store = {"kind": "postgres", "key_dir": os.path.join(work, "keys"),
                     "postgres": {"dsn": dsn, "pool": 8, "replica": f"gateway-{n}"}}
            config, api, admin = deployment.write(
                os.path.join(work, f"gateway-{n}"), SOURCE_DIR, args.certs,
                push_port=receiver.server_address[1], log_level="warn",
                delivery_overrides=delivery, store=store)
            gateways.append((Gateway(args.isagw, config, admin,
                                     os.path.join(work, f"gateway-{n}.log"), args.wait_leases,
                                     shared_store=True), api))
    else:
        config, api_port, admin_port = deployment.write(
            work, SOURCE_DIR, args.certs, push_port=receiver.server_address[1],
            log_level="warn", delivery_overrides=delivery)
        gateways.append((Gateway(args.isagw, config, admin_port,
                                 os.path.join(work, "gateway.log"), args.wait_leases), api_port))
        db = SqliteDatabase(gateways[0][0].db_path)
    with open(os.path.join(SOURCE_DIR, "docs", "examples", "compact",
                           "formats-example.json")) as f:
        template = json.load(f)
    run_id = f"crash{seed}"
    failures = []
    started = time.monotonic()
    pg_restarts = 0
    try:
        # The first replica makes the keys and the schema; the others share them.
        for gateway, _ in gateways:
            gateway.start()
        if args.replicas:
            balancer = Balancer(work, [(api, g.admin_port) for g, api in gateways])
            api_port = balancer.port
        else:
            api_port = gateways[0][1]
        sender = Sender(args, api_port, template, run_id)
        threads = [threading.Thread(target=sender.run, daemon=True) for _ in range(args.senders)]
        for thread in threads:
            thread.start()

        # Kill at random moments: after a random number of acknowledgements,
        # plus a random fraction of a second.
        low, high = args.messages // 10, max(args.messages // 10 + 1, args.messages * 9 // 10)
        events = [("kill", rng.randrange(low, high)) for _ in range(args.kills)]
        if args.replicas:
            events += [("pg", rng.randrange(low, high)) for _ in range(args.pg_restarts)]
        kills = 0
        for what, mark in sorted(events, key=lambda event: event[1]):
            while sender.acknowledged < mark and any(t.is_alive() for t in threads):
                time.sleep(0.005)
            time.sleep(rng.uniform(0, 0.3))
            if what == "pg":
                pg_restarts += 1
                log(f"PostgreSQL restart after {sender.acknowledged} acknowledged")
                subprocess.run([os.path.join(SOURCE_DIR, "scripts", "pg-cluster"), "restart",
                                cluster], check=True, stdout=subprocess.DEVNULL)
                continue
            # One replica at a time: the others go on serving.
            victim = rng.randrange(len(gateways))
            gateway = gateways[victim][0]
            gateway.kill()
            kills += 1
            log(f"kill {kills}: SIGKILL gateway {victim + 1} after {sender.acknowledged} "
                "acknowledged")
            time.sleep(rng.uniform(0, 0.5))
            gateway.start()
        for thread in threads:
            thread.join()
        sent_seconds = time.monotonic() - started
        log(f"all sent in {sent_seconds:.1f} s; waiting for deliveries")

        expected = {}
        for answer in sender.answers.values():
            for r in answer.get("recipients", []):
                expected[r["delivery_id"]] = (r["agency"], r["mode"])
        # The example records are old and at high risk: each arms a high-risk
        # alert and 72-hour and five-day timers already due, fired while the
        # gateway is being killed. Their copies are expected like the rest.
        timers_due_unfired = wait_for_timers(db, args.drain_timeout)
        escalations = escalation_deliveries(db)
        expected.update(escalations)
        undelivered = wait_for_deliveries(db, expected, args.drain_timeout)
        drained_seconds = time.monotonic() - started - sent_seconds
        mailbox = inbox_drain(args.certs, api_port, "la-derby")
        for gateway, _ in gateways:
            gateway.stop()

        counts = {"seed": seed, "sent": args.messages, "attempts": sender.attempts,
                  "acknowledged": sender.acknowledged, "refused": len(sender.refused),
                  "dropped": sender.dropped, "retried_messages": len(sender.retried),
                  "connect_failures": sender.connect_failures, "kills": kills,
                  "restarts": sum(g.starts for g, _ in gateways) - len(gateways),
                  "replicas": args.replicas, "pg_restarts": pg_restarts,
                  "send_seconds": round(sent_seconds, 1),
                  "drain_seconds": round(drained_seconds, 1),
                  "undelivered": len(undelivered)}
        counts.update(check_store(db, sender, run_id))
        counts["timers"] = check_timers(db)
        counts["timers"]["due_unfired"] = timers_due_unfired
        counts["timers"]["escalation_copies"] = len(escalations)

        push_expected = {d for d, (agency, mode) in expected.items() if mode == "push"}
        mailbox_expected = {d for d, (agency, mode) in expected.items()
                            if mode == "mailbox" and agency == "la-derby"}
        with open(os.path.join(work, "received.txt"), encoding="ascii") as f:
            received = [line.strip() for line in f if line.strip()]
        received_set = set(received)
        counts["push"] = {"expected": len(push_expected), "received_posts": len(received),
                          "distinct": len(received_set),
                          "duplicates": len(received) - len(received_set),
                          "missing": len(push_expected - received_set),
                          "unexpected": len(received_set - push_expected)}
        counts["mailbox_la_derby"] = {"expected": len(mailbox_expected),
                                      "listed": len(mailbox),
                                      "distinct": len(set(mailbox)),
                                      "listed_twice": len(mailbox) - len(set(mailbox)),
                                      "missing": len(mailbox_expected - set(mailbox)),
                                      "unexpected": len(set(mailbox) - mailbox_expected)}

        # The last replica's configuration reads the same shared database.
        verify = subprocess.run([args.isagw, "audit", "verify", "--config", config,
                                 "--allow-unsigned"], capture_output=True, text=True)
        counts["audit_verify"] = ("ok" if verify.returncode == 0
                                  else f"exit {verify.returncode}")
        if verify.returncode != 0:
            sys.stderr.write(verify.stdout + verify.stderr)
        if args.replicas:
            # A second opinion, independent of the gateway's code: the
            # chain walked here, with the head row replicas append under.
            broken = verify_chain(db)
            counts["audit_chain_walk"] = "ok" if broken is None else broken

        if sender.refused:
            failures.append(f"{len(sender.refused)} messages refused (statuses "
                            f"{sorted(set(sender.refused.values()))})")
        for name in ("missing", "half_applied", "answer_mismatch", "duplicate_messages",
                     "unknown_messages", "undelivered"):
            if counts[name]:
                failures.append(f"{name}: {counts[name]}")
        for name in ("due_unfired", "raised_twice", "fired_without_message", "failed"):
            if counts["timers"][name]:
                failures.append(f"timers {name}: {counts['timers'][name]}")
        if counts["timers"]["fired"] != counts["timers"]["escalations"]:
            failures.append("fired timers differ from escalations raised")
        if counts["timers"]["fired"] == 0:
            failures.append("no safeguarding timer fired: the test proves nothing about them")
        if (counts["audit_message_accepted"]
                != counts["messages_in_store"] + counts["timers"]["escalations"]):
            failures.append("message_accepted audit entries differ from messages")
        for part in ("push", "mailbox_la_derby"):
            for name in ("missing", "unexpected"):
                if counts[part][name]:
                    failures.append(f"{part} {name}: {counts[part][name]}")
        if counts["mailbox_la_derby"]["listed_twice"]:
            failures.append("an inbox listed a delivery twice")
        if counts["audit_verify"] != "ok":
            failures.append(f"audit verify failed: {counts['audit_verify']}")
        if counts.get("audit_chain_walk", "ok") != "ok":
            failures.append(f"audit chain walk failed: {counts['audit_chain_walk']}")
    except Exception as error:  # noqa: BLE001 (report whatever stopped the run)
        failures.append(f"run stopped: {error}")
        counts = None
    finally:
        for gateway, _ in gateways:
            gateway.stop()
        if balancer is not None:
            balancer.stop()
        if args.replicas and not args.keep:
            subprocess.run([os.path.join(SOURCE_DIR, "scripts", "pg-cluster"), "stop", cluster],
                           stdout=subprocess.DEVNULL, check=False)
        receiver.shutdown()

    if counts is not None:
        print(f"sent {counts['sent']}  acknowledged {counts['acknowledged']}  "
              f"refused {counts['refused']}  dropped (answer lost) {counts['dropped']}  "
              f"retried {counts['retried_messages']}  kills {counts['kills']}  "
              f"replicas {counts['replicas']}  PostgreSQL restarts {counts['pg_restarts']}")
        print(f"store: messages {counts['messages_in_store']}  missing {counts['missing']}  "
              f"half-applied {counts['half_applied']}  duplicates "
              f"{counts['duplicate_messages']}  audit {counts['audit_verify']}")
        push, box = counts["push"], counts["mailbox_la_derby"]
        print(f"la-staffordshire (push): expected {push['expected']}  distinct "
              f"{push['distinct']}  duplicates seen by receiver {push['duplicates']}  "
              f"missing {push['missing']}")
        print(f"la-derby (mailbox): expected {box['expected']}  listed {box['listed']}  "
              f"missing {box['missing']}  listed twice {box['listed_twice']}")
        t = counts["timers"]
        print(f"safeguarding timers: fired {t['fired']}  escalations {t['escalations']}  "
              f"copies {t['escalation_copies']}  raised twice {t['raised_twice']}  "
              f"due but unfired {t['due_unfired']}  failed {t['failed']}")
        print(json.dumps(counts))
        if args.json:
            with open(args.json, "w") as f:
                json.dump(counts, f, indent=2)
    for failure in failures:
        print(f"FAIL: {failure}")
    if not args.keep and not failures:
        shutil.rmtree(work, ignore_errors=True)
    elif failures:
        print(f"kept {work} for inspection")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
