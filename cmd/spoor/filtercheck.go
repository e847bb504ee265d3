package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/spoorhq/spoor/engine/filter"
	"github.com/spoorhq/spoor/query"
	"github.com/spoorhq/spoor/store"
	"github.com/spoorhq/spoor/workstation"
)

// checkFilter parses --filter again against what exists in st: the attack
// and abuse types and flows it holds, the flows its configuration names
// and, for a method the registry does not list, the methods its log holds.
// parseFilter has already refused what is wrong whatever the store, before
// the store was opened. An unknown value is a usage error naming its
// column, like any other mistake in the filter.
func checkFilter(st *store.Store, expr string) (*filter.Filter, error) {
	var flows []string
	// A configuration that cannot be read leaves flows unchecked rather
	// than stopping a read-only listing.
	if cfg, _, err := workstation.EffectiveConfig("", st, nil); err == nil {
		flows = []string{}
		for _, fl := range cfg.Flows {
			flows = append(flows, fl.Name)
		}
	}
	f, err := query.ParseChecked(st, expr, flows, filter.Options{Now: time.Now(), Location: time.Local})
	var fe *filter.Error
	if errors.As(err, &fe) {
		return nil, usageError{fmt.Errorf("invalid filter %w", err)}
	}
	return f, err
}
