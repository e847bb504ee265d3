package query

import (
	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/store"
)

// Source is the read side a sessions query needs: sessions newest first, a
// page at a time, and one session's requests for the terms only requests
// answer. The TUI's in-memory test sources satisfy it.
type Source interface {
	SessionsPage(token store.PageToken, limit int) ([]engine.Session, store.PageToken, error)
	Requests(sessionID string) ([]engine.Exchange, error)
}

// Indexed is the index side of a store. A Source that also satisfies it
// has its filters planned onto the indexes; one that does not is walked.
type Indexed interface {
	Source
	Session(id string) (engine.Session, error)
	RequestsPage(sessionID string, after uint64, limit int) ([]engine.Exchange, error)
	// SessionIDsMatching and ExchangeIDsMatching list the ids filed under
	// the values of field that accept takes.
	SessionIDsMatching(field string, accept func(string) bool) ([]string, error)
	ExchangeIDsMatching(field string, accept func(string) bool, sessionID string) ([]uint64, error)
	SessionsByID(ids []string) ([]engine.Session, error)
	ExchangesByID(ids []uint64) ([]engine.Exchange, error)
	ExchangesPage(after uint64, limit int) ([]engine.Exchange, error)
	// ExchangeCount is cheap; Count walks the session ids, so a query
	// counts sessions only to report a partial result.
	ExchangeCount() (int, error)
	Count() (exchanges, sessions int, err error)
}

// The store is both.
var _ Indexed = (*store.Store)(nil)
