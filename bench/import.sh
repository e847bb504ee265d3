#!/usr/bin/env bash
# import.sh: `spoor import` against GoAccess on the same million-line
# access log.
#
# It repeats the shared 10,000-line Apache log (combined format) COPIES
# times (default 100), moving each copy to a later year so that time keeps
# running forward and every copy forms sessions of its own. Then, on that
# one file, it times
#   goaccess --log-format=COMBINED -o report.json FILE
#   spoor import --db STORE FILE
#   goaccess ... again (GoAccess's time is the mean of the two runs)
# and reads back what spoor stored (requests and sessions, through
# `spoor sessions --ndjson`) and what GoAccess counted. Nothing is left
# behind: the file, the store and the binary live in a scratch directory.
#
#   bench/import.sh                 # 1,000,000 lines
#   COPIES=1 bench/import.sh        # 10,000 lines (the smoke run)
#   SPOOR_CORPORA=/path/to/corpora bench/import.sh
#   KEEP_STORE=/path/import.db bench/import.sh   # keep the store (bench/run.sh
#                                                # searches it)
#
# It prints a summary, writes import.md and import.env to OUT_DIR when set,
# and fails when either tool fails or spoor stores fewer requests than the
# file has lines.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

corpora=${SPOOR_CORPORA:-$repo_dir/../shared/corpora}
logz=$corpora/access-logs/elastic_examples_apache_logs.log.gz
copies=${COPIES:-100}
out_dir=${OUT_DIR:-}
[ -f "$logz" ] || die "$logz is missing (set SPOOR_CORPORA)"

bench_init
need goaccess python3
build_spoor
gzip -dc "$logz" >"$tmp/base.log"
for ((i = 0; i < copies; i++)); do
	sed "s#/2015:#/$((2015 + i)):#" "$tmp/base.log"
done >"$tmp/access.log"
lines=$(wc -l <"$tmp/access.log")
bytes=$(wc -c <"$tmp/access.log")
log "input: $lines lines, $bytes bytes"

# timed NAME CMD... runs CMD under GNU time and sets wall_s, rss_kib and
# cpu_s; CMD's output goes to $tmp/NAME.out.
timed() {
	local name=$1
	shift
	/usr/bin/time -o "$tmp/$name.time" -f '%e %M %U %S' "$@" >"$tmp/$name.out" 2>&1 ||
		{ tail -20 "$tmp/$name.out" >&2; die "$name failed: $*"; }
	read -r wall_s rss_kib user_s sys_s <"$tmp/$name.time"
	cpu_s=$(awk -v u="$user_s" -v s="$sys_s" 'BEGIN {printf "%.2f", u + s}')
}

goaccess_run() {
	timed "goaccess-$1" goaccess --log-format=COMBINED -o "$tmp/report.json" "$tmp/access.log"
	ga_wall[$1]=$wall_s ga_rss[$1]=$rss_kib ga_cpu[$1]=$cpu_s
	log "goaccess run $1: $wall_s s wall, $cpu_s s CPU, peak RSS $rss_kib KiB"
}

declare -a ga_wall ga_rss ga_cpu
goaccess_run 1
ga_counted=$(python3 -c 'import json, sys; g = json.load(open(sys.argv[1]))["general"]; print(g["valid_requests"], g["total_requests"])' "$tmp/report.json")
GODEBUG=gctrace=1 timed spoor "$spoor" import --db "$tmp/bench.db" "$tmp/access.log"
sp_wall=$wall_s sp_rss=$rss_kib sp_cpu=$cpu_s
# The Go heap: the largest live heap after a collection, from gctrace.
sp_heap=$({ grep -E '^gc [0-9]+ @' "$tmp/spoor.out" || true; } | sed -E 's/.* ([0-9]+)->([0-9]+)->([0-9]+) MB.*/\3/' | sort -n | tail -1)
sp_heap=${sp_heap:-n/a}
log "spoor import: $sp_wall s wall, $sp_cpu s CPU, peak RSS $sp_rss KiB: $(grep '^import ' "$tmp/spoor.out" | tail -1)"
goaccess_run 2
ga_mean=$(awk -v a="${ga_wall[1]}" -v b="${ga_wall[2]}" 'BEGIN {printf "%.2f", (a + b) / 2}')

read -r stored sessions < <(stored_counts "$tmp/bench.db")
store_bytes=$(wc -c <"$tmp/bench.db")
ratio=$(awk -v s="$sp_wall" -v g="$ga_mean" 'BEGIN {printf "%.2f", s / g}')
cpu_ratio=$(awk -v s="$sp_cpu" -v a="${ga_cpu[1]}" -v b="${ga_cpu[2]}" 'BEGIN {printf "%.2f", s / ((a + b) / 2)}')
rate=$(awk -v n="$lines" -v s="$sp_wall" 'BEGIN {printf "%.0f", n / s}')
read -r ga_valid ga_total <<<"$ga_counted"
echo "input: $lines lines, $bytes bytes"
echo "spoor import: $sp_wall s ($rate lines/s), CPU $sp_cpu s, peak RSS $sp_rss KiB, peak Go heap $sp_heap MB; stored $stored requests in $sessions sessions, store $store_bytes bytes"
echo "goaccess: ${ga_wall[1]} s and ${ga_wall[2]} s (mean $ga_mean s), counted $ga_valid valid of $ga_total requests"
echo "spoor/goaccess wall time: $ratio×, CPU time: $cpu_ratio×"

if [ -n "$out_dir" ]; then
	mkdir -p "$out_dir"
	{
		echo "IMPORT_LINES=$lines"
		echo "IMPORT_SPOOR_S=$sp_wall"
		echo "IMPORT_GOACCESS_S=$ga_mean"
		echo "IMPORT_RATIO=$ratio"
		echo "IMPORT_CPU_RATIO=$cpu_ratio"
		echo "IMPORT_HEAP_MB=$sp_heap"
		echo "IMPORT_STORED=$stored"
		echo "IMPORT_SESSIONS=$sessions"
	} >"$out_dir/import.env"
	{
		echo "### Import: spoor import against GoAccess"
		echo
		echo "One file of $lines combined-format lines ($bytes bytes): the shared Apache log"
		echo "(\`access-logs/elastic_examples_apache_logs.log.gz\`, 10,000 lines) repeated $copies times, each copy moved"
		echo "one year later. Wall and CPU time and peak RSS from GNU time; the file is in the page cache for every run."
		echo
		echo "| tool | wall s | CPU s | peak RSS MiB | result |"
		echo "|---|---:|---:|---:|---|"
		echo "| spoor import | $sp_wall | $sp_cpu | $((sp_rss / 1024)) | $stored requests stored in $sessions sessions ($store_bytes-byte store); peak Go heap $sp_heap MB |"
		echo "| goaccess, run 1 | ${ga_wall[1]} | ${ga_cpu[1]} | $((ga_rss[1] / 1024)) | $ga_valid valid of $ga_total requests counted |"
		echo "| goaccess, run 2 | ${ga_wall[2]} | ${ga_cpu[2]} | $((ga_rss[2] / 1024)) | |"
		echo
		echo "spoor/GoAccess wall time: **$ratio×** (GoAccess: the mean of the run before and the run after spoor's);"
		echo "CPU time: $cpu_ratio×, the steadier figure on a shared machine. spoor's peak Go heap is the largest live heap"
		echo "after a collection in its \`GODEBUG=gctrace=1\` lines; its RSS includes the store file's mapped pages."
		echo
		echo '```sh'
		echo "bench/import.sh   # builds the file, then:"
		echo "goaccess --log-format=COMBINED -o \$TMP/report.json \$TMP/access.log"
		echo "GODEBUG=gctrace=1 spoor import --db \$TMP/bench.db \$TMP/access.log"
		echo "spoor sessions --db \$TMP/bench.db --ndjson   # requests and sessions stored"
		echo '```'
	} >"$out_dir/import.md"
fi
[ -n "${KEEP_STORE:-}" ] && mv "$tmp/bench.db" "$KEEP_STORE"
[ "$stored" -ge "$lines" ] || die "spoor stored $stored requests of $lines lines"
