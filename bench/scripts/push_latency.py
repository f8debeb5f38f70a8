#!/usr/bin/env python3
"""Open-loop latency from a police POST to the copies (issue 13).

  bench/scripts/push_latency.py --isagw build/isagw --certs build/certs \\
      [--rate 200] [--duration 30] [--connections 16] [--keep DIR]

Sends compact missing reports from police-derbys at --rate messages a
second for --duration seconds (open loop: each request has an intended
start, and its latency counts from there, so a slow gateway cannot slow the
load down and hide its own queue). Each report is about a child last seen
an hour ago at MEDIUM risk, so no safeguarding timer falls due and every
copy below is the report's own. la-derby takes its copy from its mailbox;
la-staffordshire's is pushed to a mutual-TLS receiver run here, which
notes when each push arrives (by Isagw-Message-Id).

Prints, from the intended start of each request:
  - to its 202: the copies are committed then, so this is also when la-derby
    can fetch its copy from the mailbox;
  - to la-staffordshire's receiver holding the pushed copy.
Exit status 1 if a message was refused or a push never came.

The sender is Python (one persistent connection per --connections thread),
so it cannot offer much more than a few hundred messages a second on this
machine: the load generator in C++ (bench/scripts/durable-ingest.sh --rate)
measures the 202 at higher rates, without the push.
"""

import argparse
import datetime
import http.client
import json
import os
import shutil
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import zoneinfo

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(SOURCE_DIR, "tests", "crash"))
import crash_test  # noqa: E402  (the receiver)
import deployment  # noqa: E402

FIRST_REF = 100000


class TimedHandler(crash_test.ReceiverHandler):
    def do_POST(self):  # noqa: N802 (http.server's naming)
        message_id = self.headers.get("Isagw-Message-Id", "")
        super().do_POST()
        if message_id:
            self.server.note_message(message_id)


class TimedReceiver(crash_test.Receiver):
    """The crash test's receiver, also noting when each message's push came."""

    def __init__(self, certs, record_path):
        super().__init__(certs, record_path)
        self.RequestHandlerClass = TimedHandler
        self.arrived = {}  # message id -> time.monotonic() of the first push

    def note_message(self, message_id):
        now = time.monotonic()
        with self.lock:
            self.arrived.setdefault(message_id, now)


def fresh_template():
    with open(os.path.join(SOURCE_DIR, "docs", "examples", "compact",
                           "formats-example.json")) as f:
        report = json.load(f)
    now = datetime.datetime.now(zoneinfo.ZoneInfo("Europe/London"))
    report["LastSeenDateTime"] = (now - datetime.timedelta(hours=1)).strftime("%d/%m/%Y %H:%M")
    report["ReportedDateTime"] = (now - datetime.timedelta(minutes=30)).strftime("%d/%m/%Y %H:%M")
    report["RiskGrading"] = "MEDIUM"
    return report


class OpenLoopSender:
    def __init__(self, args, api_port, template, run_id):
        self.args, self.api_port, self.template, self.run_id = args, api_port, template, run_id
        self.context = ssl.create_default_context(cafile=f"{args.certs}/ca.crt")
        self.context.load_cert_chain(f"{args.certs}/police-derbys.crt",
                                     f"{args.certs}/police-derbys.key")
        self.total = int(args.rate * args.duration)
        self.lock = threading.Lock()
        self.next_index = 0
        self.intended = {}  # message id -> intended start (monotonic)
        self.acked = []     # seconds from intended start to the 202
        self.refused = 0
        self.start = None

    def take(self):
        with self.lock:
            if self.next_index >= self.total:
                return None
            index = self.next_index
            self.next_index += 1
            return index

    def run(self):
        self.start = time.monotonic() + 0.5
        threads = [threading.Thread(target=self.worker) for _ in range(self.args.connections)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    def worker(self):
        connection = None
        while (index := self.take()) is not None:
            intended = self.start + index / self.args.rate
            delay = intended - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            record = dict(self.template, OccurrenceRef=f"DB/21/2026/{FIRST_REF + index}")
            body = json.dumps(record).encode()
            headers = {"Content-Type": "application/vnd.isagw.compact+json",
                       "Idempotency-Key": f"{self.run_id}-{index}"}
            for _ in range(3):
                try:
                    if connection is None:
                        connection = http.client.HTTPSConnection(
                            "localhost", self.api_port, context=self.context, timeout=60)
                    connection.request("POST", "/v1/messages", body=body, headers=headers)
                    response = connection.getresponse()
                    answer = response.read()
                    break
                except (OSError, http.client.HTTPException):
                    connection = None
            else:
                with self.lock:
                    self.refused += 1
                continue
            done = time.monotonic()
            with self.lock:
                if response.status == 202:
                    self.intended[json.loads(answer)["message_id"]] = intended
                    self.acked.append(done - intended)
                else:
                    self.refused += 1


def percentiles(values):
    ordered = sorted(values)
    if not ordered:
        return "none"

    def at(p):
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000

    return (f"p50 {at(0.50):.1f} ms  p90 {at(0.90):.1f} ms  p99 {at(0.99):.1f} ms  "
            f"max {ordered[-1] * 1000:.1f} ms  (n {len(ordered)})")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--isagw", required=True)
    parser.add_argument("--certs", required=True)
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--duration", type=float, default=30)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--keep")
    args = parser.parse_args()

    work = os.path.abspath(args.keep) if args.keep else tempfile.mkdtemp(prefix="isagw-push.")
    if args.keep:
        shutil.rmtree(work, ignore_errors=True)
        os.makedirs(work)
    receiver = TimedReceiver(args.certs, os.path.join(work, "received.txt"))
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    config, api_port, admin_port = deployment.write(
        work, SOURCE_DIR, args.certs, push_port=receiver.server_address[1], log_level="warn")
    with open(os.path.join(work, "gateway.log"), "w") as log:
        gateway = subprocess.Popen([args.isagw, "serve", "--config", config],
                                   stdout=log, stderr=subprocess.STDOUT)
    status = 0
    try:
        if not deployment.wait_ready(admin_port, gateway):
            print("push_latency: the gateway did not start", file=sys.stderr)
            return 1
        sender = OpenLoopSender(args, api_port, fresh_template(), f"push{os.getpid()}")
        sender.run()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with receiver.lock:
                if all(m in receiver.arrived for m in sender.intended):
                    break
            time.sleep(0.1)
        with receiver.lock:
            pushed = [receiver.arrived[m] - t for m, t in sender.intended.items()
                      if m in receiver.arrived]
        missing = len(sender.intended) - len(pushed)
        elapsed = max(time.monotonic() - sender.start, 1e-9)
        print(f"offered {args.rate:g} msg/s for {args.duration:g} s: sent {sender.total}, "
              f"acknowledged {len(sender.acked)}, refused {sender.refused}")
        print(f"POST -> 202 (mailbox copy available)  {percentiles(sender.acked)}")
        print(f"POST -> push received                 {percentiles(pushed)}")
        print(f"pushes missing after 60 s: {missing}; run took {elapsed:.1f} s")
        if sender.refused or missing:
            status = 1
    finally:
        gateway.terminate()
        gateway.wait(timeout=60)
        receiver.shutdown()
        if not args.keep and status == 0:
            shutil.rmtree(work, ignore_errors=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
