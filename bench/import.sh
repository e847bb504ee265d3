#!/bin/sh
# bench/import.sh measures `spoor import` on a million access-log lines.
#
# It repeats the shared 10,000-line Apache log COPIES times (default 100),
# moving each copy to a later year so that time keeps running forward and
# every copy forms sessions of its own, imports the result into a new store
# and prints the wall time, the exchanges per second and the peak memory.
# Nothing is left behind: the file, the store and the binary live in a
# temporary directory.
#
#   bench/import.sh                 # 1,000,000 lines
#   COPIES=10 bench/import.sh       # 100,000 lines
#   SPOOR_CORPORA=/path/to/corpora bench/import.sh
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
corpora=${SPOOR_CORPORA:-$root/../shared/corpora}
log=$corpora/access-logs/elastic_examples_apache_logs.log.gz
copies=${COPIES:-100}
[ -f "$log" ] || { echo "import.sh: $log is missing (set SPOOR_CORPORA)" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

(cd "$root" && go build -o "$tmp/spoor" ./cmd/spoor)
gzip -dc "$log" > "$tmp/base.log"
i=0
while [ "$i" -lt "$copies" ]; do
	sed "s#/2015:#/$((2015 + i)):#" "$tmp/base.log"
	i=$((i + 1))
done > "$tmp/access.log"
lines=$(wc -l < "$tmp/access.log")
bytes=$(wc -c < "$tmp/access.log")
echo "input: $lines lines, $bytes bytes"

start=$(date +%s.%N)
if [ -x /usr/bin/time ]; then
	/usr/bin/time -f "peak RSS: %M KiB, CPU: %U s user + %S s system" "$tmp/spoor" import --db "$tmp/bench.db" "$tmp/access.log"
else
	"$tmp/spoor" import --db "$tmp/bench.db" "$tmp/access.log"
fi
end=$(date +%s.%N)

awk -v s="$start" -v e="$end" -v n="$lines" 'BEGIN {
	t = e - s
	printf "wall time: %.2f s, %.0f exchanges/s\n", t, n / t
}'
echo "store: $(wc -c < "$tmp/bench.db") bytes"
