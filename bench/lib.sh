# lib.sh: helpers the bench scripts source. Bash only.
#
# Every server a script starts goes through start_bg, and the EXIT trap set
# by bench_init stops whatever is still running and removes the scratch
# directory, so an interrupted run leaves nothing behind.

bench_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_dir=$(cd "$bench_dir/.." && pwd)
bench_pids=()

# bench_init makes the scratch directory $tmp and sets the EXIT trap.
bench_init() {
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/spoor-bench.XXXXXX")
	trap bench_cleanup EXIT
	trap 'exit 130' INT TERM
}

bench_cleanup() {
	local pid
	for pid in "${bench_pids[@]}"; do
		if kill -0 "$pid" 2>/dev/null; then
			kill -TERM "$pid" 2>/dev/null || true
			for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
			kill -KILL "$pid" 2>/dev/null || true
		fi
	done
	[ -n "${tmp:-}" ] && rm -rf "$tmp"
}

die() {
	echo "bench: $*" >&2
	exit 1
}

log() { echo "bench: $*" >&2; }

# need checks that each named command exists.
need() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null || die "$c is not installed (run bench/deps.sh, or make bench, which does)"
	done
}

# start_bg LOGFILE CMD... starts CMD in the background with its output in
# LOGFILE and sets $bg_pid.
start_bg() {
	local out=$1
	shift
	"$@" >"$out" 2>&1 &
	bg_pid=$!
	bench_pids+=("$bg_pid")
}

# stop_pid PID [SIGNAL] stops PID and waits at most 60 s for it; it returns
# PID's exit status (or 137 when it had to be killed).
stop_pid() {
	local pid=$1 sig=${2:-TERM} i
	kill -"$sig" "$pid" 2>/dev/null || true
	for i in $(seq 600); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		return 137
	fi
	local rc=0
	wait "$pid" 2>/dev/null || rc=$?
	return "$rc"
}

# port_open PORT reports whether something accepts connections on PORT.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# free_port prints a loopback port nobody listens on, below the ephemeral
# range, so that no outgoing connection (wrk's, a proxy's upstream ones)
# can hold it by the time a server binds it.
free_port() {
	local p low
	low=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
	for _ in $(seq 100); do
		p=$((10000 + RANDOM % (low - 10000)))
		port_open "$p" || { echo "$p"; return; }
	done
	die "no free port found"
}

# wait_port PORT PID LOGFILE waits up to 30 s for PORT to accept, failing
# early if PID dies.
wait_port() {
	local port=$1 pid=$2 out=$3
	for _ in $(seq 300); do
		port_open "$port" && return 0
		kill -0 "$pid" 2>/dev/null || { cat "$out" >&2; die "process $pid died before listening on $port"; }
		sleep 0.1
	done
	cat "$out" >&2
	die "nothing listens on $port after 30 s"
}

# build_spoor builds bin/spoor from the current tree into $tmp, retrying
# for a few minutes when the tree is mid-edit and does not build. SPOOR_BIN
# names a binary to use instead.
build_spoor() {
	local i
	if [ -n "${SPOOR_BIN:-}" ]; then # an experiment: a spoor built elsewhere
		spoor=$SPOOR_BIN
		return 0
	fi
	for i in 1 2 3 4 5; do
		if (cd "$repo_dir" && go build -o "$tmp/spoor" ./cmd/spoor) 2>"$tmp/build.err"; then
			spoor=$tmp/spoor
			return 0
		fi
		log "the tree does not build (attempt $i), retrying in 60 s:"
		head -5 "$tmp/build.err" >&2
		[ "$i" -lt 5 ] && sleep 60
	done
	die "cmd/spoor does not build"
}

build_origin() {
	(cd "$repo_dir" && go build -o "$tmp/origin" ./bench/origin) || die "bench/origin does not build"
	origin=$tmp/origin
}

# median reads numbers, one a line, and prints their median.
median() {
	sort -g | awk '{v[NR] = $1} END {
		if (NR == 0) { print "nan"; exit }
		if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2
	}'
}

# field NAME LINE prints the value of NAME=value in LINE.
field() { tr ' ' '\n' <<<"$2" | sed -n "s/^$1=//p"; }

# machine_header prints the report header: CPU, cores, memory, Go and the
# versions of the tools compared.
machine_header() {
	local cpu cores mem
	cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
	cores=$(nproc)
	mem=$(awk '/^MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)
	echo "- Machine: $cpu, $cores cores, $mem, $(uname -sr)"
	echo "- Go: $(go version | cut -d' ' -f3-)"
	echo "- Tools: $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2), $(nginx -v 2>&1 | sed 's/.*: //'), mitmdump $(mitmdump --version 2>/dev/null | sed -n 's/^Mitmproxy: //p'), GoAccess $(goaccess -V 2>/dev/null | sed -n '1s/^GoAccess - //p' | sed "s/\.$//")"
	echo "- spoor: $(cd "$repo_dir" && git rev-parse --short HEAD)$(cd "$repo_dir" && git diff --quiet HEAD -- . ':!BENCHMARKS.md' || echo ' plus uncommitted changes'), built from the working tree"
}

# stored_counts DB prints the requests and the sessions stored in DB, as
# `spoor sessions --ndjson` lists them.
stored_counts() {
	"$spoor" sessions --db "$1" --ndjson | python3 -c '
import json, sys
n = r = 0
for line in sys.stdin:
    if line.strip():
        n += 1
        r += json.loads(line)["requests"]
print(r, n)'
}

# cpu_ticks PID prints the CPU time, in clock ticks, that PID and its
# children (nginx's workers) have used so far.
cpu_ticks() {
	local p total=0 t
	for p in "$1" $(ps -o pid= --ppid "$1" 2>/dev/null); do
		t=$(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null) || continue
		total=$((total + ${t:-0}))
	done
	echo "$total"
}

# loadavg prints the 1-minute load average: how busy the shared machine
# was besides the benchmark.
loadavg() { cut -d' ' -f1 /proc/loadavg; }
