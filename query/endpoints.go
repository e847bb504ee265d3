package query

import (
	"context"
	"fmt"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/engine/inventory"
)

// EndpointOptions select the requests an inventory is computed over.
type EndpointOptions struct {
	Requests RequestOptions
	// Label, if set, labels each request before it is counted: a
	// specification given now rather than at capture (spec.Set.Observe)
	// gives it its status and template.
	Label engine.Observer
}

// Endpoints counts the requests opts selects into inv, each with its
// session (its user and verdicts as stored). It reads the log, so it is
// the path for a filtered inventory and for rebuilding one, not for the
// live inventory the capture keeps. Bodies are not read: parameters come
// from the query strings alone.
func Endpoints(ctx context.Context, ix Indexed, opts EndpointOptions, inv *inventory.Inventory) (Stats, error) {
	sessions := map[string]*engine.Session{}
	var lookupErr error
	stats, err := Requests(ctx, ix, opts.Requests, func(x engine.Exchange) bool {
		var s *engine.Session
		if x.SessionID != "" {
			if s = sessions[x.SessionID]; s == nil {
				if len(sessions) >= sessionCache {
					clear(sessions)
				}
				got, err := ix.Session(x.SessionID)
				if err != nil {
					lookupErr = fmt.Errorf("read session %s of a request: %w", x.SessionID, err)
					return false
				}
				s = &got
				sessions[x.SessionID] = s
			}
		}
		if opts.Label != nil {
			// The stored template and status are the capture's
			// specification's: start again from the path's.
			x.Endpoint, x.SpecStatus = engine.Endpoint(x.Path), ""
			opts.Label.Observe(&x, s)
		}
		inv.Observe(&x, s)
		return true
	})
	if err == nil {
		err = lookupErr
	}
	return stats, err
}
