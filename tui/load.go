package tui

import (
	"context"
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/engine/filter"
	"github.com/spoorhq/spoor/export"
	"github.com/spoorhq/spoor/query"
	"github.com/spoorhq/spoor/tui/detail"
	"github.com/spoorhq/spoor/tui/sparkline"
)

const (
	// refreshDelay coalesces live refreshes: every RefreshMsg that arrives
	// within it costs one reload, which caps reloads at 20 a second.
	refreshDelay = 50 * time.Millisecond
	// statsInterval re-reads the capture counters, which move even when
	// nothing reaches the store (dropped exchanges never do).
	statsInterval = time.Second
	// sessionLimit is one page of the sessions list. The list starts with
	// one page of the most recently active sessions and grows a page at a
	// time as the cursor nears its end, so the model never holds the store.
	sessionLimit = 1000
	// filterScan bounds how many sessions a filter judges for a page of
	// the list, and requestScan how many of those may need their requests
	// read (for path, endpoint or fuzzy terms), so that a filter on a huge
	// store answers in bounded time; the query's stats say when either
	// cut the list short.
	filterScan  = 100_000
	requestScan = 2_000
	// allPages scales those bounds when G asks for every session of a
	// filter whose matches nobody has counted.
	allPages = 100
	// activityBuckets is the resolution of a session row's sparkline.
	activityBuckets = 24
)

// RefreshMsg tells the TUI that the store has new data. The command that
// owns the capture sends it after each commit, as often as it likes.
type RefreshMsg struct{}

// refreshTickMsg ends a coalescing window.
type refreshTickMsg struct{}

// statsTickMsg asks for a fresh read of the capture counters.
type statsTickMsg struct{}

// sessionsLoadedMsg carries the result of a sessions load; gen is the
// filter generation it was read for.
type sessionsLoadedMsg struct {
	sessions []engine.Session
	gen      uint64
	limit    int
	// total is how many sessions the list has in all, or -1 when only
	// reading every page would tell.
	total int
	// tail says the load read the store's oldest sessions (after G), not
	// its newest.
	tail bool
	// stats say what the query read, and whether its bound cut the list
	// short.
	stats query.Stats
}

// requestsLoadedMsg carries one session's requests. asOf is the session's
// request count when the load was decided, so that the next refresh can
// tell whether the session grew since; marks is the model's marks
// generation then (Model.marks).
type requestsLoadedMsg struct {
	sessionID string
	exchanges []engine.Exchange
	asOf      int
	marks     int
}

// exchangeLoadedMsg carries one exchange with its bodies.
type exchangeLoadedMsg struct {
	exchange detail.Prepared
	err      error
}

// activityLoadedMsg carries the sparklines of the rows on screen.
type activityLoadedMsg struct {
	rows []activity
}

// activity is one session row's sparkline and the endpoints it saw.
type activity struct {
	sessionID string
	series    sparkline.Series
	endpoints []string
}

// exportedMsg reports a written export file: path is where it was
// written, asked the path the prompt gave.
type exportedMsg struct {
	path, asked string
	err         error
}

// errMsg reports a failed load; the status bar shows it.
type errMsg struct {
	err error
}

// sessionCounter is a source that counts its sessions cheaply; the store
// is one. The list's total comes from it while pages remain unread.
type sessionCounter interface {
	Count() (exchanges, sessions int, err error)
}

// loadSessions reads a page-grown window of the sessions f matches, newest
// first, through the query layer the CLI uses; a limit of 0 reads them
// all. With a filter it judges at most filterScan sessions a page, and the
// message says when that bound cut the list short.
func loadSessions(src SessionSource, limit int, f *filter.Filter, gen uint64) tea.Cmd {
	return func() tea.Msg {
		pages := max(1, limit/sessionLimit)
		if limit <= 0 {
			pages = allPages
		}
		opts := query.Options{Filter: f, Limit: limit, MaxScan: filterScan * pages, MaxRequestReads: requestScan * pages}
		list, stats, err := query.CollectSessions(context.Background(), src, opts)
		if err != nil {
			return errMsg{fmt.Errorf("load sessions: %w", err)}
		}
		total, err := sessionTotal(src, f, list, limit, stats)
		if err != nil {
			return errMsg{fmt.Errorf("count sessions: %w", err)}
		}
		return sessionsLoadedMsg{sessions: list, gen: gen, limit: limit, total: total, stats: stats}
	}
}

// oldestSource is a source that reads its least recently active
// sessions without the rest; the store is one. It lets G show the last
// page of a big store at the cost of one page.
type oldestSource interface {
	OldestSessions(limit int) ([]engine.Session, error)
}

// loadOldest reads the limit least recently active sessions, most
// recently active first, and the total they are the end of.
func loadOldest(src oldestSource, count sessionCounter, limit int, gen uint64) tea.Cmd {
	return func() tea.Msg {
		list, err := src.OldestSessions(limit)
		if err != nil {
			return errMsg{fmt.Errorf("load sessions: %w", err)}
		}
		_, total, err := count.Count()
		if err != nil {
			return errMsg{fmt.Errorf("count sessions: %w", err)}
		}
		return sessionsLoadedMsg{sessions: list, gen: gen, limit: limit, total: max(total, len(list)), tail: true}
	}
}

// sessionTotal is the number of sessions the list has in all: what was
// read when the read ended before its limit, the source's count when it
// stopped there unfiltered, and unknown (-1) otherwise.
func sessionTotal(src SessionSource, f *filter.Filter, list []engine.Session, limit int, stats query.Stats) (int, error) {
	switch {
	case stats.Partial:
		return -1, nil
	case limit <= 0 || len(list) < limit:
		return len(list), nil
	case f != nil && !f.Empty():
		return -1, nil
	}
	c, ok := src.(sessionCounter)
	if !ok {
		return -1, nil
	}
	_, n, err := c.Count()
	if err != nil {
		return -1, err
	}
	// The count is read after the list; sessions may have come or gone
	// in between, but never fewer than the list holds.
	return max(n, len(list)), nil
}

// loadRequests reads one session's requests.
func loadRequests(src SessionSource, sessionID string, asOf, marks int) tea.Cmd {
	return func() tea.Msg {
		xs, err := src.Requests(sessionID)
		if err != nil {
			return errMsg{fmt.Errorf("load requests of session %s: %w", sessionID, err)}
		}
		return requestsLoadedMsg{sessionID: sessionID, exchanges: xs, asOf: asOf, marks: marks}
	}
}

// loadExchange reads one exchange with its bodies and prepares them.
func loadExchange(src SessionSource, id uint64) tea.Cmd {
	return func() tea.Msg {
		x, err := src.Exchange(id)
		if err != nil {
			return exchangeLoadedMsg{err: fmt.Errorf("load exchange %d: %w", id, err)}
		}
		// Decoding and indenting bodies happens here, off the UI's
		// goroutine, so that a large body never stalls a frame.
		return exchangeLoadedMsg{exchange: detail.Prepare(x)}
	}
}

// copyCurl reads one exchange with its bodies, which a sequence row lacks,
// and asks for it to be copied as export.Curl renders it: the command
// spoor export --format curl writes for the same request.
func copyCurl(src SessionSource, id uint64) tea.Cmd {
	return func() tea.Msg {
		x, err := src.Exchange(id)
		if err != nil {
			return errMsg{fmt.Errorf("load exchange %d: %w", id, err)}
		}
		return detail.CopyMsg{Text: export.Curl(&x), What: "request as curl"}
	}
}

// loadActivity draws the sparklines of the sessions on screen from their
// summaries' activity buckets; it reads no requests, so a screenful costs
// no I/O at all. It stays a command so that a later source may read.
func loadActivity(list []engine.Session) tea.Cmd {
	return func() tea.Msg {
		rows := make([]activity, 0, len(list))
		for i := range list {
			rows = append(rows, activityOf(&list[i]))
		}
		return activityLoadedMsg{rows: rows}
	}
}

// activityOf is a session's requests over its lifetime with errors (5xx
// and no response) marked, and the endpoints it saw, which join the fuzzy
// search. A session stored before summaries kept activity has none.
func activityOf(s *engine.Session) activity {
	counts, errs := s.Activity.Spread(activityBuckets, s.FirstSeen, s.LastSeen)
	a := activity{sessionID: s.ID, endpoints: s.Endpoints}
	if counts != nil {
		a.series = sparkline.Series{Counts: counts, Errors: errs}
	}
	return a
}

// exportSession renders a session through the command's exporter and
// writes it to path with write, which never overwrites a file (see
// writeExport); name is the file name to use when path is a directory.
func exportSession(fn func(string, string) ([]byte, error), write func(string, string, []byte) (string, error), sessionID, format, path, name string) tea.Cmd {
	return func() tea.Msg {
		data, err := fn(sessionID, format)
		if err != nil {
			return exportedMsg{err: fmt.Errorf("export session %s: %w", sessionID, err)}
		}
		written, err := write(path, name, data)
		if err != nil {
			return exportedMsg{err: fmt.Errorf("export session %s: %w", sessionID, err)}
		}
		return exportedMsg{path: written, asked: path}
	}
}

// after delivers msg once d has passed. It is the model's default
// scheduler; tests replace it to fire timers by hand.
func after(d time.Duration, msg tea.Msg) tea.Cmd {
	return tea.Tick(d, func(time.Time) tea.Msg { return msg })
}
