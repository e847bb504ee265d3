package traffic

import (
	tea "charm.land/bubbletea/v2"

	"github.com/spoorhq/spoor/engine"
)

// LoadedMsg carries a load's series and hands the tally back to the
// model. The root routes it to Update.
type LoadedMsg struct {
	series Series
	tally  *tally
	gen    uint64
	more   bool
	err    error
}

// load extends t with what the shown sessions gained, keeping what it
// read of the loaded ones, and buckets the shown ones in n cells, off the
// UI's goroutine.
func load(src Source, t *tally, loaded, shown []engine.Session, n int, gen uint64) tea.Cmd {
	return func() tea.Msg {
		more, err := t.extend(src, loaded, shown)
		return LoadedMsg{series: t.series(shown, n), tally: t, gen: gen, more: more, err: err}
	}
}
