#!/usr/bin/env bash
# query.sh: the CLI's queries on the store of a million imported lines,
# beside grep -c over the same log, in the same run.
#
# It makes the log as import.sh does (the shared 10,000-line Apache log
# repeated COPIES times, default 100, each copy a year later), imports it
# unless QUERY_DB names a store already made from it (bench/run.sh passes
# import.sh's KEEP_STORE), then times each of
#   spoor sessions --limit 50 --json
#   spoor sessions --filter attack:any --json
#   spoor requests --filter status:404 --limit 100 --json
#   spoor requests --session ID --json     (ID: the session with the most requests)
#   grep -c ' 404 ' LOG
# RUNS times (default 3) under GNU time, and reports the median wall time
# and the largest peak RSS of each. The goal is at most 0.5 s and 100 MB a
# query.
#
#   bench/query.sh
#   QUERY_DB=/path/import.db bench/query.sh
#   COPIES=1 RUNS=1 bench/query.sh     # the smoke run
#
# It writes query.md and query.env to OUT_DIR when set.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

corpora=${SPOOR_CORPORA:-$repo_dir/../shared/corpora}
logz=$corpora/access-logs/elastic_examples_apache_logs.log.gz
copies=${COPIES:-100}
runs=${RUNS:-3}
out_dir=${OUT_DIR:-}
[ -f "$logz" ] || die "$logz is missing (set SPOOR_CORPORA)"

bench_init
build_spoor
gzip -dc "$logz" >"$tmp/base.log"
for ((i = 0; i < copies; i++)); do
	sed "s#/2015:#/$((2015 + i)):#" "$tmp/base.log"
done >"$tmp/access.log"
lines=$(wc -l <"$tmp/access.log")
db=${QUERY_DB:-}
if [ -z "$db" ]; then
	db=$tmp/query.db
	log "importing $lines lines"
	"$spoor" import --db "$db" "$tmp/access.log" >/dev/null 2>&1 || die "spoor import failed"
fi
counts=$("$spoor" sessions --db "$db" --sort requests --limit 1 --ndjson)
session=$(python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["id"])' <<<"$counts")
session_reqs=$(python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["requests"])' <<<"$counts")
db_mb=$(($(stat -c %s "$db") / 1024 / 1024))
log "store: $db ($db_mb MB), log: $lines lines; session for --session: $session"

# measure NAME CMD... runs CMD $runs times; it sets wall_s (median) and
# rss_mb (largest) and n_out (lines of output of the last run).
measure() {
	local name=$1 i
	shift
	: >"$tmp/$name.times"
	for ((i = 0; i < runs; i++)); do
		/usr/bin/time -o "$tmp/$name.time" -f '%e %M' "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" ||
			{ tail -5 "$tmp/$name.err" >&2; die "$name failed: $*"; }
		cat "$tmp/$name.time" >>"$tmp/$name.times"
	done
	wall_s=$(sort -n "$tmp/$name.times" | awk '{w[NR]=$1} END {print w[int((NR+1)/2)]}')
	rss_mb=$(awk '$2 > m {m = $2} END {printf "%.0f", m / 1024}' "$tmp/$name.times")
	n_out=$(wc -c <"$tmp/$name.out")
	log "$name: $wall_s s, $rss_mb MB, $n_out bytes out"
}

declare -A wall rss outb
names=(sessions_limit sessions_attack requests_404 requests_session grep_404)
measure sessions_limit "$spoor" sessions --db "$db" --limit 50 --json
wall[sessions_limit]=$wall_s rss[sessions_limit]=$rss_mb outb[sessions_limit]=$n_out
measure sessions_attack "$spoor" sessions --db "$db" --filter attack:any --json
wall[sessions_attack]=$wall_s rss[sessions_attack]=$rss_mb outb[sessions_attack]=$n_out
measure requests_404 "$spoor" requests --db "$db" --filter status:404 --limit 100 --json
wall[requests_404]=$wall_s rss[requests_404]=$rss_mb outb[requests_404]=$n_out
measure requests_session "$spoor" requests --db "$db" --session "$session" --json
wall[requests_session]=$wall_s rss[requests_session]=$rss_mb outb[requests_session]=$n_out
measure grep_404 grep -c ' 404 ' "$tmp/access.log"
wall[grep_404]=$wall_s rss[grep_404]=$rss_mb outb[grep_404]=$n_out

report() {
	echo "### Queries on the imported store (bench/query.sh)"
	echo
	echo "$lines lines imported ($db_mb MB store); each command run $runs times, median wall time and largest"
	echo "peak RSS (GNU time), goal ≤ 0.5 s and ≤ 100 MB. \`grep -c\` reads the same log in the same run."
	echo
	echo "| command | wall (s) | peak RSS (MB) | output (bytes) |"
	echo "|---|---:|---:|---:|"
	echo "| \`spoor sessions --limit 50 --json\` | ${wall[sessions_limit]} | ${rss[sessions_limit]} | ${outb[sessions_limit]} |"
	echo "| \`spoor sessions --filter attack:any --json\` | ${wall[sessions_attack]} | ${rss[sessions_attack]} | ${outb[sessions_attack]} |"
	echo "| \`spoor requests --filter status:404 --limit 100 --json\` | ${wall[requests_404]} | ${rss[requests_404]} | ${outb[requests_404]} |"
	echo "| \`spoor requests --session ID --json\` (the largest session, $session_reqs requests) | ${wall[requests_session]} | ${rss[requests_session]} | ${outb[requests_session]} |"
	echo "| \`grep -c ' 404 ' access.log\` | ${wall[grep_404]} | ${rss[grep_404]} | — |"
}
report
if [ -n "$out_dir" ]; then
	report >"$out_dir/query.md"
	for n in "${names[@]}"; do
		echo "QUERY_${n^^}_WALL_S=${wall[$n]}"
		echo "QUERY_${n^^}_RSS_MB=${rss[$n]}"
	done >"$out_dir/query.env"
fi
