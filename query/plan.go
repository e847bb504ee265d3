package query

import (
	"slices"
	"strings"

	"github.com/spoorhq/spoor/engine/filter"
	"github.com/spoorhq/spoor/store"
)

// plan is what the indexes made of a filter: the fields they answered and
// the candidate ids (sorted), or no fields when none could.
type plan[ID comparable] struct {
	fields []string
	ids    []ID
}

func (p plan[ID]) planned() bool { return len(p.fields) > 0 }

// name says how candidates were found, for Stats.Plan.
func (p plan[ID]) name(walk string) string {
	if !p.planned() {
		return "walk " + walk
	}
	return "index " + strings.Join(p.fields, ",")
}

// contains reports whether id is a candidate; ids is sorted.
func contains[ID interface{ ~string | ~uint64 }](ids []ID, id ID) bool {
	_, ok := slices.BinarySearch(ids, id)
	return ok
}

// smallPlan is the number of candidates up to which a binary search of
// the sorted ids tests membership as fast as a set.
const smallPlan = 64

// member returns a test of membership in the plan's candidates, or one
// that accepts every id when the plan narrows nothing; for many
// candidates it builds a set, which a pass asks once per session or
// request.
func (p plan[ID]) member() func(ID) bool {
	switch {
	case !p.planned():
		return func(ID) bool { return true }
	case len(p.ids) <= smallPlan:
		ids := p.ids
		return func(id ID) bool { return slices.Contains(ids, id) }
	}
	set := make(map[ID]struct{}, len(p.ids))
	for _, id := range p.ids {
		set[id] = struct{}{}
	}
	return func(id ID) bool {
		_, ok := set[id]
		return ok
	}
}

// planSessions intersects the sessions of every term an index narrows: the
// terms are ANDed, so a session outside one term's set matches nothing.
// Negated terms and fuzzy words stay with the filter's evaluation.
func planSessions(ix Indexed, f *filter.Filter) (plan[string], error) {
	var p plan[string]
	if f == nil {
		return p, nil
	}
	requestLevel, sessionLevel := store.IndexedFields()
	for _, t := range f.IndexTerms() {
		if !slices.Contains(requestLevel, t.Field) && !slices.Contains(sessionLevel, t.Field) {
			continue
		}
		ids, err := ix.SessionIDsMatching(t.Field, t.Accept)
		if err != nil {
			return p, err
		}
		p.ids = intersect(p.ids, ids, p.planned())
		p.fields = append(p.fields, t.Field)
		if len(p.ids) == 0 {
			break
		}
	}
	return p, nil
}

// planRequests intersects the requests of every term a request-level index
// narrows, within one session when sessionID is set.
func planRequests(ix Indexed, f *filter.Filter, sessionID string) (plan[uint64], error) {
	var p plan[uint64]
	if f == nil {
		return p, nil
	}
	requestLevel, _ := store.IndexedFields()
	for _, t := range f.IndexTerms() {
		if !slices.Contains(requestLevel, t.Field) {
			continue
		}
		ids, err := ix.ExchangeIDsMatching(t.Field, t.Accept, sessionID)
		if err != nil {
			return p, err
		}
		p.ids = intersect(p.ids, ids, p.planned())
		p.fields = append(p.fields, t.Field)
		if len(p.ids) == 0 {
			break
		}
	}
	return p, nil
}

// intersect returns the ids in both sorted lists, or b alone when a is not
// yet a constraint (have is false).
func intersect[ID interface{ ~string | ~uint64 }](a, b []ID, have bool) []ID {
	if !have {
		return b
	}
	out := a[:0]
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			out = append(out, a[i])
			i++
			j++
		}
	}
	return out
}

// sessionShare is the share of the log above which the requests of the
// sessions a session-level index names are read by walking the log
// instead: reading each session's requests costs a seek per epoch.
const sessionShare = 8

// planBySessions narrows a requests query that no request-level index
// answers through the session-level ones (user, role, abuse, and attack
// from the sessions' counts): a request matches only in a session that
// matches those terms, since the requests filter judges them through its
// session (user, role, abuse) or the session counts every tag it
// carries (attack). The candidates are those sessions' requests, when
// they are few enough to be worth reading by session.
func planBySessions(ix Indexed, f *filter.Filter, total int) (plan[uint64], error) {
	sp, err := planSessions(ix, f)
	if err != nil || !sp.planned() {
		return plan[uint64]{}, err
	}
	if total > 0 && len(sp.ids) > total/sessionShare {
		// Sessions seldom have no requests: so many have too many.
		return plan[uint64]{}, nil
	}
	out := plan[uint64]{fields: append([]string{"session"}, sp.fields...), ids: []uint64{}}
	n := 0
	for ids := sp.ids; len(ids) > 0; {
		chunk := ids[:min(len(ids), pageSize)]
		ids = ids[len(chunk):]
		sessions, err := ix.SessionsByID(chunk)
		if err != nil {
			return plan[uint64]{}, err
		}
		for _, s := range sessions {
			if n += s.Requests; total > 0 && n > total/sessionShare {
				return plan[uint64]{}, nil
			}
		}
	}
	for _, id := range sp.ids {
		for after := uint64(0); ; {
			page, err := ix.RequestsPage(id, after, pageSize)
			if err != nil {
				return plan[uint64]{}, err
			}
			for i := range page {
				out.ids = append(out.ids, page[i].ID)
			}
			if len(page) < pageSize {
				break
			}
			after = page[len(page)-1].ID
		}
	}
	slices.Sort(out.ids)
	return out, nil
}
