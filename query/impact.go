package query

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/engine/filter"
)

// topN is how many users and flows an impact lists.
const topN = 5

// Impact is what a condition hits in stored history: the requests and
// sessions `spoor requests --filter` and `spoor sessions --filter` give
// for it, the users of those sessions, the business flows of those
// requests, and how many of the sessions are clean (no attack counted, no
// verdict): the collateral an action on it would cause.
type Impact struct {
	Requests      int `json:"requests"`
	Sessions      int `json:"sessions"`
	Users         int `json:"users"`
	Flows         int `json:"flows"`
	CleanSessions int `json:"clean_sessions"`
	// TopUsers and TopFlows are the most hit users (by sessions) and flows
	// (by requests), most first.
	TopUsers []Count `json:"top_users"`
	TopFlows []Count `json:"top_flows"`
}

// Count is a name with how often an impact hit it.
type Count struct {
	Name string `json:"name"`
	N    int    `json:"n"`
}

// Clean reports whether s has neither a counted attack nor a verdict.
func Clean(s *engine.Session) bool { return s.AttackCount() == 0 && len(s.Abuse) == 0 }

// ImpactOf counts what opts.Filter (at opts.Now) hits over ix: the
// requests and sessions `spoor requests --filter` and `spoor sessions
// --filter` list for it, with their users and flows; the other options
// do not apply. Over a store it judges each
// candidate request once and derives both counts from that one pass
// (impactPass); over another source it runs the two queries. Over a
// store read with mutes in force (Muting), the pass reads the tags the
// mutes cover first and applies them to what it reads, as Muting does
// (mutedScanner).
func ImpactOf(ctx context.Context, ix Indexed, opts Options) (Impact, error) {
	sc, ok := ix.(Scanner)
	f := opts.filter()
	if f == nil {
		var err error
		if f, err = filter.Parse(""); err != nil {
			return Impact{}, fmt.Errorf("empty filter: %w", err)
		}
	}
	if !f.Tallies() {
		return impactByQueries(ctx, ix, opts)
	}
	if m, muting := ix.(*Muting); muting && ok {
		if mu := m.Mutes(); mu != nil {
			h, err := readMutedHistory(ctx, m.Store, mu, scanWorkers())
			if err != nil {
				return Impact{}, err
			}
			sc = mutedScanner{Scanner: m.Store, h: h}
		}
	} else if mutesInForce(ix) {
		ok = false // mutes the pass does not know how to apply
	}
	if !ok {
		return impactByQueries(ctx, ix, opts)
	}
	p := impactPass{ctx: ctx, sc: sc, f: f, workers: scanWorkers()}
	im, err := p.run()
	if errors.Is(err, errLogMoved) {
		// The log changed under the pass's steps (a regroup while the
		// capture runs): the queries read it as it is now.
		return impactByQueries(ctx, ix, opts)
	}
	return im, err
}

// errLogMoved is why the pass gives up for the two queries: a step found
// the grouping an earlier step read has changed.
var errLogMoved = errors.New("the log's grouping changed during the preview")

// impactByQueries runs opts.Filter as a sessions query and as a requests
// query, the one path both list commands take.
func impactByQueries(ctx context.Context, ix Indexed, opts Options) (Impact, error) {
	var im Impact
	users := map[string]int{}
	if _, err := Sessions(ctx, ix, opts, func(s engine.Session) bool {
		im.Sessions++
		if Clean(&s) {
			im.CleanSessions++
		}
		if s.User != "" {
			users[s.User]++
		}
		return true
	}); err != nil {
		return Impact{}, err
	}
	flows := map[string]int{}
	if _, err := Requests(ctx, ix, RequestOptions{Filter: opts.Filter, Now: opts.Now}, func(x engine.Exchange) bool {
		im.Requests++
		for _, f := range x.Flows {
			flows[f]++
		}
		return true
	}); err != nil {
		return Impact{}, err
	}
	im.Users, im.Flows = len(users), len(flows)
	im.TopUsers, im.TopFlows = top(users), top(flows)
	return im, nil
}

// top lists the topN largest counts, ties by name.
func top(m map[string]int) []Count {
	out := make([]Count, 0, len(m))
	for name, n := range m {
		out = append(out, Count{name, n})
	}
	slices.SortFunc(out, func(a, b Count) int { return cmp.Or(cmp.Compare(b.N, a.N), cmp.Compare(a.Name, b.Name)) })
	return out[:min(len(out), topN)]
}

// mutesInForce reports whether ix reads the store with mute rules in
// force.
func mutesInForce(ix Indexed) bool {
	m, ok := ix.(interface{ Mutes() engine.Muter })
	return ok && m.Mutes() != nil
}
