package traffic

import (
	"fmt"
	"time"

	"github.com/spoorhq/spoor/engine"
)

const (
	// readBudget bounds the exchanges one load reads, so that the first
	// load on a large store costs tens of milliseconds; loads chain until
	// every listed session is read.
	readBudget = 20_000
	// maxEvents bounds what a tally holds. Sessions beyond it stay
	// estimated from their summaries.
	maxEvents = 500_000
	// pageSize is one page of a paged read.
	pageSize = 1000
)

// Source is what the strip reads: the requests of a session. The store
// satisfies it, and also PageSource, which lets a load read only what a
// session gained.
type Source interface {
	Requests(sessionID string) ([]engine.Exchange, error)
}

// PageSource reads a session's requests after a known exchange.
type PageSource interface {
	RequestsPage(sessionID string, after uint64, limit int) ([]engine.Exchange, error)
}

// mark flags on an event.
const (
	markError uint8 = 1 << iota
	markAttack
)

// track is what a tally knows of one session: the time and marks of each
// request read so far, and the last exchange read.
type track struct {
	after uint64
	times []int64 // unix nanoseconds
	marks []uint8
}

// tally is the per-session cache a load extends. It belongs to one load at
// a time: the model hands it to the command and takes it back with the
// result, so no two goroutines ever share it.
type tally struct {
	sessions map[string]*track
	events   int
}

func newTally() *tally { return &tally{sessions: map[string]*track{}} }

// Series is the strip's data: requests, errors and attacks per bucket
// from Start to End.
type Series struct {
	Start, End time.Time
	Counts     []int
	Errors     []int
	Attacks    []int
	// Estimated says some sessions were spread evenly over their span
	// because their requests are not read yet (or not held).
	Estimated bool
}

// Total sums a column of counts.
func Total(xs []int) int {
	n := 0
	for _, x := range xs {
		n += x
	}
	return n
}

// extend reads what the shown sessions gained since the tally last saw
// them, within the budget, and drops sessions no longer loaded. It reports
// whether shown sessions remain to be read.
func (t *tally) extend(src Source, loaded, list []engine.Session) (more bool, err error) {
	kept := make(map[string]*track, len(loaded))
	events := 0
	for i := range loaded {
		if tr := t.sessions[loaded[i].ID]; tr != nil && len(tr.times) <= loaded[i].Requests {
			kept[loaded[i].ID] = tr
			events += len(tr.times)
		}
	}
	t.sessions, t.events = kept, events
	budget := readBudget
	for i := range list {
		s := &list[i]
		tr := t.sessions[s.ID]
		if tr != nil && len(tr.times) >= s.Requests {
			continue
		}
		if budget <= 0 || t.events >= maxEvents {
			return t.events < maxEvents, nil
		}
		if tr == nil {
			tr = &track{}
			t.sessions[s.ID] = tr
		}
		n, err := tr.read(src, s, budget)
		if err != nil {
			return false, fmt.Errorf("read requests of session %s: %w", s.ID, err)
		}
		budget -= n
		t.events += n
	}
	return false, nil
}

// read appends the session's requests after tr.after, up to budget.
func (tr *track) read(src Source, s *engine.Session, budget int) (int, error) {
	read := 0
	add := func(xs []engine.Exchange) {
		for i := range xs {
			x := &xs[i]
			if x.ID <= tr.after {
				continue
			}
			var mk uint8
			if c := engine.StatusClass(x.Status); c == 4 || c == 5 || c == 0 {
				mk |= markError
			}
			if len(engine.CountedTags(x.Attacks)) > 0 {
				mk |= markAttack
			}
			tr.times = append(tr.times, x.Start.UnixNano())
			tr.marks = append(tr.marks, mk)
			tr.after = x.ID
			read++
		}
	}
	pages, ok := src.(PageSource)
	if !ok {
		xs, err := src.Requests(s.ID)
		if err != nil {
			return 0, err
		}
		add(xs)
		return read, nil
	}
	for read < budget && len(tr.times) < s.Requests {
		xs, err := pages.RequestsPage(s.ID, tr.after, min(pageSize, budget-read))
		if err != nil {
			return read, err
		}
		add(xs)
		if len(xs) == 0 {
			break
		}
	}
	return read, nil
}

// series buckets the listed sessions into n cells over the span they
// cover: read sessions exactly, the others evenly from their summaries.
func (t *tally) series(list []engine.Session, n int) Series {
	var s Series
	if n <= 0 || len(list) == 0 {
		return s
	}
	s.Start, s.End = list[0].FirstSeen, list[0].LastSeen
	for i := range list {
		if list[i].FirstSeen.Before(s.Start) {
			s.Start = list[i].FirstSeen
		}
		if list[i].LastSeen.After(s.End) {
			s.End = list[i].LastSeen
		}
	}
	s.Counts, s.Errors, s.Attacks = make([]int, n), make([]int, n), make([]int, n)
	start, span := s.Start.UnixNano(), s.End.Sub(s.Start).Nanoseconds()
	bucket := func(ns int64) int {
		if span <= 0 {
			return n - 1
		}
		return min(max(int((ns-start)*int64(n)/span), 0), n-1)
	}
	for i := range list {
		ss := &list[i]
		if tr := t.sessions[ss.ID]; tr != nil && len(tr.times) >= ss.Requests {
			for j, ns := range tr.times {
				b := bucket(ns)
				s.Counts[b]++
				if tr.marks[j]&markError != 0 {
					s.Errors[b]++
				}
				if tr.marks[j]&markAttack != 0 {
					s.Attacks[b]++
				}
			}
			continue
		}
		s.Estimated = true
		from, to := bucket(ss.FirstSeen.UnixNano()), bucket(ss.LastSeen.UnixNano())
		errs := ss.ClassCount(4) + ss.ClassCount(5) + ss.StatusCounts[0]
		spread(s.Counts, from, to, ss.Requests)
		spread(s.Errors, from, to, errs)
		spread(s.Attacks, from, to, ss.AttackCount())
	}
	return s
}

// spread adds n evenly over cells from..to; the integer shares sum to n.
func spread(cells []int, from, to, n int) {
	k := to - from + 1
	for i := range k {
		cells[from+i] += n*(i+1)/k - n*i/k
	}
}
