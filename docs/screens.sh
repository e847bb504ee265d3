#!/usr/bin/env bash
# Render the README's screenshots from the real demo: spoor demo runs in a
# tmux pane of 150×36, the panes are captured with their colours and drawn
# to PNG by freeze (github.com/charmbracelet/freeze). Run from the
# repository root:
#   docs/screens.sh
set -euo pipefail

FREEZE=${FREEZE:-$(command -v freeze || echo "$HOME/go/bin/freeze")}
[ -x "$FREEZE" ] || { echo "screens.sh: freeze not found: go install github.com/charmbracelet/freeze@v0.2.2" >&2; exit 1; }
command -v tmux >/dev/null || { echo "screens.sh: tmux not found" >&2; exit 1; }

work=$(mktemp -d)
sock="spoor-screens-$$"
cleanup() { tmux -L "$sock" kill-server 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

go build -o "$work/spoor" ./cmd/spoor
tmux -L "$sock" new -d -s demo -x 150 -y 36 "XDG_DATA_HOME=$work/data $work/spoor demo"
sleep "${SETTLE:-20}" # let every simulated actor act and the verdicts settle

shot() { # shot NAME: the pane as it is now, to docs/img/NAME.png
	tmux -L "$sock" capture-pane -e -p -t demo >"$work/$1.ansi"
	"$FREEZE" -l ansi --window --padding 20 -o "docs/img/$1.png" <"$work/$1.ansi" >/dev/null
	echo "docs/img/$1.png"
}

shot sessions
# The scanner's session: search for it, keep the result, open it.
tmux -L "$sock" send-keys -t demo / s q l m a p Enter
sleep 1
tmux -L "$sock" send-keys -t demo Enter
sleep 2
shot sequence
