#!/usr/bin/env bash
# micro.sh: the Go micro-benchmarks of the engine, the store, capture and the
# importer (every package with a Benchmark function except tui, whose
# keystroke benchmark bench/tui.sh runs once on its own, being minutes long).
#
#   bench/micro.sh                          # -count 5, benchstat summary
#   COUNT=1 BENCHTIME=1x bench/micro.sh     # smoke
#   UPDATE_BASELINE=1 bench/micro.sh        # make this run the baseline
#
# The raw output is compared with bench/baseline/micro.txt by benchstat when
# that file exists; without one, benchstat summarises this run and the run
# becomes the baseline. It writes micro.md and micro.txt to OUT_DIR.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

count=${COUNT:-5}
benchtime=${BENCHTIME:-1s}
out_dir=${OUT_DIR:-.}
mkdir -p "$out_dir"
out_dir=$(cd "$out_dir" && pwd)
baseline=$bench_dir/baseline/micro.txt
bench_init

cd "$repo_dir"
mapfile -t pkgs < <(grep -rl --include='*_test.go' '^func Benchmark' . | xargs -n1 dirname | sort -u | grep -v -e '^\./tui' -e '^\./bench')
[ "${#pkgs[@]}" -gt 0 ] || die "no package has a benchmark"
cmd=(go test -run '^$' -bench . -benchmem -count "$count" -benchtime "$benchtime" "${pkgs[@]}")
log "${cmd[*]}"
"${cmd[@]}" >"$out_dir/micro.txt" 2>&1 || { tail -30 "$out_dir/micro.txt" >&2; die "the micro-benchmarks failed"; }
grep -q '^Benchmark' "$out_dir/micro.txt" || die "no benchmark result in the output"

# median NAME prints the median ns/op of BenchmarkNAME over the counts, or
# n/a when it did not run.
median() {
	{ grep -E "^Benchmark$1-[0-9]+ " "$out_dir/micro.txt" || true; } | awk '{print $3}' | sort -g |
		awk '{v[NR] = $1} END {if (NR == 0) print "n/a"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}
{
	echo "MICRO_TIER1_NS=$(median Tier1Typical)"
	echo "MICRO_TIER1_COLD_NS=$(median Tier1TypicalCold)"
	echo "MICRO_TIER1_LOG_NS=$(median Tier1LogLine)"
	echo "MICRO_TIER2_NS=$(median Tier2)"
	echo "MICRO_INVENTORY_NS=$(median InventoryObserve)"
} >"$out_dir/micro.env"

benchstat=(go run golang.org/x/perf/cmd/benchstat@latest -confidence 0.9)
if [ -f "$baseline" ] && [ -z "${UPDATE_BASELINE:-}" ]; then
	args=("baseline=$baseline" "this-run=$out_dir/micro.txt")
	shown="baseline=bench/baseline/micro.txt this-run=micro.txt"
	compared="compared with bench/baseline/micro.txt by benchstat"
else
	args=("this-run=$out_dir/micro.txt")
	shown="this-run=micro.txt"
	compared="summarised by benchstat"
	if [ "$count" -ge 5 ]; then
		mkdir -p "$(dirname "$baseline")"
		cp "$out_dir/micro.txt" "$baseline"
		compared="$compared (no baseline yet: this run became bench/baseline/micro.txt)"
	fi
fi
"${benchstat[@]}" "${args[@]}" >"$tmp/stat.txt" 2>"$tmp/stat.err" || { cat "$tmp/stat.err" >&2; die "benchstat failed"; }
{
	echo "### Engine and store micro-benchmarks"
	echo
	echo "Every package with a benchmark except tui (see the TUI section), -count $count, $compared;"
	echo "± is the 90% confidence interval of the median (five samples are too few for 95%)."
	echo "The store's million-exchange benchmarks skip unless SPOOR_BENCH_LARGE is set (the store sections cover them)."
	echo
	echo '```sh'
	echo "go test -run '^\$' -bench . -benchmem -count $count -benchtime $benchtime ${pkgs[*]} > micro.txt"
	echo "go run golang.org/x/perf/cmd/benchstat@latest -confidence 0.9 $shown"
	echo '```'
	echo
	echo '```'
	cat "$tmp/stat.txt"
	echo '```'
} >"$out_dir/micro.md"
