#!/usr/bin/env bash
# deps.sh installs what the benchmarks compare spoor with, from Debian's
# packages: wrk (load), nginx, mitmproxy (mitmdump), GoAccess, linux-perf
# (profiles), GNU time and python3 (reading JSON).
# It checks with apt-cache policy that each package has a candidate before
# installing, and does nothing when every tool is already there.
set -euo pipefail

declare -A tool=([wrk]=wrk [nginx]=nginx [mitmproxy]=mitmdump [goaccess]=goaccess [linux-perf]=perf [time]=/usr/bin/time [python3]=python3)
missing=()
for pkg in "${!tool[@]}"; do
	command -v "${tool[$pkg]}" >/dev/null || missing+=("$pkg")
done
[ "${#missing[@]}" -eq 0 ] && exit 0

[ "$(id -u)" -eq 0 ] || { echo "deps.sh: ${missing[*]} missing and not root: install them with apt-get" >&2; exit 1; }
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
for pkg in "${missing[@]}"; do
	candidate=$(apt-cache policy "$pkg" | sed -n 's/^ *Candidate: //p')
	if [ -z "$candidate" ] || [ "$candidate" = "(none)" ]; then
		echo "deps.sh: Debian has no package $pkg here" >&2
		exit 1
	fi
	echo "deps.sh: installing $pkg $candidate" >&2
done
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
