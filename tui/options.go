package tui

import (
	"time"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/store"
	"github.com/spoorhq/spoor/tui/contexteditor"
	"github.com/spoorhq/spoor/tui/keyeditor"
	rulesui "github.com/spoorhq/spoor/tui/rules"
)

// SessionSource is what the TUI reads; the store satisfies it. Calls do
// I/O, so the TUI makes them only inside tea.Cmds.
type SessionSource interface {
	// SessionsPage returns up to limit sessions, newest LastSeen first,
	// after token, and the token of the next page; the query layer walks
	// it. A source that also satisfies query.Indexed (the store does) has
	// filters planned onto its indexes.
	SessionsPage(token store.PageToken, limit int) ([]engine.Session, store.PageToken, error)
	// Sessions returns sessions with the newest LastSeen first; limit <= 0
	// means all. The TUI asks for the window it shows plus a margin and
	// grows the limit as the user scrolls, so it never holds the whole
	// store.
	Sessions(limit int) ([]engine.Session, error)
	// Requests returns a session's exchanges in time order. Bodies need
	// not be loaded.
	Requests(sessionID string) ([]engine.Exchange, error)
	// Exchange returns one exchange with its bodies, for the detail view.
	Exchange(id uint64) (engine.Exchange, error)
}

// KeyEditor reads and changes the grouping keys. cmd implements it over
// the store; calls do I/O and run inside tea.Cmds.
type KeyEditor = keyeditor.Backend

// ContextEditor reads and saves the context parameters. cmd implements it
// over the store and the running capture; calls do I/O and run inside
// tea.Cmds.
type ContextEditor = contexteditor.Backend

// RulesBackend reads, previews and saves rules. cmd implements it over the
// running workstation; calls do I/O and run inside tea.Cmds.
type RulesBackend = rulesui.Backend

// Preview is what a change of grouping keys would do to the sessions.
type Preview = keyeditor.Preview

// Stats are the capture's live counters.
type Stats struct {
	Captured, Dropped uint64
	// CRSPending is how many exchanges wait for the Core Rule Set in the
	// catch-up queue, and CRSOff how many found it full and were stored
	// as not checked by it.
	CRSPending int
	CRSOff     uint64
}

// ReportFunc renders a report of the sessions ids names and of those the
// filter expression matches (empty: none), in format "html" or "md".
type ReportFunc func(ids []string, filter, format string) ([]byte, error)

// Options is what the TUI needs from the command that starts it.
type Options struct {
	Source SessionSource
	// Stats reads the capture counters. It may be nil (a stored capture
	// opened offline) and must be cheap and non-blocking, because the TUI
	// calls it from Update.
	Stats func() Stats
	// Title names what is being watched, e.g. the proxy's addresses.
	Title string
	// Keys edits the grouping keys; nil disables the key editor, which
	// then says why in the status bar.
	Keys KeyEditor
	// Context edits the context parameters; nil disables the context
	// editor, which then says why in the status bar.
	Context ContextEditor
	// Rules reads, previews and saves rules; nil disables R, b, m and v.
	Rules RulesBackend
	// Export renders a session as a file in a format ("har" or "json");
	// nil disables export. The TUI asks where to write the result,
	// proposing ExportDir, and never overwrites a file.
	Export func(sessionID, format string) ([]byte, error)
	// Report renders a report (spoor report) of the sessions ids names and
	// of those the filter expression matches, in format "html" or "md";
	// nil disables r. The TUI asks where to write it, as for Export.
	Report ReportFunc
	// Flows are the business flows the configuration names, which the
	// filter bar accepts in flow: with or without traffic; nil when the
	// configuration is unknown leaves flow: unchecked.
	Flows []string
	// ExportDir is the directory the export prompt proposes (cmd passes
	// the data directory's exports/); empty means the current directory.
	// It is created, mode 0700, by the first export into it.
	ExportDir string
	// Endpoints is the API inventory the endpoints view (I) shows; nil
	// leaves I saying that this store has no inventory.
	Endpoints EndpointSource
	// Now is the clock relative filters (since:1h) measure from; nil means
	// time.Now. Tests pin it.
	Now func() time.Time
}
