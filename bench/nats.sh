#!/usr/bin/env bash
# nats.sh: two capture nodes publishing to NATS JetStream and one
# workstation collecting, beside one spoor proxy with its local store, in
# one run on one machine.
#
#   local  wrk -c$CONNS → spoor proxy --db (store, grouping, tagging) → origin
#   nats   two wrk -c$CONNS/2 → two spoor proxy --publish (no store) → origin;
#          both publish, sealed with one --relay-key, to bench/natsd
#          (nats-server with JetStream, file storage); spoor collect opens
#          and consumes into its store
#
# Figures: exchanges stored per second (stored ÷ the time from the start
# of the load to the last commit: for the nats run, until the consumer has
# nothing left to deliver or acknowledge, read from natsd's monitoring);
# for the nats run also spoor collect's lag from the end of each exchange
# on its node to its commit (p50 and p99 over the newest 65536), which it
# prints when it stops. Load is wrk -t1 with bench/wrk/mix.lua.
#
#   bench/nats.sh                       # 10 s of load each
#   SMOKE=1 bench/nats.sh               # 2 s each
#
# It writes nats.md (the report section) and nats.env (the figures) to
# OUT_DIR (default: the current directory), and fails when a client got
# an error, or the workstation did not store every exchange the nodes
# published.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

duration=${DURATION:-10s}
[ -n "${SMOKE:-}" ] && duration=${DURATION:-2s}
conns=${CONNS:-32}
out_dir=${OUT_DIR:-.}
mkdir -p "$out_dir"
out_dir=$(cd "$out_dir" && pwd)

bench_init
need wrk curl python3
build_spoor
build_origin
(cd "$repo_dir" && go build -o "$tmp/natsd" ./bench/natsd) || die "bench/natsd does not build"
lua=$bench_dir/wrk/mix.lua
secs=${duration%s}
load_start=$(loadavg)

origin_port=$(free_port)
start_bg "$tmp/origin.log" "$origin" -listen "127.0.0.1:$origin_port"
wait_port "$origin_port" "$bg_pid" "$tmp/origin.log"
upstream=http://127.0.0.1:$origin_port

# wrk_errors FILE prints the socket errors and non-2xx answers of a wrk run.
wrk_errors() {
	local line
	line=$(grep '^WRK ' "$1") || { cat "$1" >&2; die "no WRK line in $1"; }
	echo $(($(field sockerr "$line") + $(field non2xx "$line")))
}

# ---- one proxy, local store
port=$(free_port)
t0=$(date +%s.%N)
start_bg "$tmp/local.log" "$spoor" proxy --no-tui --upstream "$upstream" --listen "127.0.0.1:$port" --db "$tmp/local.db"
local_pid=$bg_pid
wait_port "$port" "$local_pid" "$tmp/local.log"
t0=$(date +%s.%N)
wrk -t1 -c"$conns" -d"$duration" -s "$lua" "http://127.0.0.1:$port/" >"$tmp/wrk-local.out" 2>&1 || die "wrk failed against the local proxy"
stop_pid "$local_pid" || die "spoor proxy exited with $?"
t1=$(date +%s.%N)
local_errors=$(wrk_errors "$tmp/wrk-local.out")
read -r local_stored _ < <(stored_counts "$tmp/local.db")
local_rate=$(awk -v n="$local_stored" -v a="$t0" -v b="$t1" 'BEGIN {printf "%.0f", n / (b - a)}')
log "local: $local_stored stored, $local_rate/s"

# ---- two nodes → NATS → one workstation
nats_port=$(free_port)
mon_port=$(free_port)
start_bg "$tmp/natsd.log" "$tmp/natsd" -listen "127.0.0.1:$nats_port" -dir "$tmp/js" -monitor "$mon_port"
wait_port "$nats_port" "$bg_pid" "$tmp/natsd.log"
nats_url=nats://127.0.0.1:$nats_port
relay_key=$tmp/relay.key
head -c 32 /dev/urandom >"$relay_key"
chmod 600 "$relay_key"
start_bg "$tmp/collect.log" "$spoor" collect --subscribe "$nats_url" --relay-key "$relay_key" --db "$tmp/ws.db"
collect_pid=$bg_pid
node_pids=()
node_ports=()
for node in gw-a gw-b; do
	p=$(free_port)
	start_bg "$tmp/$node.log" "$spoor" proxy --upstream "$upstream" --listen "127.0.0.1:$p" --publish "$nats_url" --relay-key "$relay_key" --node "$node"
	wait_port "$p" "$bg_pid" "$tmp/$node.log"
	node_pids+=("$bg_pid")
	node_ports+=("$p")
done
t0=$(date +%s.%N)
wrk -t1 -c$((conns / 2)) -d"$duration" -s "$lua" "http://127.0.0.1:${node_ports[0]}/" >"$tmp/wrk-gw-a.out" 2>&1 &
wa=$!
wrk -t1 -c$((conns / 2)) -d"$duration" -s "$lua" "http://127.0.0.1:${node_ports[1]}/" >"$tmp/wrk-gw-b.out" 2>&1 &
wb=$!
wait "$wa" || die "wrk failed against gw-a"
wait "$wb" || die "wrk failed against gw-b"
for pid in "${node_pids[@]}"; do stop_pid "$pid" || die "a node exited with $?"; done
# caught_up prints yes once the consumer has delivered and had
# acknowledged every message of the stream.
caught_up() {
	curl -sf "http://127.0.0.1:$mon_port/jsz?consumers=true" | python3 -c '
import json, sys
d = json.load(sys.stdin)
for acc in d.get("account_details", []):
    for s in acc.get("stream_detail", []):
        for c in s.get("consumer_detail", []) or []:
            if c["num_pending"] == 0 and c["num_ack_pending"] == 0 and c["delivered"]["stream_seq"] >= s["state"]["messages"] > 0:
                print("yes")'
}
for _ in $(seq 1200); do
	[ "$(caught_up)" = yes ] && break
	sleep 0.1
done
[ "$(caught_up)" = yes ] || die "the workstation did not catch up within 120 s"
t1=$(date +%s.%N)
stop_pid "$collect_pid" || die "spoor collect exited with $?"
nats_errors=$(($(wrk_errors "$tmp/wrk-gw-a.out") + $(wrk_errors "$tmp/wrk-gw-b.out")))
published=0
dropped=0
for node in gw-a gw-b; do
	line=$(grep '^spoor: published' "$tmp/$node.log") || { cat "$tmp/$node.log" >&2; die "$node printed no summary"; }
	published=$((published + $(awk '{print $3}' <<<"$line")))
	dropped=$((dropped + $(sed -n 's/.*dropped \([0-9]*\).*/\1/p' <<<"$line")))
done
line=$(grep '^spoor: collected' "$tmp/collect.log") || { cat "$tmp/collect.log" >&2; die "spoor collect printed no summary"; }
lag_p50=$(sed -n 's/.*p50 \([^,]*\),.*/\1/p' <<<"$line")
lag_p99=$(sed -n 's/.*p99 \(.*\)$/\1/p' <<<"$line")
read -r nats_stored _ < <(stored_counts "$tmp/ws.db")
nats_rate=$(awk -v n="$nats_stored" -v a="$t0" -v b="$t1" 'BEGIN {printf "%.0f", n / (b - a)}')
log "nats: $nats_stored stored of $published published ($dropped dropped), $nats_rate/s, lag p50 $lag_p50 p99 $lag_p99"

{
	echo "NATS_LOCAL_STORED=$local_stored"
	echo "NATS_LOCAL_RATE=$local_rate"
	echo "NATS_STORED=$nats_stored"
	echo "NATS_PUBLISHED=$published"
	echo "NATS_DROPPED=$dropped"
	echo "NATS_RATE=$nats_rate"
	echo "NATS_LAG_P50='$lag_p50'"
	echo "NATS_LAG_P99='$lag_p99'"
} >"$out_dir/nats.env"
{
	echo "### Two capture nodes → NATS JetStream → one workstation (bench/nats.sh)"
	echo
	echo "wrk -t1 -c$conns for $duration against one spoor proxy with its local store, then two wrk -c$((conns / 2)) against two"
	echo "\`spoor proxy --publish\` nodes (no local store; every exchange sealed with \`--relay-key\`, AES-256-GCM) feeding one \`spoor collect\` through bench/natsd (nats-server, JetStream"
	echo "on file storage), same origin, same machine; load average $load_start at the start, $(loadavg) at the end."
	echo
	echo "| setup | exchanges stored | stored per second | lag capture → commit p50 / p99 |"
	echo "|---|---|---|---|"
	echo "| one proxy, local store | $local_stored | $local_rate | — (in process) |"
	echo "| two nodes → NATS → one workstation | $nats_stored of $published published ($dropped dropped) | $nats_rate | $lag_p50 / $lag_p99 |"
} >"$out_dir/nats.md"
[ "$local_errors" -eq 0 ] || die "$local_errors errors against the local proxy"
[ "$nats_errors" -eq 0 ] || die "$nats_errors errors against the nodes"
[ "$nats_stored" -eq "$published" ] || die "the workstation stored $nats_stored of $published published"
