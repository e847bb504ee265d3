#!/usr/bin/env bash
# detect.sh: what attack detection costs spoor proxy under saturation, and
# how long the Core Rule Set's catch-up queue takes to drain after a burst.
#
#   spoor           wrk → spoor proxy --no-tui (tier 1 on every exchange,
#                   tier 2 on the CPU the proxy leaves, the rest queued)
#   spoor-nodetect  the same with --no-detect
# ROUNDS rounds (default 3), the two alternating (the first of each round
# rotates), each DURATION (10s) after a WARMUP (1s), wrk -t1 -c32 with
# bench/wrk/mix.lua against bench/origin (fasthttp). Then BURSTS (3) times:
# a fresh spoor proxy with detection on, bench/burst.py's 2,000 requests on
# one keep-alive connection, and the time from the burst's last answer to
# the proxy's log line saying the catch-up queue is empty.
#
#   bench/detect.sh                                        # the report's run
#   ROUNDS=1 DURATION=2s WARMUP=0 BURSTS=1 bench/detect.sh  # smoke
#
# It prints the report section (markdown) on stdout.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

rounds=${ROUNDS:-3}
duration=${DURATION:-10s}
warmup=${WARMUP:-1s}
bursts=${BURSTS:-3}
conns=32

bench_init
need wrk python3
build_spoor
build_origin
lua=$bench_dir/wrk/mix.lua
load_start=$(loadavg)

oport=$(free_port)
start_bg "$tmp/origin.log" "$origin" -listen "127.0.0.1:$oport" -impl fasthttp
origin_pid=$bg_pid
wait_port "$oport" "$origin_pid" "$tmp/origin.log"
upstream=http://127.0.0.1:$oport

results=$tmp/results.tsv # target round rps p99_us summary cpu_us
clk_tck=$(getconf CLK_TCK)
: >"$results"

# run TARGET ROUND FLAGS... measures one fresh proxy under wrk.
run() {
	local target=$1 round=$2 port pid line summary
	shift 2
	port=$(free_port)
	rm -f "$tmp/spoor.db"
	start_bg "$tmp/$target-$round.stderr" "$spoor" proxy --no-tui --upstream "$upstream" --listen "127.0.0.1:$port" --db "$tmp/spoor.db" "$@"
	pid=$bg_pid
	wait_port "$port" "$pid" "$tmp/$target-$round.stderr"
	[ "$warmup" != 0 ] && wrk -t1 -c"$conns" -d"$warmup" -s "$lua" "http://127.0.0.1:$port/" >/dev/null 2>&1
	c0=$(cpu_ticks "$pid")
	line=$(wrk -t1 -c"$conns" -d"$duration" -s "$lua" "http://127.0.0.1:$port/" 2>&1 | grep '^WRK ') || die "wrk failed against $target"
	c1=$(cpu_ticks "$pid")
	cpu_us=$(awk -v c=$((c1 - c0)) -v hz="$clk_tck" -v n="$(field requests "$line")" 'BEGIN {printf "%.0f", n ? c / hz * 1e6 / n : 0}')
	stop_pid "$pid" INT || die "spoor proxy exited with $?"
	summary=$(grep '^spoor: captured ' "$tmp/$target-$round.stderr" | sed 's/, stored in [^;]*;/;/') || die "no summary from spoor proxy"
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$target" "$round" "$(field rps "$line")" "$(field p99_us "$line")" "$summary" "$cpu_us" >>"$results"
	log "round $round $target: $(field rps "$line") req/s, p99 $(field p99_us "$line") µs, CPU $cpu_us µs/request; $summary"
}

targets=(spoor spoor-nodetect)
for round in $(seq "$rounds"); do
	for i in 0 1; do
		t=${targets[$(((i + round - 1) % 2))]}
		if [ "$t" = spoor ]; then run spoor "$round"; else run spoor-nodetect "$round" --no-detect; fi
	done
done

drains=$tmp/drains.txt
: >"$drains"
: >"$tmp/bursts.md"
for b in $(seq "$bursts"); do
	port=$(free_port)
	rm -f "$tmp/burst.db" "$tmp/burst.log"
	start_bg "$tmp/burst-$b.stderr" "$spoor" --log "$tmp/burst.log" proxy --no-tui --upstream "$upstream" --listen "127.0.0.1:$port" --db "$tmp/burst.db"
	pid=$bg_pid
	wait_port "$port" "$pid" "$tmp/burst-$b.stderr"
	line=$(python3 "$bench_dir/burst.py" "127.0.0.1:$port" "$tmp/burst.log" 2000) || die "burst $b failed"
	stop_pid "$pid" INT || die "spoor proxy exited with $?"
	summary=$(grep '^spoor: captured ' "$tmp/burst-$b.stderr" | sed 's/, stored in [^;]*;/;/')
	echo "$line" >>"$drains"
	log "burst $b: $line; $summary"
	echo "| $b | $(field send_s "$line") | $(field rps "$line") | $(field drain_s "$line") | ${summary#spoor: } |" >>"$tmp/bursts.md"
done
stop_pid "$origin_pid" || true

med() { awk -F'\t' -v t="$1" -v c="$2" '$1 == t {print $c}' "$results" | median; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
rps_on=$(med spoor 3)
rps_off=$(med spoor-nodetect 3)
p99_on=$(med spoor 4)
p99_off=$(med spoor-nodetect 4)

echo "wrk -t1 -c$conns, $duration per run after a $warmup warm-up, $rounds rounds alternating the two targets, medians."
echo "Load average $load_start at the start, $(loadavg) at the end (the machine is shared)."
echo
echo "| target | req/s | p99 ms | CPU µs/request |"
echo "|---|---:|---:|---:|"
echo "| spoor | $rps_on | $(awk -v v="$p99_on" 'BEGIN {printf "%.2f", v / 1000}') | $(med spoor 6) |"
echo "| spoor-nodetect | $rps_off | $(awk -v v="$p99_off" 'BEGIN {printf "%.2f", v / 1000}') | $(med spoor-nodetect 6) |"
echo
echo "spoor/spoor-nodetect: throughput $(ratio "$rps_on" "$rps_off")×, p99 $(ratio "$p99_on" "$p99_off")×."
echo
echo "| round | target | req/s | p99 ms | CPU µs/request | headless summary |"
echo "|---|---|---:|---:|---:|---|"
awk -F'\t' '{printf "| %s | %s | %s | %.2f | %s | %s |\n", $2, $1, $3, $4 / 1000, $6, $5}' "$results"
echo
echo "Burst of 2,000 requests (bench/burst.py, one keep-alive connection), $bursts runs:"
echo
echo "| run | send s | req/s | drain s | headless summary |"
echo "|---|---:|---:|---:|---|"
cat "$tmp/bursts.md"
echo
if [ "$bursts" -gt 0 ]; then
	echo "Median drain: $(sed -n 's/.*drain_s=\([0-9.]*\).*/\1/p' "$drains" | median) s after the burst's last answer."
fi
