#!/usr/bin/env python3
"""Hostile traffic against the assembled gateway (issue 15): every case of
cases.py sent to `isagw serve` on loopback over real mutual TLS, with the
example agencies and certificates and a SQLite store of its own.

For each case it checks:
  - the answer: the status the case names (or no answer at all where the
    connection must end), and every 4xx/5xx an RFC 9457 problem+json whose
    status matches, naming the field the case names;
  - the store: a refused request adds no message, episode, copy, timer or
    child link, and at most its own audit entry (message_rejected,
    handshake_refused, mailbox_read);
  - that no answer repeats the personal data the hostile bodies carry;
  - that the gateway is still alive and answering /healthz.
Then the scenarios of scenarios.py (idle connections by the thousand, a
renegotiation attempt), each with checks of its own.
After the run: the gateway's log holds none of that personal data, and
`isagw audit verify --allow-unsigned` accepts the audit chain.

Usage: hostile_test.py --isagw build/isagw --certs build/certs [--only TEXT]
Exits 0 when every case holds, 1 otherwise.
"""

import argparse
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cases as corpus  # noqa: E402
import harness  # noqa: E402
import scenarios  # noqa: E402

REFUSAL_AUDIT = {"message_rejected", "handshake_refused", "mailbox_read"}


def expected_statuses(case):
    """The statuses each response may have, one set per response."""
    if isinstance(case.status, list):
        return [set([s]) if isinstance(s, int) else set(s) for s in case.status]
    allowed = {case.status} if isinstance(case.status, int) else set(case.status)
    return [allowed] * case.expect


def check(gateway, case):
    failures = []
    before = gateway.snapshot()
    exchange = gateway.exchange(case.raw, expect=case.expect, cert=case.cert, sni=case.sni,
                                timeout=case.timeout, pieces=case.pieces, pause=case.pause,
                                tls_max=case.tls_max)
    finals = [r for r in exchange.responses if r.status >= 200]
    statuses = [r.status for r in finals]
    after = gateway.snapshot()

    if case.status is None:
        if finals:
            failures.append(f"expected no answer, got {statuses}")
    else:
        wanted = expected_statuses(case)
        if len(finals) < len(wanted):
            failures.append(f"expected {len(wanted)} answer(s), got {statuses} "
                            f"(closed={exchange.closed}, timed out={exchange.timed_out}, "
                            f"handshake={exchange.handshake_error or 'ok'})")
        for i, (response, allowed) in enumerate(zip(finals, wanted)):
            if None in allowed:
                continue
            if response.status not in allowed:
                failures.append(f"answer {i + 1}: status {response.status}, "
                                f"expected {sorted(s for s in allowed if s)}")
    for response in finals:
        if response.status >= 400:
            problem = response.json()
            if not response.headers.get("content-type", "").startswith("application/problem+json"):
                failures.append(f"a {response.status} without problem+json")
            elif (not isinstance(problem, dict) or not isinstance(problem.get("type"), str)
                  or problem.get("status") != response.status):
                failures.append(f"a {response.status} whose problem document is malformed")
    if case.pointer is not None:
        problem = finals[0].json() if finals else None
        pointers = [e.get("pointer") for e in (problem or {}).get("errors", [])]
        if case.pointer not in pointers:
            failures.append(f"no error names {case.pointer} (pointers {pointers})")
    for response in exchange.responses:
        text = response.body + repr(response.headers).encode()
        for sentinel in corpus.SENTINELS:
            if sentinel.encode() in text:
                failures.append(f"the answer repeats {sentinel!r}")

    accepted = bool(finals) and finals[0].status < 300 and case.stores
    for table in harness.STATE_TABLES:
        delta = after[table] - before[table]
        # An accepted control case adds what its records make; a refusal,
        # nothing at all.
        limit = 20 if accepted else 0
        if delta > limit or delta < 0:
            failures.append(f"{table} changed by {delta}")
    if not accepted:
        grown = {kind for kind, n in after["audit"].items() if n > before["audit"].get(kind, 0)}
        if grown - REFUSAL_AUDIT:
            failures.append(f"audit entries of kinds {sorted(grown - REFUSAL_AUDIT)} were added")
    if not gateway.alive():
        failures.append("the gateway is no longer alive")
    return statuses, failures


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--isagw", required=True)
    parser.add_argument("--certs", required=True)
    parser.add_argument("--source", default=corpus.SOURCE)
    parser.add_argument("--only", help="run only the cases whose name contains this")
    args = parser.parse_args()

    selected = [c for c in corpus.all_cases() if not args.only or args.only in c.name]
    chosen = [(name, run) for name, run in scenarios.SCENARIOS
              if not args.only or args.only in name]
    names = [c.name for c in selected]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        print(f"hostile: case names repeat: {duplicates}")
        return 1

    failed = 0
    with tempfile.TemporaryDirectory(prefix="isagw-hostile-") as work:
        gateway = harness.Gateway(args.isagw, args.certs, args.source, work)
        gateway.start()
        try:
            for case in selected:
                statuses, failures = check(gateway, case)
                if failures:
                    failed += 1
                    print(f"FAIL {case.name}: {'; '.join(failures)}")
                else:
                    print(f"ok   {case.name} {statuses}")
                if not gateway.alive():
                    print("hostile: the gateway died; stopping")
                    break
            for name, run in chosen:
                if not gateway.alive():
                    break
                failures = run(gateway)
                if failures:
                    failed += 1
                    print(f"FAIL {name}: {'; '.join(failures)}")
                else:
                    print(f"ok   {name}")
        finally:
            gateway.stop()
        log = gateway.read_log()
        for sentinel in corpus.SENTINELS:
            if sentinel in log:
                failed += 1
                print(f"FAIL the gateway's log holds {sentinel!r}")
        verify = subprocess.run([args.isagw, "audit", "verify", "--config", gateway.config,
                                 "--allow-unsigned"], capture_output=True, text=True)
        if verify.returncode != 0:
            failed += 1
            print(f"FAIL audit verify: {verify.stdout}{verify.stderr}")
    print(f"hostile: {len(selected)} cases, {len(chosen)} scenarios, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
