#!/usr/bin/env bash
# memory.sh: the memory of `spoor proxy --no-tui` as exchanges accumulate.
#
# spoor proxies the origin of bench/origin under wrk (the request mix of
# bench/wrk/mix.lua) in chunks of 10 s until it has committed EXCHANGES
# (default 1,000,000) or CAP seconds (default 240) have passed. After each
# chunk it samples the exchanges committed (the debug log's commit lines),
# the RSS (VmRSS in /proc/PID/status) and the Go heap (the live heap after
# the last collection, from the runtime's GODEBUG=gctrace=1 lines on
# stderr). The RSS includes the pages of the store file bbolt has mapped.
#
#   bench/memory.sh
#   EXCHANGES=5000 CAP=3 bench/memory.sh     # smoke
#
# It writes memory.md and memory.env to OUT_DIR (default: the current
# directory) and fails if spoor fails or stores less than it captured.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

goal=${EXCHANGES:-1000000}
cap=${CAP:-240}
chunk=${CHUNK:-10}
conns=${CONNS:-32}
out_dir=${OUT_DIR:-.}
mkdir -p "$out_dir"

bench_init
need wrk python3
build_spoor
build_origin
oport=$(free_port)
start_bg "$tmp/origin.log" "$origin" -listen "127.0.0.1:$oport"
origin_pid=$bg_pid
wait_port "$oport" "$origin_pid" "$tmp/origin.log"

port=$(free_port)
GODEBUG=gctrace=1 start_bg "$tmp/spoor.err" "$spoor" proxy --no-tui --upstream "http://127.0.0.1:$oport" \
	--listen "127.0.0.1:$port" --db "$tmp/spoor.db" --log "$tmp/spoor.log"
pid=$bg_pid
wait_port "$port" "$pid" "$tmp/spoor.err"

committed() { { grep -o 'msg=commit .*total=[0-9]*' "$tmp/spoor.log" || true; } | tail -1 | sed 's/.*total=//'; }
rss_mib() { awk '/^VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$pid/status"; }
hwm_mib() { awk '/^VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$pid/status"; }
# heap_mib prints the live heap after the last GC, in MB as gctrace gives it.
heap_mib() { { grep -E '^gc [0-9]+ @' "$tmp/spoor.err" || true; } | tail -1 | sed -E 's/.* ([0-9]+)->([0-9]+)->([0-9]+) MB.*/\3/'; }

: >"$tmp/samples.tsv"
start=$SECONDS
n=0
while :; do
	n=$(committed)
	n=${n:-0}
	elapsed=$((SECONDS - start))
	[ "$n" -ge "$goal" ] || [ "$elapsed" -ge "$cap" ] && break
	d=$((cap - elapsed < chunk ? cap - elapsed : chunk))
	wrk -t1 -c"$conns" -d"${d}s" -s "$bench_dir/wrk/mix.lua" "http://127.0.0.1:$port/" >"$tmp/wrk.out" 2>&1 ||
		{ cat "$tmp/wrk.out" >&2; die "wrk failed"; }
	line=$(grep '^WRK ' "$tmp/wrk.out")
	sleep 0.2 # let the pipeline commit what is in flight
	printf '%s\t%s\t%s\t%s\t%s\n' "$((SECONDS - start))" "$(committed)" "$(rss_mib)" "$(heap_mib)" "$(field rps "$line")" >>"$tmp/samples.tsv"
	log "memory: $(tail -1 "$tmp/samples.tsv" | awk -F'\t' '{printf "%s s, %s exchanges, RSS %s MiB, heap %s MB, %s req/s", $1, $2, $3, $4, $5}')"
done
final_rss=$(rss_mib)
final_hwm=$(hwm_mib)
final_heap=$(heap_mib)
final_n=$(committed)
rc=0
stop_pid "$pid" INT || rc=$?
[ "$rc" -eq 0 ] || { tail -5 "$tmp/spoor.err" >&2; die "spoor proxy exited with $rc"; }
summary=$(grep '^spoor: captured ' "$tmp/spoor.err") || die "no summary line from spoor proxy"
captured=$(sed -E 's/^spoor: captured ([0-9]+) exchanges.*/\1/' <<<"$summary")
dropped=$(sed -E 's/.*, dropped ([0-9]+),.*/\1/' <<<"$summary")
read -r stored sessions < <(stored_counts "$tmp/spoor.db")
store_mib=$(($(wc -c <"$tmp/spoor.db") / 1048576))
stop_pid "$origin_pid" || true
reached=yes
[ "$final_n" -ge "$goal" ] || reached=no
# The heap's growth per 100,000 exchanges, from the first to the last sample.
slope=$(awk -F'\t' 'NR == 1 {n0 = $2; h0 = $4} {n1 = $2; h1 = $4} END {if (n1 > n0) printf "%.1f", (h1 - h0) / (n1 - n0) * 100000; else print "n/a"}' "$tmp/samples.tsv")
extrapolated=$(awk -v h="$final_heap" -v n="$final_n" -v s="$slope" -v g="$goal" 'BEGIN {if (s == "n/a") print "n/a"; else printf "%.0f", h + s * (g - n) / 100000}')

{
	echo "MEM_EXCHANGES=$final_n"
	echo "MEM_REACHED=$reached"
	echo "MEM_RSS_MIB=$final_rss"
	echo "MEM_HEAP_MB=$final_heap"
	echo "MEM_HEAP_SLOPE=$slope"
	echo "MEM_HEAP_AT_GOAL=$([ "$reached" = yes ] && echo "$final_heap" || echo "$extrapolated")"
	echo "MEM_DROPPED=$dropped"
} >"$out_dir/memory.env"
{
	echo "### Memory of spoor proxy"
	echo
	echo "spoor proxy --no-tui under wrk -t1 -c$conns (bench/wrk/mix.lua) in ${chunk}-s chunks until $goal exchanges were committed"
	echo "or $cap s passed. RSS is VmRSS from /proc/PID/status (it includes the store file's mapped pages); the Go heap is"
	echo "the live heap after the last collection, from the runtime's \`GODEBUG=gctrace=1\` lines (spoor's --log has no heap figure)."
	echo
	echo "| s | exchanges committed | RSS MiB | Go heap MB | req/s in the chunk |"
	echo "|---:|---:|---:|---:|---:|"
	awk -F'\t' '{printf "| %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5}' "$tmp/samples.tsv"
	echo
	if [ "$reached" = yes ]; then
		echo "At $final_n exchanges: **Go heap $final_heap MB, RSS $final_rss MiB** (peak RSS $final_hwm MiB)."
	else
		echo "**$goal exchanges were not reached in $cap s** (spoor's throughput bounds it): at $final_n exchanges the Go heap was"
		echo "**$final_heap MB** and RSS $final_rss MiB (peak $final_hwm MiB). The heap grew $slope MB per 100,000 exchanges between the"
		echo "first and last samples; straight-line extrapolation to $goal gives about **$extrapolated MB** (an estimate, not a measurement)."
	fi
	echo "Headless summary: captured $captured, dropped $dropped; the store holds $stored requests in $sessions sessions ($store_mib MiB)."
	echo
	echo '```sh'
	echo "GODEBUG=gctrace=1 spoor proxy --no-tui --upstream http://127.0.0.1:\$ORIGIN --listen 127.0.0.1:\$PORT --db \$DIR/spoor.db --log \$DIR/spoor.log"
	echo "wrk -t1 -c$conns -d${chunk}s -s bench/wrk/mix.lua http://127.0.0.1:\$PORT/   # repeated"
	echo '```'
} >"$out_dir/memory.md"
[ "$stored" -eq "$captured" ] || die "spoor captured $captured exchanges but stored $stored"
