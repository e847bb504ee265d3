#!/usr/bin/env bash
# profile.sh: where spoor proxy spends its CPU under the proxy benchmark's
# load. cmd/spoor has no --cpuprofile flag, so perf samples the running
# binary (Go keeps frame pointers, so call graphs work):
#
#   perf record -F 499 -g -p $SPOOR_PID -- sleep $DURATION
#
# while wrk -t1 -c32 runs bench/wrk/mix.lua through it. The report is the
# share of spoor's samples under each stage of its pipeline (inclusive) and
# the hottest functions (exclusive). Then it profiles a whole
# `spoor import` of IMPORT_COPIES (default 10) copies of the shared
# 10,000-line access log the same way:
#
#   perf record -F 999 -g -- spoor import --db $DB $LOG
#
#   bench/profile.sh                               # 15 s, 100,000 lines
#   DURATION=1 IMPORT_COPIES=1 bench/profile.sh    # smoke
#
# It writes profile.md and profile.env to OUT_DIR.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

duration=${DURATION:-15}
import_copies=${IMPORT_COPIES:-10}
corpora=${SPOOR_CORPORA:-$repo_dir/../shared/corpora}
logz=$corpora/access-logs/elastic_examples_apache_logs.log.gz
[ -f "$logz" ] || die "$logz is missing (set SPOOR_CORPORA)"
conns=${CONNS:-32}
out_dir=${OUT_DIR:-.}
mkdir -p "$out_dir"
out_dir=$(cd "$out_dir" && pwd)

bench_init
need wrk perf
build_spoor
build_origin
oport=$(free_port)
start_bg "$tmp/origin.log" "$origin" -listen "127.0.0.1:$oport"
origin_pid=$bg_pid
wait_port "$oport" "$origin_pid" "$tmp/origin.log"
port=$(free_port)
start_bg "$tmp/spoor.err" "$spoor" proxy --no-tui --upstream "http://127.0.0.1:$oport" --listen "127.0.0.1:$port" --db "$tmp/spoor.db"
pid=$bg_pid
wait_port "$port" "$pid" "$tmp/spoor.err"

wrk -t1 -c"$conns" -d1s -s "$bench_dir/wrk/mix.lua" "http://127.0.0.1:$port/" >/dev/null 2>&1 # warm-up
wrk -t1 -c"$conns" -d"$((duration + 2))s" -s "$bench_dir/wrk/mix.lua" "http://127.0.0.1:$port/" >"$tmp/wrk.out" 2>&1 &
wrk_pid=$!
bench_pids+=("$wrk_pid")
sleep 1
perf record -F 499 -g -p "$pid" -o "$tmp/perf.data" -- sleep "$duration" >"$tmp/perf.log" 2>&1 ||
	{ cat "$tmp/perf.log" >&2; die "perf record failed"; }
wait "$wrk_pid" || die "wrk failed"
line=$(grep '^WRK ' "$tmp/wrk.out") || die "no WRK line"
stop_pid "$pid" INT || die "spoor proxy failed"
stop_pid "$origin_pid" || true

perf report -i "$tmp/perf.data" --children --sort symbol --stdio 2>/dev/null | grep -E '^ +[0-9.]+%' >"$tmp/children.txt" || true
perf report -i "$tmp/perf.data" --no-children --sort symbol --stdio 2>/dev/null | grep -E '^ +[0-9.]+%' >"$tmp/self.txt" || true
samples=$(perf report -i "$tmp/perf.data" --stdio 2>/dev/null | sed -n 's/^# Samples: \([0-9.]*[KM]*\).*/\1/p' | head -1)
[ -s "$tmp/children.txt" ] || die "perf report is empty"

# share PATTERN [FILE] prints the inclusive share of the first symbol
# matching PATTERN (a fixed string) in FILE (the proxy's report), or 0.
# perf pads the symbol column with spaces, so a pattern ending in a space
# matches that symbol only, not the closures named after it.
share() { { grep -F -- "$1" "${2:-$tmp/children.txt}" || true; } | head -1 | awk '{v = $1 + 0} END {print v + 0}'; }
declare -a stage=(
	"proxying: fasthttp server connections (capture's handler, the upstream round trip, socket I/O)|github.com/valyala/fasthttp.(*Server).serveConnCounted"
	"— of which capture.(*Proxy).serveHTTP (building the exchange, headers, forwarding)|github.com/spoorhq/spoor/capture.(*Proxy).serveHTTP"
	"attack detection stage (ingest.DetectStage workers)|github.com/spoorhq/spoor/ingest.(*detectStage).detect "
	"— of which tier 2, the Core Rule Set (engine/detect.(*Detector).Tier2)|github.com/spoorhq/spoor/engine/detect.(*Detector).Tier2"
	"— of which tier 1 (engine/detect.(*Detector).Tier1)|github.com/spoorhq/spoor/engine/detect.(*Detector).Tier1"
	"analysis: grouping, context, observers, and encoding each batch for the store (ingest.(*Pipeline).analyse)|github.com/spoorhq/spoor/ingest.(*Pipeline).analyse"
	"— of which encoding the batch (store.(*Store).Prepare)|github.com/spoorhq/spoor/store.(*Store).Prepare "
	"sorting each batch's index keys, beside analysis and commits (store.(*Store).Prepare.func1)|github.com/spoorhq/spoor/store.(*Store).Prepare.func1"
	"store commits (store.(*preparedBatch).Commit, bbolt)|github.com/spoorhq/spoor/store.(*preparedBatch).Commit"
	"garbage collector (runtime.gcBgMarkWorker)|runtime.gcBgMarkWorker"
)
# The import, profiled whole.
gzip -dc "$logz" >"$tmp/base.log"
for ((i = 0; i < import_copies; i++)); do
	sed "s#/2015:#/$((2015 + i)):#" "$tmp/base.log"
done >"$tmp/access.log"
import_lines=$(wc -l <"$tmp/access.log")
/usr/bin/time -o "$tmp/import.time" -f '%e %U %S' perf record -F 999 -g -o "$tmp/import.data" -- \
	"$spoor" import --db "$tmp/import.db" "$tmp/access.log" >"$tmp/import.log" 2>&1 ||
	{ cat "$tmp/import.log" >&2; die "perf record of spoor import failed"; }
read -r iwall iuser isys <"$tmp/import.time"
perf report -i "$tmp/import.data" --children --sort symbol --stdio 2>/dev/null | grep -E '^ +[0-9.]+%' >"$tmp/import-children.txt" || true
perf report -i "$tmp/import.data" --no-children --sort symbol --stdio 2>/dev/null | grep -E '^ +[0-9.]+%' >"$tmp/import-self.txt" || true
[ -s "$tmp/import-children.txt" ] || die "perf report of the import is empty"
declare -a import_stage=(
	"store commits (store.(*preparedBatch).Commit, bbolt)|github.com/spoorhq/spoor/store.(*preparedBatch).Commit"
	"— of which the session records (store.(*genWriter).putSessions)|github.com/spoorhq/spoor/store.(*genWriter).putSessions"
	"analysis, and encoding each batch for the store (ingest.(*Pipeline).analyse)|github.com/spoorhq/spoor/ingest.(*Pipeline).analyse"
	"— of which encoding the batch (store.(*Store).Prepare)|github.com/spoorhq/spoor/store.(*Store).Prepare "
	"— of which abuse verdicts (engine/abuse.(*Tracker).Observe)|github.com/spoorhq/spoor/engine/abuse.(*Tracker).Observe"
	"— of which grouping keys (engine.(*identityMemo).identify)|github.com/spoorhq/spoor/engine.(*identityMemo).identify"
	"sorting each batch's index keys, beside analysis and commits (store.(*Store).Prepare.func1)|github.com/spoorhq/spoor/store.(*Store).Prepare.func1"
	"attack detection (ingest.DetectStage workers)|github.com/spoorhq/spoor/ingest.(*detectStage).detect "
	"reading and parsing lines (capture/importer.Import)|github.com/spoorhq/spoor/capture/importer.Import"
	"hashing the file to recognise a repeated import (main.openImportSource)|main.openImportSource"
	"garbage collector (runtime.gcBgMarkWorker)|runtime.gcBgMarkWorker"
)

tier2=$(share 'github.com/spoorhq/spoor/engine/detect.(*Detector).Tier2')
proxying=$(share 'github.com/valyala/fasthttp.(*Server).serveConnCounted')
{
	echo "PROFILE_TIER2_PCT=$tier2"
	echo "PROFILE_PROXYING_PCT=$proxying"
	echo "PROFILE_STORE_PCT=$(share 'github.com/spoorhq/spoor/store.(*preparedBatch).Commit')"
	echo "PROFILE_GC_PCT=$(share 'runtime.gcBgMarkWorker')"
	echo "PROFILE_IMPORT_STORE_PCT=$(share 'github.com/spoorhq/spoor/store.(*preparedBatch).Commit' "$tmp/import-children.txt")"
	echo "PROFILE_IMPORT_ANALYSE_PCT=$(share 'github.com/spoorhq/spoor/ingest.(*Pipeline).analyse' "$tmp/import-children.txt")"
} >"$out_dir/profile.env"
{
	echo "### Where spoor proxy's CPU goes"
	echo
	echo "perf samples of the spoor process ($samples samples at 499 Hz over $duration s) while wrk -t1 -c$conns ran the proxy"
	echo "benchmark's mix through it at $(field rps "$line") req/s. Inclusive share of the samples under each stage:"
	echo
	echo "| stage | share of spoor's CPU |"
	echo "|---|---:|"
	for s in "${stage[@]}"; do
		echo "| ${s%%|*} | $(share "${s#*|}")% |"
	done
	echo
	echo "Hottest functions (exclusive):"
	echo
	echo '```'
	head -15 "$tmp/self.txt" | awk '{$2 = ""; sub(/ +-? +-? *$/, ""); print}' | cut -c1-110
	echo '```'
	echo
	echo '```sh'
	echo "spoor proxy --no-tui --upstream http://127.0.0.1:\$ORIGIN --listen 127.0.0.1:\$PORT --db \$DIR/spoor.db"
	echo "wrk -t1 -c$conns -d$((duration + 2))s -s bench/wrk/mix.lua http://127.0.0.1:\$PORT/ &"
	echo "perf record -F 499 -g -p \$SPOOR_PID -- sleep $duration"
	echo "perf report --children --sort symbol --stdio"
	echo '```'
	echo
	echo "### Where spoor import's CPU goes"
	echo
	echo "perf over a whole \`spoor import\` of $import_lines lines (the import section's file, $import_copies copies): $iwall s wall,"
	echo "$iuser s user + $isys s system CPU. Inclusive share of the samples:"
	echo
	echo "| stage | share of spoor import's CPU |"
	echo "|---|---:|"
	for s in "${import_stage[@]}"; do
		echo "| ${s%%|*} | $(share "${s#*|}" "$tmp/import-children.txt")% |"
	done
	echo
	echo "Hottest functions (exclusive):"
	echo
	echo '```'
	head -12 "$tmp/import-self.txt" | awk '{$2 = ""; sub(/ +-? +-? *$/, ""); print}' | cut -c1-110
	echo '```'
	echo
	echo '```sh'
	echo "perf record -F 999 -g -- spoor import --db \$DIR/import.db \$DIR/access.log"
	echo '```'
} >"$out_dir/profile.md"
