#!/usr/bin/env bash
# The crash test (issue 5): SIGKILLs `isagw serve` at random moments while a
# client sends distinct messages, restarts it, then checks that every
# acknowledged message is stored whole, delivered to each recipient by id
# (duplicates counted), and that the audit chain verifies. The work is done
# by crash_test.py beside this script (its docstring says exactly what is
# checked); this wrapper only picks a Python with PyYAML.
#
#   tests/crash/crash-test.sh --isagw build/isagw --certs build/certs \
#       [--messages 10000] [--kills 5] [--senders 8] [--seed N] [--keep DIR] [--json FILE]
#
# Certificates: certs-example/make-certs.sh build/certs. Exit status 1 on any
# lost or half-applied message or failed check; the counts are printed.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
python=/usr/bin/python3
[ -x "$python" ] || python="$(command -v python3)"
exec "$python" "$here/crash_test.py" "$@"
