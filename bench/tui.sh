#!/usr/bin/env bash
# tui.sh: the TUI's latency.
#
# Keystroke → frame: the TUI's own benchmark (a Benchmark*Keystroke* in
# tui/, written with the TUI; it builds a store of 1M exchanges in 100k
# sessions and times Update+View for a script of keys). When tui/ has none,
# the section says so. With SMOKE=1 the benchmark is only compiled and
# listed: building its store takes minutes.
#
# Fuzzy search: bench/search times tui/search, what `/` runs, over the
# newest SESSIONS (default 100,000) sessions of SEARCH_DB (bench/run.sh
# passes the store bench/import.sh filled with the million-line log): the
# index built once per loaded list, then each query over it.
#
#   SEARCH_DB=import.db bench/tui.sh
#
# It writes tui.md and tui.env to OUT_DIR.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

out_dir=${OUT_DIR:-.}
mkdir -p "$out_dir"
out_dir=$(cd "$out_dir" && pwd)
sessions=${SESSIONS:-100000}
runs=${RUNS:-20}
bench_init
cd "$repo_dir"

key_p99=n/a
md=$tmp/tui.md
echo "### TUI: keystroke → frame" >"$md"
echo >>"$md"
name=$(grep -rhoE --include='*_test.go' '^func (Benchmark[A-Za-z]*Keystroke[A-Za-z]*)' tui | head -1 | sed 's/^func //') || true
if [ -z "$name" ]; then
	echo "No keystroke benchmark exists in tui/ yet (no Benchmark*Keystroke*): not measured." >>"$md"
	log "no keystroke benchmark in tui/"
elif [ -n "${SMOKE:-}" ]; then
	go test ./tui -run '^$' -list "^$name\$" >"$tmp/tui.out" 2>&1 || { cat "$tmp/tui.out" >&2; die "tui benchmarks do not compile"; }
	grep -qx "$name" "$tmp/tui.out" || { cat "$tmp/tui.out" >&2; die "$name not listed"; }
	echo "$name compiles (smoke: not run)." >>"$md"
else
	cmd=(go test ./tui -run '^$' -bench "^$name\$" -benchtime 1x -count 1 -timeout 30m)
	log "SPOOR_BENCH_DIR=\$TMP ${cmd[*]}"
	SPOOR_BENCH_DIR=$tmp "${cmd[@]}" >"$tmp/tui.out" 2>&1 || { tail -20 "$tmp/tui.out" >&2; die "$name failed"; }
	line=$(grep "^$name" "$tmp/tui.out") || { cat "$tmp/tui.out" >&2; die "no result line for $name"; }
	# The metrics come as "value unit" pairs after the iteration count.
	read -r -a f <<<"$line"
	{
		echo "\`$name\` from tui/bench_test.go, one iteration; what it times is the UI goroutine's work for each key"
		echo "(Update then View, and the same for the messages the key's commands bring back), on a store of 1M exchanges"
		echo "in 100k sessions. Its metrics:"
		echo
		echo "| metric | value |"
		echo "|---|---:|"
		for ((i = 2; i + 1 < ${#f[@]}; i += 2)); do
			echo "| ${f[i + 1]} | ${f[i]} |"
			case ${f[i + 1]} in key-p99-ms) key_p99=${f[i]} ;; p99-ms) [ "$key_p99" = n/a ] && key_p99=${f[i]} ;; esac
		done
		if grep -q 'bench_test.go' "$tmp/tui.out"; then
			echo
			echo "The benchmark's log: $(grep 'bench_test.go' "$tmp/tui.out" | sed -E 's/^ *bench_test.go:[0-9]+: //' | head -3 | tr '\n' ' ')"
		fi
		echo
		echo '```sh'
		echo "SPOOR_BENCH_DIR=\$TMP go test ./tui -run '^\$' -bench '^$name\$' -benchtime 1x -count 1 -timeout 30m"
		echo '```'
	} >>"$md"
fi

search_p99=n/a
{
	echo
	echo "### TUI: fuzzy search"
	echo
} >>"$md"
if [ -z "${SEARCH_DB:-}" ]; then
	echo "Not measured: no store given (SEARCH_DB)." >>"$md"
else
	(cd "$repo_dir" && go build -o "$tmp/search" ./bench/search) || die "bench/search does not build"
	"$tmp/search" -db "$SEARCH_DB" -sessions "$sessions" -runs "$runs" >"$tmp/search.out" 2>"$tmp/search.err" ||
		{ cat "$tmp/search.err" >&2; die "bench/search failed"; }
	cat "$tmp/search.err" >&2
	all=$(grep '^SEARCH query=\* ' "$tmp/search.out")
	index=$(grep '^INDEX ' "$tmp/search.out")
	search_p99=$(field p99_ms "$all")
	n=$(field sessions "$all")
	{
		echo "\`tui/search\` (what \`/\` runs, in a tea.Cmd) over the newest $n sessions of the store the import"
		echo "section filled (access-log actors: IP and user agent), $runs runs per query, no endpoints (the TUI learns those only"
		echo "for the rows it draws). The list's $(field places "$index") searchable strings ($(field texts "$index") distinct) are sanitized and"
		echo "indexed once per loaded list, by its first query: p50 $(field p50_ms "$index") ms, p99 $(field p99_ms "$index") ms on top of that"
		echo "query. Each query then scores the distinct strings only. The table times queries over a built index."
		echo
		echo "| query | p50 ms | p99 ms | max ms | sessions matched |"
		echo "|---|---:|---:|---:|---:|"
		grep '^SEARCH ' "$tmp/search.out" | while read -r l; do
			q=$(field query "$l" | tr + ' ')
			m=$(field matches "$l")
			[ "$q" = '*' ] && q='**all queries**' m=''
			echo "| $q | $(field p50_ms "$l") | $(field p99_ms "$l") | $(field max_ms "$l") | $m |"
		done
		echo
		echo '```sh'
		echo "go run ./bench/search -db \$IMPORT_STORE -sessions $sessions -runs $runs"
		echo '```'
	} >>"$md"
fi
cp "$md" "$out_dir/tui.md"
{
	echo "TUI_KEY_P99_MS=$key_p99"
	echo "SEARCH_P99_MS=$search_p99"
	echo "SEARCH_SESSIONS=${n:-0}"
} >"$out_dir/tui.env"
