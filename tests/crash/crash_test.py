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
"""

import argparse
import http.client
import http.server
import json
import os
import random
import shutil
import signal
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

    def __init__(self, binary, config, admin_port, log_path, wait_leases):
        self.binary, self.config, self.admin_port = binary, config, admin_port
        self.log_path, self.wait_leases = log_path, wait_leases
        self.db = os.path.join(os.path.dirname(config), "var", "isagw.db")
        self.process = None
        self.starts = 0

    def start(self):
        self.starts += 1
        with open(self.log_path, "a") as out:
            out.write(f"---- start {self.starts}\n")
            out.flush()
            self.process = subprocess.Popen([self.binary, "serve", "--config", self.config],
                                            stdout=out, stderr=subprocess.STDOUT)
        if not deployment.wait_ready(self.admin_port, self.process):
            raise RuntimeError(f"the gateway did not become ready (log: {self.log_path})")

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        if not self.wait_leases:
            self.release_leases()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def release_leases(self):
        # Nobody runs: every lease belongs to the killed process.
        db = sqlite3.connect(self.db, timeout=30)
        with db:
            db.execute("UPDATE outbox SET lease_until = NULL "
                       "WHERE state = 'pending' AND lease_until IS NOT NULL")
            db.execute("UPDATE timers SET lease_until = NULL "
                       "WHERE state = 'armed' AND lease_until IS NOT NULL")
        db.close()


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


def wait_for_deliveries(db_path, expected, timeout):
    """Waits until every expected delivery is delivered (push) or available (mailbox)."""
    deadline = time.monotonic() + timeout
    missing = set(expected)
    while True:
        db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=30)
        done = {row[0] for row in db.execute(
            "SELECT id FROM outbox WHERE (mode = 'push' AND state = 'delivered') "
            "OR (mode = 'mailbox' AND state = 'available')")}
        db.close()
        missing -= done
        if not missing or time.monotonic() > deadline:
            return missing
        time.sleep(0.5)


def wait_for_timers(db_path, timeout):
    """Waits until no safeguarding timer that is due is still armed; returns how many are."""
    deadline = time.monotonic() + timeout
    while True:
        db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=30)
        due = db.execute("SELECT COUNT(*) FROM timers WHERE state = 'armed' AND due_at <= ?",
                         (int(time.time()),)).fetchone()[0]
        db.close()
        if due == 0 or time.monotonic() > deadline:
            return due
        time.sleep(0.5)


def escalation_deliveries(db_path):
    """The copies of every escalation the safeguarding timers raised."""
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=30)
    rows = db.execute("SELECT o.id, o.recipient, o.mode FROM outbox o JOIN messages m "
                      "ON m.id = o.message_id WHERE m.kind = 'escalation'").fetchall()
    db.close()
    return {delivery_id: (recipient, mode) for delivery_id, recipient, mode in rows}


def check_timers(db_path):
    """Each fired timer raised exactly one escalation, and nothing due stayed armed."""
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=30)
    states = dict(db.execute("SELECT state, COUNT(*) FROM timers GROUP BY state").fetchall())
    escalations = db.execute(
        "SELECT COUNT(*) FROM messages WHERE kind = 'escalation'").fetchone()[0]
    raised_twice = db.execute(
        "SELECT COUNT(*) FROM (SELECT idempotency_key FROM messages WHERE kind = 'escalation' "
        "GROUP BY idempotency_key HAVING COUNT(*) > 1)").fetchone()[0]
    fired_without_message = db.execute(
        "SELECT COUNT(*) FROM timers t WHERE t.state = 'fired' AND NOT EXISTS "
        "(SELECT 1 FROM messages m WHERE m.id = t.message_id AND m.kind = 'escalation' "
        "AND m.idempotency_key = 'timer:' || t.id)").fetchone()[0]
    db.close()
    return {"armed": states.get("armed", 0), "fired": states.get("fired", 0),
            "cancelled": states.get("cancelled", 0), "failed": states.get("failed", 0),
            "escalations": escalations, "raised_twice": raised_twice,
            "fired_without_message": fired_without_message}


def check_store(db_path, sender, run_id):
    """Counts what the store holds against what was acknowledged."""
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    messages = {row[0]: (row[1], json.loads(row[2])) for row in db.execute(
        "SELECT id, idempotency_key, answer FROM messages WHERE sender = 'police-derbys'")}
    outbox = {}
    for delivery_id, message_id, recipient, mode, state in db.execute(
            "SELECT id, message_id, recipient, mode, state FROM outbox"):
        outbox.setdefault(message_id, {})[delivery_id] = (recipient, mode, state)
    orphans = db.execute("SELECT COUNT(*) FROM outbox o WHERE NOT EXISTS "
                         "(SELECT 1 FROM messages m WHERE m.id = o.message_id)").fetchone()[0]
    episodes = {row[0] for row in db.execute("SELECT police_ref FROM episodes")}
    accepted_audit = db.execute(
        "SELECT COUNT(*) FROM audit WHERE kind = 'message_accepted'").fetchone()[0]
    db.close()

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
    parser.add_argument("--keep", help="keep the deployment in this directory")
    parser.add_argument("--json", help="also write the counts as JSON to this file")
    args = parser.parse_args()
    if args.messages < 1 or args.messages > 899999 or args.kills < 0 or args.senders < 1:
        parser.error("--messages 1..899999, --kills >= 0, --senders >= 1")
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
    config, api_port, admin_port = deployment.write(
        work, SOURCE_DIR, args.certs, push_port=receiver.server_address[1],
        log_level="warn", delivery_overrides={"workers": 4, "retry_initial": "1s",
                                              "retry_max": "5s"})
    gateway = Gateway(args.isagw, config, admin_port, os.path.join(work, "gateway.log"),
                      args.wait_leases)
    with open(os.path.join(SOURCE_DIR, "docs", "examples", "compact",
                           "formats-example.json")) as f:
        template = json.load(f)
    run_id = f"crash{seed}"
    sender = Sender(args, api_port, template, run_id)
    failures = []
    started = time.monotonic()
    try:
        gateway.start()
        threads = [threading.Thread(target=sender.run, daemon=True) for _ in range(args.senders)]
        for thread in threads:
            thread.start()

        # Kill at random moments: after a random number of acknowledgements,
        # plus a random fraction of a second.
        low, high = args.messages // 10, max(args.messages // 10 + 1, args.messages * 9 // 10)
        marks = sorted(rng.randrange(low, high) for _ in range(args.kills))
        kills = 0
        for mark in marks:
            while sender.acknowledged < mark and any(t.is_alive() for t in threads):
                time.sleep(0.005)
            time.sleep(rng.uniform(0, 0.3))
            gateway.kill()
            kills += 1
            log(f"kill {kills}: SIGKILL after {sender.acknowledged} acknowledged")
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
        timers_due_unfired = wait_for_timers(gateway.db, args.drain_timeout)
        escalations = escalation_deliveries(gateway.db)
        expected.update(escalations)
        undelivered = wait_for_deliveries(gateway.db, expected, args.drain_timeout)
        drained_seconds = time.monotonic() - started - sent_seconds
        mailbox = inbox_drain(args.certs, api_port, "la-derby")
        gateway.stop()

        counts = {"seed": seed, "sent": args.messages, "attempts": sender.attempts,
                  "acknowledged": sender.acknowledged, "refused": len(sender.refused),
                  "dropped": sender.dropped, "retried_messages": len(sender.retried),
                  "connect_failures": sender.connect_failures, "kills": kills,
                  "restarts": gateway.starts - 1, "send_seconds": round(sent_seconds, 1),
                  "drain_seconds": round(drained_seconds, 1),
                  "undelivered": len(undelivered)}
        counts.update(check_store(gateway.db, sender, run_id))
        counts["timers"] = check_timers(gateway.db)
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

        verify = subprocess.run([args.isagw, "audit", "verify", "--config", config,
                                 "--allow-unsigned"], capture_output=True, text=True)
        counts["audit_verify"] = "ok" if verify.returncode == 0 else f"exit {verify.returncode}"
        if verify.returncode != 0:
            sys.stderr.write(verify.stdout + verify.stderr)

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
        if verify.returncode != 0:
            failures.append("audit verify failed")
    except Exception as error:  # noqa: BLE001 (report whatever stopped the run)
        failures.append(f"run stopped: {error}")
        counts = None
    finally:
        gateway.stop()
        receiver.shutdown()

    if counts is not None:
        print(f"sent {counts['sent']}  acknowledged {counts['acknowledged']}  "
              f"refused {counts['refused']}  dropped (answer lost) {counts['dropped']}  "
              f"retried {counts['retried_messages']}  kills {counts['kills']}")
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
