#!/usr/bin/env python3
"""The gateway's TLS policy, seen from outside (issue 15): sslscan, from
Debian, against `isagw serve` on loopback with the example certificates.

It must find:
  - TLS 1.2 and 1.3 enabled, SSLv2, SSLv3, TLS 1.0 and 1.1 disabled;
  - only AEAD cipher suites (GCM, CHACHA20-POLY1305), TLS 1.2 ones ECDHE;
  - key exchange on X25519, P-256 and P-384 only (no ffdhe groups);
  - no renegotiation, no compression.

The checker is first run on a known-bad scan, which it must refuse, so a
parser that stopped finding anything would fail here rather than pass.
Exits 0 when the policy holds, 1 when it does not, 77 (skipped) when
sslscan is not installed (scripts/bootstrap installs it).
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "crash"))
import deployment  # noqa: E402  (tests/crash/deployment.py)

SKIPPED = 77
ALLOWED_GROUPS = {"x25519", "secp256r1", "secp384r1"}
CIPHER_LINE = re.compile(r"^(Preferred|Accepted)\s+(TLSv1\.[0-3]|SSLv[23])\s+\d+ bits\s+(\S+)")
GROUP_LINE = re.compile(r"^(TLSv1\.[0-3]|SSLv[23])\s+\d+ bits\s+(\S+)")

# What sslscan printed for a server with OpenSSL 3's defaults and an old
# protocol left on: the checker must find every fault in it.
KNOWN_BAD = """
  SSL/TLS Protocols:
SSLv2     disabled
SSLv3     disabled
TLSv1.0   disabled
TLSv1.1   enabled
TLSv1.2   enabled
TLSv1.3   enabled

  TLS renegotiation:
Secure session renegotiation supported

  Supported Server Cipher(s):
Preferred TLSv1.3  256 bits  TLS_AES_256_GCM_SHA384        Curve 25519 DHE 253
Accepted  TLSv1.2  128 bits  ECDHE-RSA-AES128-SHA          Curve 25519 DHE 253
Accepted  TLSv1.2  128 bits  AES128-GCM-SHA256

  Server Key Exchange Group(s):
TLSv1.3  128 bits  secp256r1 (NIST P-256)
TLSv1.3  128 bits  x25519
TLSv1.3  112 bits  ffdhe2048
"""


def faults(scan):
    """Everything in an sslscan report that breaks the policy (empty: it holds)."""
    found = []
    protocols = dict(re.findall(r"^(SSLv2|SSLv3|TLSv1\.[0-3])\s+(enabled|disabled)\s*$", scan,
                                re.MULTILINE))
    for name in ("SSLv2", "SSLv3", "TLSv1.0", "TLSv1.1"):
        if protocols.get(name) != "disabled":
            found.append(f"{name} is {protocols.get(name, 'not reported')}, not disabled")
    for name in ("TLSv1.2", "TLSv1.3"):
        if protocols.get(name) != "enabled":
            found.append(f"{name} is {protocols.get(name, 'not reported')}, not enabled")

    lines = scan.splitlines()
    ciphers = [m.group(2, 3) for m in map(CIPHER_LINE.match, lines) if m]
    if not ciphers:
        found.append("no accepted cipher suite was reported")
    for protocol, cipher in ciphers:
        aead = "GCM" in cipher or "CHACHA20" in cipher and "POLY1305" in cipher
        if not aead:
            found.append(f"{protocol} accepts {cipher}, not an AEAD suite")
        if protocol == "TLSv1.2" and not cipher.startswith("ECDHE-"):
            found.append(f"{protocol} accepts {cipher}, not forward secret (ECDHE)")

    groups = set()
    in_groups = False
    for line in lines:
        if "Server Key Exchange Group(s):" in line:
            in_groups = True
            continue
        if in_groups:
            if not line.strip():
                break
            m = GROUP_LINE.match(line)
            if m:
                groups.add(m.group(2))
    if "x25519" not in groups:
        found.append(f"X25519 is not offered (groups: {sorted(groups) or 'none reported'})")
    for group in sorted(groups - ALLOWED_GROUPS):
        found.append(f"key exchange group {group} is offered")

    if "renegotiation supported" in scan and "not supported" not in scan.split(
            "TLS renegotiation:")[-1].split("\n\n")[0]:
        found.append("the server renegotiates")
    if re.search(r"^Compression enabled", scan, re.MULTILINE):
        found.append("TLS compression is enabled")
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--isagw", required=True)
    parser.add_argument("--certs", required=True, help="the example PKI (make-certs.sh)")
    parser.add_argument("--source", required=True, help="the source tree")
    args = parser.parse_args()

    bad = faults(KNOWN_BAD)
    expected = {"TLSv1.1", "ECDHE-RSA-AES128-SHA", "AES128-GCM-SHA256", "ffdhe2048",
                "renegotiates"}
    missed = [word for word in sorted(expected) if not any(word in f for f in bad)]
    if missed:
        print(f"tls scan: the checker missed faults in the known-bad scan: {missed}")
        return 1

    sslscan = shutil.which("sslscan")
    if sslscan is None:
        print("tls scan: sslscan is not installed (scripts/bootstrap installs it); skipped")
        return SKIPPED

    with tempfile.TemporaryDirectory(prefix="isagw-tls-scan-") as work:
        config, api_port, admin_port = deployment.write(work, args.source, args.certs)
        with open(os.path.join(work, "gateway.log"), "w") as log:
            try:
                gateway = deployment.start(args.isagw, config, admin_port, log)
            except RuntimeError:
                with open(os.path.join(work, "gateway.log")) as written:
                    sys.stdout.write(written.read())
                print("tls scan: the gateway did not become ready")
                return 1
        try:
            certs = os.path.abspath(args.certs)
            scan = subprocess.run(
                [sslscan, "--no-colour", f"--certs={certs}/la-derby.crt",
                 f"--pk={certs}/la-derby.key", f"127.0.0.1:{api_port}"],
                capture_output=True, text=True, timeout=120)
        finally:
            deployment.stop(gateway)

    print(scan.stdout)
    if scan.returncode != 0:
        print(f"tls scan: sslscan exited {scan.returncode}: {scan.stderr.strip()}")
        return 1
    found = faults(scan.stdout)
    for fault in found:
        print(f"tls scan: FAULT {fault}")
    if found:
        return 1
    print("tls scan: the TLS policy holds (TLS 1.2+, AEAD suites, X25519/P-256/P-384)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
