#!/usr/bin/env bash
# proxy.sh: spoor proxy against nginx, mitmdump and a bare fasthttp
# pass-through in front of the same origin, on the same machine, in one run.
#
# Targets, measured in ROUNDS rounds at each connection count of CONNS (the
# order rotates each round), each for DURATION after a WARMUP:
#   direct   wrk → origin
#   nginx    wrk → nginx proxy_pass with the access log → origin
#   mitmdump wrk → mitmdump --mode reverse saving every flow → origin
#            (32 connections only: at 1,000 it answers with socket errors
#            and says nothing about spoor)
#   passthrough  wrk → bench/passthrough, a fasthttp server handing each
#            request to a fasthttp.HostClient and nothing else → origin: the
#            ceiling of a fasthttp proxy on this machine
#   spoor    wrk → spoor proxy --no-tui (store, grouping, tagging) → origin
#   spoor-nodetect  the same with --no-detect (store and grouping, no attack
#            tagging), so that the ratio spoor/spoor-nodetect is what tagging
#            costs the proxy
# The origin (bench/origin) answers 512-byte JSON; before the rounds, its
# fasthttp and net/http servers are measured directly and the faster one is
# used, so the origin is not the bottleneck. Load is wrk with the request
# mix of bench/wrk/mix.lua: -t1 at 32 connections, -t2 at 1,000 (the open
# file limit is raised for it). Every proxy starts afresh each round.
#
#   bench/proxy.sh                                # 3 rounds of 10 s, 32 and 1,000 connections
#   ROUNDS=1 DURATION=3s bench/proxy.sh           # a short run
#   CONNS=32 ROUNDS=1 DURATION=1s WARMUP=0 bench/proxy.sh  # smoke at 32 only
#   SPOOR_BIN=/path/to/spoor bench/proxy.sh       # an experiment: another build
#   SPOOR_B=/path/to/spoor TARGETS="nginx passthrough spoor" bench/proxy.sh
#                                                 # an experiment: spoor-b, another build, in the same rounds
#
# It writes proxy.md (the report section) and proxy.env (the figures) to
# OUT_DIR (default: the current directory) and fails when a run had socket
# errors or non-2xx answers, or spoor did not store what it captured.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

rounds=${ROUNDS:-3}
duration=${DURATION:-10s}
warmup=${WARMUP:-1s}
read -r -a conn_levels <<<"${CONNS:-32 1000}"
out_dir=${OUT_DIR:-.}
mkdir -p "$out_dir"
out_dir=$(cd "$out_dir" && pwd)

bench_init
need wrk nginx mitmdump python3
# wrk, the proxy and the origin each hold a descriptor per connection.
max_conns=$(printf '%s\n' "${conn_levels[@]}" | sort -n | tail -1)
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
[ "$(ulimit -n)" = unlimited ] || [ "$(ulimit -n)" -ge $((2 * max_conns + 256)) ] ||
	die "the open file limit is $(ulimit -n), too low for $max_conns connections: raise it (ulimit -Hn)"
build_spoor
build_origin
(cd "$repo_dir" && go build -o "$tmp/passthrough" ./bench/passthrough) || die "bench/passthrough does not build"
lua=$bench_dir/wrk/mix.lua
results=$tmp/results.tsv # target conns round rps p50_us p99_us sockerr non2xx cpu_us
clk_tck=$(getconf CLK_TCK)
load_start=$(loadavg)
: >"$results"
: >"$tmp/spoor.tsv"
failures=()

# wrk waits 10 s for an answer (its default is 2 s): at 1,000 connections
# on two cores a saturated proxy queues requests longer than 2 s, and a
# censored latency is no p99.
#
# threads CONNS is wrk's thread count at CONNS connections: one thread
# keeps up with 32, not with 1,000.
threads() { if [ "$1" -ge 256 ]; then echo 2; else echo 1; fi; }

# load PORT SECONDS LABEL runs wrk against PORT with $conns connections and
# prints its WRK line.
load() {
	local port=$1 d=$2 label=$3 line
	wrk -t"$(threads "$conns")" -c"$conns" -d"$d" --timeout 10s -s "$lua" "http://127.0.0.1:$port/" >"$tmp/wrk-$label.out" 2>&1 ||
		{ cat "$tmp/wrk-$label.out" >&2; die "wrk failed against $label"; }
	line=$(grep '^WRK ' "$tmp/wrk-$label.out") || { cat "$tmp/wrk-$label.out" >&2; die "no WRK line from wrk against $label"; }
	echo "$line"
}

# measure TARGET ROUND PORT PID warms PORT up, measures it at $conns
# connections and records the figures, with the CPU time PID (and its
# children) used per request.
measure() {
	local target=$1 round=$2 port=$3 pid=$4 line sockerr non2xx c0 c1 cpu_us
	[ "$warmup" != 0 ] && load "$port" "$warmup" "$target-c$conns-warmup" >/dev/null
	c0=$(cpu_ticks "$pid")
	line=$(load "$port" "$duration" "$target-c$conns-$round")
	c1=$(cpu_ticks "$pid")
	cpu_us=$(awk -v c=$((c1 - c0)) -v hz="$clk_tck" -v n="$(field requests "$line")" 'BEGIN {printf "%.0f", n ? c / hz * 1e6 / n : 0}')
	sockerr=$(($(field connect "$line") + $(field read "$line") + $(field write "$line") + $(field timeout "$line")))
	non2xx=$(field non2xx "$line")
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$target" "$conns" "$round" "$(field rps "$line")" \
		"$(field p50_us "$line")" "$(field p99_us "$line")" "$sockerr" "$non2xx" "$cpu_us" >>"$results"
	log "round $round $target -c$conns: $(field rps "$line") req/s, p50 $(field p50_us "$line") µs, p99 $(field p99_us "$line") µs, CPU $cpu_us µs/request, socket errors $sockerr, non-2xx $non2xx"
	[ "$sockerr" -eq 0 ] && [ "$non2xx" -eq 0 ] || failures+=("$target -c$conns round $round: $sockerr socket errors, $non2xx non-2xx")
}

start_origin() {
	oport=$(free_port)
	start_bg "$tmp/origin.log" "$origin" -listen "127.0.0.1:$oport" -impl "$1"
	origin_pid=$bg_pid
	wait_port "$oport" "$origin_pid" "$tmp/origin.log"
}

# Pick the faster origin server.
origin_impl=${ORIGIN_IMPL:-}
origin_note=""
if [ -z "$origin_impl" ]; then
	declare -A origin_rps
	conns=${conn_levels[0]}
	for impl in fasthttp net/http; do
		start_origin "$impl"
		line=$(load "$oport" "${ORIGIN_CHECK:-5s}" "origin-${impl//\//}")
		origin_rps[$impl]=$(field rps "$line")
		stop_pid "$origin_pid" || true
	done
	origin_impl=fasthttp
	awk -v a="${origin_rps[fasthttp]}" -v b="${origin_rps[net/http]}" 'BEGIN {exit !(b > a)}' && origin_impl=net/http
	origin_note="origin check (${ORIGIN_CHECK:-5s} each, direct, $conns connections): fasthttp ${origin_rps[fasthttp]} req/s, net/http ${origin_rps[net/http]} req/s; using $origin_impl"
	log "$origin_note"
fi
start_origin "$origin_impl"
upstream=http://127.0.0.1:$oport

run_direct() { measure direct "$1" "$oport" "$origin_pid"; }

run_nginx() {
	local round=$1 dir=$tmp/nginx-c$conns-$1 port pid lines
	port=$(free_port)
	mkdir -p "$dir"
	sed -e "s#@PREFIX@#$dir#g" -e "s#@LISTEN@#127.0.0.1:$port#" -e "s#@ORIGIN@#127.0.0.1:$oport#" \
		"$bench_dir/nginx/nginx.conf" >"$dir/nginx.conf"
	start_bg "$dir/stderr" nginx -p "$dir" -c "$dir/nginx.conf"
	pid=$bg_pid
	wait_port "$port" "$pid" "$dir/stderr"
	measure nginx "$round" "$port" "$pid"
	stop_pid "$pid" QUIT || die "nginx exited with $?"
	lines=$(wc -l <"$dir/access.log")
	log "nginx logged $lines requests"
	rm -f "$dir/access.log"
}

run_mitmdump() {
	local round=$1 dir=$tmp/mitm-c$conns-$1 port pid rc
	port=$(free_port)
	mkdir -p "$dir"
	start_bg "$dir/stderr" mitmdump -q --mode "reverse:$upstream" --listen-host 127.0.0.1 --listen-port "$port" \
		-w "$dir/flows" --set confdir="$dir/conf"
	pid=$bg_pid
	wait_port "$port" "$pid" "$dir/stderr"
	measure mitmdump "$round" "$port" "$pid"
	rc=0
	stop_pid "$pid" || rc=$?
	[ "$rc" -eq 0 ] || [ "$rc" -eq 143 ] || { cat "$dir/stderr" >&2; die "mitmdump exited with $rc"; }
	log "mitmdump saved $(wc -c <"$dir/flows") bytes of flows"
	rm -f "$dir/flows"
}

run_passthrough() {
	local round=$1 dir=$tmp/passthrough-c$conns-$1 port pid rc
	port=$(free_port)
	mkdir -p "$dir"
	start_bg "$dir/stderr" "$tmp/passthrough" -listen "127.0.0.1:$port" -upstream "127.0.0.1:$oport"
	pid=$bg_pid
	wait_port "$port" "$pid" "$dir/stderr"
	measure passthrough "$round" "$port" "$pid"
	rc=0
	stop_pid "$pid" || rc=$?
	[ "$rc" -eq 0 ] || { cat "$dir/stderr" >&2; die "passthrough exited with $rc"; }
}

# run_spoor ROUND [TARGET FLAG...] measures spoor proxy, named TARGET
# (default spoor) and started with the extra FLAGs.
run_spoor() {
	local round=$1 target=${2:-spoor} dir port pid rc summary bin captured dropped stored sessions tiers t0 t1
	shift $(($# < 2 ? $# : 2))
	dir=$tmp/$target-c$conns-$round
	port=$(free_port)
	mkdir -p "$dir"
	bin=$spoor
	[ "$target" = spoor-b ] && bin=$SPOOR_B
	start_bg "$dir/stderr" "$bin" proxy --no-tui --upstream "$upstream" --listen "127.0.0.1:$port" --db "$dir/spoor.db" "$@"
	pid=$bg_pid
	wait_port "$port" "$pid" "$dir/stderr"
	measure "$target" "$round" "$port" "$pid"
	t0=$(date +%s.%N)
	rc=0
	stop_pid "$pid" INT || rc=$?
	t1=$(date +%s.%N)
	[ "$rc" -eq 0 ] || { cat "$dir/stderr" >&2; die "spoor proxy exited with $rc"; }
	summary=$(grep '^spoor: captured ' "$dir/stderr") || { cat "$dir/stderr" >&2; die "no summary line from spoor proxy"; }
	captured=$(sed -E 's/^spoor: captured ([0-9]+) exchanges.*/\1/' <<<"$summary")
	dropped=$(sed -E 's/.*, dropped ([0-9]+),.*/\1/' <<<"$summary")
	tiers=$(sed -nE 's/.*tier 1 ([0-9]+), tier 2 ([0-9]+).*/\2 of \1/p' <<<"$summary")
	read -r stored sessions < <(stored_counts "$dir/spoor.db")
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$target" "$conns" "$round" "$captured" "$dropped" "$stored" "$sessions" \
		"$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", b - a}')" "$(wc -c <"$dir/spoor.db")" "${tiers:-off}" >>"$tmp/spoor.tsv"
	log "$target -c$conns: $summary; stored $stored requests in $sessions sessions"
	[ "$stored" -eq "$captured" ] && [ "$dropped" -eq 0 ] || failures+=("$target -c$conns round $round: captured $captured, dropped $dropped, stored $stored")
	rm -f "$dir/spoor.db"
}

run_spoor_nodetect() { run_spoor "$1" spoor-nodetect --no-detect; }
run_spoor_b() { run_spoor "$1" spoor-b; }

# TARGETS narrows an experiment to some targets; SPOOR_B adds spoor-b, that
# binary run as spoor is, in the same rounds (a change against its parent).
read -r -a all_targets <<<"${TARGETS:-direct nginx mitmdump passthrough spoor spoor-nodetect}"
[ -n "${SPOOR_B:-}" ] && all_targets+=(spoor-b)
# targets_at CONNS lists the targets measured at CONNS connections.
targets_at() {
	local t
	for t in "${all_targets[@]}"; do
		[ "$t" = mitmdump ] && [ "$1" -gt 32 ] && continue
		echo "$t"
	done
}
for round in $(seq "$rounds"); do
	for conns in "${conn_levels[@]}"; do
		mapfile -t targets < <(targets_at "$conns")
		for i in "${!targets[@]}"; do
			t=${targets[$(((i + round - 1) % ${#targets[@]}))]}
			"run_${t//-/_}" "$round"
		done
	done
done
stop_pid "$origin_pid" || true

# Medians and the report section.
med() { awk -F'\t' -v t="$1" -v c="$2" -v col="$3" '$1 == t && $2 == c {print $col}' "$results" | median; }
declare -A rps p50 p99 cpu errs
load_end=$(loadavg)
for c in "${conn_levels[@]}"; do
	for t in direct nginx mitmdump passthrough spoor spoor-nodetect spoor-b; do # unmeasured: nan
		rps[$t/$c]=nan p50[$t/$c]=nan p99[$t/$c]=nan cpu[$t/$c]=nan errs[$t/$c]="0 0"
	done
	for t in $(targets_at "$c"); do
		rps[$t/$c]=$(med "$t" "$c" 4)
		p50[$t/$c]=$(med "$t" "$c" 5)
		p99[$t/$c]=$(med "$t" "$c" 6)
		cpu[$t/$c]=$(med "$t" "$c" 9)
		errs[$t/$c]=$(awk -F'\t' -v t="$t" -v c="$c" '$1 == t && $2 == c {s += $7; n += $8} END {print s + 0, n + 0}' "$results")
	done
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b == 0 || a == "nan" || b == "nan") print "n/a"; else printf "%.2f", a / b}'; }
ms() { awk -v u="$1" 'BEGIN {printf "%.2f", u / 1000}'; }
dropped_total=$(awk -F'\t' '$1 == "spoor" {s += $5} END {print s + 0}' "$tmp/spoor.tsv")
captured_total=$(awk -F'\t' '$1 == "spoor" {s += $4} END {print s + 0}' "$tmp/spoor.tsv")
stored_total=$(awk -F'\t' '$1 == "spoor" {s += $6} END {print s + 0}' "$tmp/spoor.tsv")

c=${conn_levels[0]}
{
	# The figures at the first connection count (32 unless CONNS says
	# otherwise) keep their plain names; every count has its _C<n> ones.
	echo "PROXY_CONNS='${conn_levels[*]}'"
	echo "SPOOR_RPS=${rps[spoor/$c]}"
	echo "NGINX_RPS=${rps[nginx/$c]}"
	echo "MITM_RPS=${rps[mitmdump/$c]}"
	echo "DIRECT_RPS=${rps[direct/$c]}"
	echo "PASS_RPS=${rps[passthrough/$c]}"
	echo "SPOOR_P99_US=${p99[spoor/$c]}"
	echo "NGINX_P99_US=${p99[nginx/$c]}"
	echo "SPOOR_VS_NGINX=$(ratio "${rps[spoor/$c]}" "${rps[nginx/$c]}")"
	echo "SPOOR_VS_MITM=$(ratio "${rps[spoor/$c]}" "${rps[mitmdump/$c]}")"
	echo "SPOOR_VS_DIRECT=$(ratio "${rps[spoor/$c]}" "${rps[direct/$c]}")"
	echo "SPOOR_VS_PASS=$(ratio "${rps[spoor/$c]}" "${rps[passthrough/$c]}")"
	echo "P99_VS_NGINX=$(ratio "${p99[spoor/$c]}" "${p99[nginx/$c]}")"
	echo "NODETECT_RPS=${rps[spoor-nodetect/$c]}"
	echo "NODETECT_P99_US=${p99[spoor-nodetect/$c]}"
	echo "NODETECT_CPU_US=${cpu[spoor-nodetect/$c]}"
	echo "SPOOR_VS_NODETECT=$(ratio "${rps[spoor/$c]}" "${rps[spoor-nodetect/$c]}")"
	echo "P99_VS_NODETECT=$(ratio "${p99[spoor/$c]}" "${p99[spoor-nodetect/$c]}")"
	echo "SPOOR_CPU_US=${cpu[spoor/$c]}"
	echo "NGINX_CPU_US=${cpu[nginx/$c]}"
	echo "MITM_CPU_US=${cpu[mitmdump/$c]}"
	echo "PASS_CPU_US=${cpu[passthrough/$c]}"
	for c in "${conn_levels[@]}"; do
		echo "SPOOR_RPS_C$c=${rps[spoor/$c]}"
		echo "NGINX_RPS_C$c=${rps[nginx/$c]}"
		echo "PASS_RPS_C$c=${rps[passthrough/$c]}"
		echo "SPOOR_P99_US_C$c=${p99[spoor/$c]}"
		echo "NGINX_P99_US_C$c=${p99[nginx/$c]}"
		echo "PASS_P99_US_C$c=${p99[passthrough/$c]}"
		echo "P99_VS_NGINX_C$c=$(ratio "${p99[spoor/$c]}" "${p99[nginx/$c]}")"
		echo "SPOOR_VS_PASS_C$c=$(ratio "${rps[spoor/$c]}" "${rps[passthrough/$c]}")"
		echo "SPOOR_VS_NGINX_C$c=$(ratio "${rps[spoor/$c]}" "${rps[nginx/$c]}")"
	done
	echo "SPOOR_CAPTURED=$captured_total"
	echo "SPOOR_DROPPED=$dropped_total"
	echo "SPOOR_STORED=$stored_total"
	echo "PROXY_FAILURES=${#failures[@]}"
} >"$out_dir/proxy.env"

{
	echo "### Proxy throughput and latency"
	echo
	echo "wrk at ${conn_levels[*]} connections (-t1 below 256 connections, -t2 from there), $duration per run after"
	echo "a $warmup warm-up, $rounds rounds with the target order rotating, medians over the rounds. Origin:"
	echo "bench/origin ($origin_impl), 512-byte JSON answers. passthrough is bench/passthrough, a fasthttp server"
	echo "handing each request to a fasthttp.HostClient and nothing else: the ceiling of a fasthttp proxy here."
	echo "mitmdump is measured at 32 connections only."
	echo "CPU µs/request is the CPU time (user + system, from /proc/PID/stat) the target's processes used"
	echo "during the measured run divided by its requests — for direct, the origin's own cost. The machine is"
	echo "shared: its 1-minute load average was $load_start when the run started and $load_end when it ended."
	[ -n "$origin_note" ] && echo "The origin server was chosen by measurement: $origin_note."
	for c in "${conn_levels[@]}"; do
		mapfile -t targets < <(targets_at "$c")
		echo
		echo "#### $c connections"
		echo
		echo "| target | req/s | p50 ms | p99 ms | CPU µs/request | socket errors | non-2xx |"
		echo "|---|---:|---:|---:|---:|---:|---:|"
		for t in "${targets[@]}"; do
			read -r se nx <<<"${errs[$t/$c]}"
			echo "| $t | ${rps[$t/$c]} | $(ms "${p50[$t/$c]}") | $(ms "${p99[$t/$c]}") | ${cpu[$t/$c]} | $se | $nx |"
		done
		echo
		echo "Each round (req/s, p99 ms):"
		echo
		echo "| round | $(printf '%s | ' "${targets[@]}")"
		echo "|---|$(printf -- '---:|%.0s' "${targets[@]}")"
		for round in $(seq "$rounds"); do
			printf '| %s |' "$round"
			for t in "${targets[@]}"; do
				awk -F'\t' -v t="$t" -v c="$c" -v r="$round" '$1 == t && $2 == c && $3 == r {printf " %s (%.2f) |", $4, $6 / 1000}' "$results"
			done
			echo
		done
		echo
		echo "spoor/passthrough $(ratio "${rps[spoor/$c]}" "${rps[passthrough/$c]}")× throughput, spoor/nginx $(ratio "${rps[spoor/$c]}" "${rps[nginx/$c]}")×,"
		if [ "${rps[mitmdump/$c]}" != nan ]; then
			echo "spoor/mitmdump $(ratio "${rps[spoor/$c]}" "${rps[mitmdump/$c]}")×,"
		fi
		echo "spoor/direct $(ratio "${rps[spoor/$c]}" "${rps[direct/$c]}")×, nginx/direct $(ratio "${rps[nginx/$c]}" "${rps[direct/$c]}")×,"
		echo "passthrough/nginx $(ratio "${rps[passthrough/$c]}" "${rps[nginx/$c]}")×; p99 spoor/nginx $(ratio "${p99[spoor/$c]}" "${p99[nginx/$c]}")×,"
		echo "p99 passthrough/nginx $(ratio "${p99[passthrough/$c]}" "${p99[nginx/$c]}")×."
		echo "Attack tagging: spoor/spoor-nodetect $(ratio "${rps[spoor/$c]}" "${rps[spoor-nodetect/$c]}")× throughput, p99 $(ratio "${p99[spoor/$c]}" "${p99[spoor-nodetect/$c]}")×,"
		echo "CPU per request $(ratio "${cpu[spoor/$c]}" "${cpu[spoor-nodetect/$c]}")× (spoor-nodetect is spoor proxy --no-detect: stored and grouped, not tagged)."
		if [ -n "${SPOOR_B:-}" ]; then
			echo "Experiment: spoor/spoor-b $(ratio "${rps[spoor/$c]}" "${rps[spoor-b/$c]}")× throughput, p99 $(ratio "${p99[spoor/$c]}" "${p99[spoor-b/$c]}")×, CPU per request $(ratio "${cpu[spoor/$c]}" "${cpu[spoor-b/$c]}")× (spoor-b is $SPOOR_B)."
		fi
	done
	echo
	echo "spoor, per round — from its headless summary line and \`spoor sessions --ndjson\` on the store afterwards:"
	echo
	echo "| target | connections | round | captured | dropped | stored requests | sessions | stop (drain) s | store bytes | Core Rule Set checks (tier 2 of tier 1) |"
	echo "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|"
	awk -F'\t' '{printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10}' "$tmp/spoor.tsv"
	echo
	echo "Commands (ports are picked free at run time):"
	echo
	echo '```sh'
	echo "bench/origin -listen 127.0.0.1:\$ORIGIN -impl $origin_impl"
	echo "nginx -p \$DIR -c \$DIR/nginx.conf          # bench/nginx/nginx.conf, worker_processes auto, access_log combined"
	echo "mitmdump -q --mode reverse:http://127.0.0.1:\$ORIGIN --listen-host 127.0.0.1 --listen-port \$PORT -w \$DIR/flows --set confdir=\$DIR/conf"
	echo "bench/passthrough -listen 127.0.0.1:\$PORT -upstream 127.0.0.1:\$ORIGIN"
	echo "spoor proxy --no-tui --upstream http://127.0.0.1:\$ORIGIN --listen 127.0.0.1:\$PORT --db \$DIR/spoor.db   # stopped with SIGINT"
	echo "spoor proxy --no-tui --upstream http://127.0.0.1:\$ORIGIN --listen 127.0.0.1:\$PORT --db \$DIR/spoor.db --no-detect   # spoor-nodetect"
	for c in "${conn_levels[@]}"; do
		echo "wrk -t$(threads "$c") -c$c -d$duration -s bench/wrk/mix.lua http://127.0.0.1:\$PORT/   # after a $warmup warm-up run"
	done
	echo '```'
	if [ "${#failures[@]}" -gt 0 ]; then
		echo
		echo "**Invalid runs:**"
		printf -- '- %s\n' "${failures[@]}"
	fi
} >"$out_dir/proxy.md"

if [ "${#failures[@]}" -gt 0 ]; then
	printf 'proxy.sh: %s\n' "${failures[@]}" >&2
	exit 1
fi
