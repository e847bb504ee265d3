#!/usr/bin/env bash
# Render the README's report screenshot from the real demo: spoor demo runs
# headless for a while, spoor report writes the sqlmap scanner's session as
# HTML, and headless Chromium (apt-get install -y chromium) draws the page
# to docs/img/report.png. Run from the repository root:
#   docs/report-screenshot.sh
set -euo pipefail

CHROMIUM=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)}
[ -n "$CHROMIUM" ] || { echo "report-screenshot.sh: chromium not found: apt-get install -y chromium" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

go build -o "$work/spoor" ./cmd/spoor
"$work/spoor" demo --no-tui --for "${FOR:-20s}" --db "$work/demo.db" >/dev/null 2>&1
id=$("$work/spoor" sessions --db "$work/demo.db" --filter 'ip:192.0.2.66' --sort requests --ndjson --limit 1 |
	sed -n 's/^{"id":"\([^"]*\)".*/\1/p')
[ -n "$id" ] || { echo "report-screenshot.sh: no session of the demo's scanner" >&2; exit 1; }
"$work/spoor" report --db "$work/demo.db" --session "$id" -o "$work/report.html"

# Chromium refuses to run as root with its sandbox.
sandbox=()
[ "$(id -u)" -ne 0 ] || sandbox=(--no-sandbox)
"$CHROMIUM" --headless "${sandbox[@]}" --disable-gpu --hide-scrollbars --force-device-scale-factor=1 \
	--window-size=1200,"${HEIGHT:-1800}" --screenshot="$work/report.png" "file://$work/report.html" >/dev/null 2>&1
cp "$work/report.png" docs/img/report.png
echo "docs/img/report.png (session $id)"
