#!/usr/bin/env bash
# The sample report as a browser draws it: report_render_sample writes the
# HTML page, headless Chromium (Debian's, installed by scripts/bootstrap)
# takes a screenshot, and png_not_blank checks the screenshot shows the page
# and its charts, in the series colours, rather than a blank or error page.
#
# usage: browser_render_test.sh REPORT_RENDER_SAMPLE PNG_NOT_BLANK
# CHROMIUM may name another browser binary; missing, it is a failure, not a skip.
set -euo pipefail

sample=${1:?usage: browser_render_test.sh REPORT_RENDER_SAMPLE PNG_NOT_BLANK}
not_blank=${2:?usage: browser_render_test.sh REPORT_RENDER_SAMPLE PNG_NOT_BLANK}
chromium=${CHROMIUM:-/usr/bin/chromium}

if [ ! -x "$chromium" ]; then
  echo "FAIL: no Chromium at $chromium: run scripts/bootstrap (it installs chromium)" >&2
  exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/isagw-browser-XXXXXX")
trap 'rm -rf "$work"' EXIT

"$sample" "$work/report.html"

# A throwaway profile, and HOME with it, so nothing is read from or left in
# the user's own. --no-sandbox: Chromium refuses to run as root without it.
status=0
HOME="$work/home" timeout 60 "$chromium" \
  --headless --no-sandbox --disable-gpu --hide-scrollbars \
  --no-first-run --no-default-browser-check --disable-extensions \
  --disable-dev-shm-usage --disable-background-networking \
  --user-data-dir="$work/profile" --crash-dumps-dir="$work/crashes" \
  --window-size=1200,900 --screenshot="$work/shot.png" \
  "file://$work/report.html" >"$work/chromium.log" 2>&1 || status=$?
if [ "$status" -ne 0 ] || [ ! -s "$work/shot.png" ]; then
  echo "FAIL: chromium exited with $status (124: timed out) and wrote no screenshot; its log:" >&2
  tail -n 30 "$work/chromium.log" >&2
  exit 1
fi

# The page's first screen holds the header, the notes and the line chart:
# many pixels drawn, text anti-aliasing colours, and both series' colours
# (Okabe-Ito blue and orange) exactly as the SVG gives them.
"$not_blank" "$work/shot.png" 20000 50 0072B2:200 E69F00:200
