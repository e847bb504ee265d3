#!/usr/bin/env bash
# forward.sh: spoor proxy --mode forward against mitmdump --mode regular,
# HTTPS intercepted by both, in one run on one machine.
#
# The origin (bench/forwardload origin) serves a 512-byte JSON document over
# TLS with a certificate of its own CA; each proxy is told to trust that CA
# (spoor: --upstream-ca, mitmdump: ssl_verify_upstream_trusted_ca) and the
# load client (bench/forwardload load: Go's http.Transport through the
# proxy, CONNECT then TLS, CONNS keep-alive connections) trusts the proxy's
# own CA: spoor's as `spoor ca` prints it, mitmdump's from its confdir.
# Both save every flow: spoor to its store, mitmdump with -w. Each target
# is measured for DURATION after a WARMUP, once.
#
#   bench/forward.sh                         # 10 s each
#   SMOKE=1 bench/forward.sh                 # 1 s each
#
# It writes forward.md (the report section) and forward.env (the figures)
# to OUT_DIR (default: the current directory) and fails when a run had
# errors or non-2xx answers, or spoor did not store what it captured.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

duration=${DURATION:-10s}
warmup=${WARMUP:-1s}
conns=${CONNS:-32}
if [ -n "${SMOKE:-}" ]; then
	duration=1s
	warmup=1s
fi
out_dir=${OUT_DIR:-.}
mkdir -p "$out_dir"
out_dir=$(cd "$out_dir" && pwd)

bench_init
need mitmdump python3
build_spoor
(cd "$repo_dir" && go build -o "$tmp/forwardload" ./bench/forwardload) || die "bench/forwardload does not build"
fl=$tmp/forwardload
load_start=$(loadavg)
failures=()

oport=$(free_port)
start_bg "$tmp/origin.log" "$fl" origin -listen "127.0.0.1:$oport" -ca-out "$tmp/origin-ca.pem"
origin_pid=$bg_pid
wait_port "$oport" "$origin_pid" "$tmp/origin.log"
url=https://localhost:$oport/api/items

# measure TARGET PORT CA runs the load client through the proxy on PORT,
# trusting CA, and records its figures as TARGET_*.
measure() {
	local target=$1 port=$2 ca=$3 line
	line=$("$fl" load -proxy "http://127.0.0.1:$port" -ca "$ca" -url "$url" -c "$conns" -d "$duration" -warmup "$warmup" 2>"$tmp/load-$target.err") ||
		{ cat "$tmp/load-$target.err" >&2; die "the load client failed against $target"; }
	log "$target: $line"
	declare -g "rps_$target=$(field rps "$line")" "p50_$target=$(field p50_us "$line")" "p99_$target=$(field p99_us "$line")"
	if [ "$(field errors "$line")" != 0 ] || [ "$(field non2xx "$line")" != 0 ]; then
		failures+=("$target: $(field errors "$line") errors, $(field non2xx "$line") non-2xx ($(head -1 "$tmp/load-$target.err"))")
	fi
}

run_spoor() {
	local dir=$tmp/spoor-run port pid rc summary captured stored sessions
	port=$(free_port)
	mkdir -p "$dir/data"
	XDG_DATA_HOME=$dir/data "$spoor" ca >"$dir/ca.out"
	start_bg "$dir/stderr" env XDG_DATA_HOME="$dir/data" "$spoor" proxy --mode forward --no-tui --listen "127.0.0.1:$port" \
		--db "$dir/spoor.db" --upstream-ca "$tmp/origin-ca.pem"
	pid=$bg_pid
	wait_port "$port" "$pid" "$dir/stderr"
	measure spoor "$port" "$(head -1 "$dir/ca.out")"
	rc=0
	stop_pid "$pid" INT || rc=$?
	[ "$rc" -eq 0 ] || { cat "$dir/stderr" >&2; die "spoor proxy exited with $rc"; }
	summary=$(grep '^spoor: captured ' "$dir/stderr") || { cat "$dir/stderr" >&2; die "no summary line from spoor proxy"; }
	captured=$(sed -E 's/^spoor: captured ([0-9]+) exchanges.*/\1/' <<<"$summary")
	read -r stored sessions < <(stored_counts "$dir/spoor.db")
	log "spoor: $summary; stored $stored requests in $sessions sessions"
	spoor_captured=$captured spoor_stored=$stored
	[ "$stored" -eq "$captured" ] || failures+=("spoor: captured $captured but stored $stored")
}

run_mitmdump() {
	local dir=$tmp/mitm-run port pid rc
	port=$(free_port)
	mkdir -p "$dir"
	start_bg "$dir/stderr" mitmdump -q --mode regular --listen-host 127.0.0.1 --listen-port "$port" \
		-w "$dir/flows" --set confdir="$dir/conf" --set ssl_verify_upstream_trusted_ca="$tmp/origin-ca.pem"
	pid=$bg_pid
	wait_port "$port" "$pid" "$dir/stderr"
	for _ in $(seq 100); do [ -s "$dir/conf/mitmproxy-ca-cert.pem" ] && break; sleep 0.1; done
	measure mitmdump "$port" "$dir/conf/mitmproxy-ca-cert.pem"
	rc=0
	stop_pid "$pid" || rc=$?
	[ "$rc" -eq 0 ] || [ "$rc" -eq 143 ] || { cat "$dir/stderr" >&2; die "mitmdump exited with $rc"; }
	mitm_flow_bytes=$(wc -c <"$dir/flows")
	log "mitmdump saved $mitm_flow_bytes bytes of flows"
}

run_spoor
run_mitmdump
stop_pid "$origin_pid" || true
load_end=$(loadavg)
ratio=$(awk -v a="$rps_spoor" -v b="$rps_mitmdump" 'BEGIN {printf "%.2f", b ? a / b : 0}')
ms() { awk -v u="$1" 'BEGIN {printf "%.2f", u / 1000}'; }

{
	echo "FWD_SPOOR_RPS=$rps_spoor"
	echo "FWD_MITM_RPS=$rps_mitmdump"
	echo "FWD_SPOOR_VS_MITM=$ratio"
	echo "FWD_SPOOR_P99_US=$p99_spoor"
	echo "FWD_MITM_P99_US=$p99_mitmdump"
} >"$out_dir/forward.env"
{
	echo "### Forward proxy with HTTPS interception: spoor and mitmdump"
	echo
	echo "bench/forward.sh: $conns keep-alive connections from Go's http.Transport (bench/forwardload: CONNECT, then TLS"
	echo "to the proxy's minted certificate), GET of a 512-byte JSON document from a local HTTPS origin, $duration after a"
	echo "$warmup warm-up, one run each. spoor proxy --mode forward stores every exchange (attack tagging on);"
	echo "mitmdump --mode regular saves every flow with -w. Load average $load_start at the start, $load_end at the end."
	echo
	echo "| proxy | HTTPS req/s | p50 | p99 |"
	echo "|---|---|---|---|"
	echo "| spoor proxy --mode forward | $rps_spoor | $(ms "$p50_spoor") ms | $(ms "$p99_spoor") ms |"
	echo "| mitmdump --mode regular | $rps_mitmdump | $(ms "$p50_mitmdump") ms | $(ms "$p99_mitmdump") ms |"
	echo
	echo "spoor/mitmdump: ${ratio}×. spoor stored $spoor_stored of the $spoor_captured exchanges it captured; mitmdump wrote $mitm_flow_bytes bytes of flows."
} >"$out_dir/forward.md"
cat "$out_dir/forward.md" >&2
[ "${#failures[@]}" -eq 0 ] || die "invalid runs: ${failures[*]}"
