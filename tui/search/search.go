package search

import (
	"cmp"
	"slices"

	"github.com/sahilm/fuzzy"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/tui/table"
)

// Match is the best match of the query in one session.
type Match struct {
	SessionID string
	Field     string
	Text      string
	Marks     []int
	Score     int
}

// ResultMsg carries the matches of one query, best first.
type ResultMsg struct {
	Gen     uint64
	Query   string
	Matches []Match
}

// candidate is one searchable string and the session it belongs to.
type candidate struct {
	session int
	field   string
	text    string
}

// candidates implements fuzzy.Source over the searchable strings.
type candidates []candidate

func (c candidates) String(i int) string { return c[i].text }
func (c candidates) Len() int            { return len(c) }

// Find ranks sessions by their best match of query among their key value,
// user, IPs, user agents and the endpoints known for them. Text is
// sanitized before matching so that highlighted offsets line up with what
// the list prints.
func Find(query string, list []engine.Session, endpoints map[string][]string) []Match {
	var cs candidates
	for i := range list {
		s := &list[i]
		add := func(field, text string) {
			if text != "" {
				cs = append(cs, candidate{session: i, field: field, text: table.Sanitize(text)})
			}
		}
		add("key", s.Actor)
		add("user", s.User)
		for _, ip := range s.IPs {
			add("ip", ip)
		}
		for _, ua := range s.UserAgents {
			add("ua", ua)
		}
		for _, e := range endpoints[s.ID] {
			add("endpoint", e)
		}
	}
	best := map[int]Match{}
	for _, fm := range fuzzy.FindFromNoSort(query, cs) {
		c := cs[fm.Index]
		if cur, ok := best[c.session]; ok && cur.Score >= fm.Score {
			continue
		}
		best[c.session] = Match{SessionID: list[c.session].ID, Field: c.field, Text: c.text, Marks: fm.MatchedIndexes, Score: fm.Score}
	}
	out := make([]Match, 0, len(best))
	idx := make([]int, 0, len(best))
	for i := range best {
		idx = append(idx, i)
	}
	// Ties keep the list's newest-first order.
	slices.SortFunc(idx, func(a, b int) int { return cmp.Or(cmp.Compare(best[b].Score, best[a].Score), cmp.Compare(a, b)) })
	for _, i := range idx {
		out = append(out, best[i])
	}
	return out
}
