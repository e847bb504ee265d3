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
	f, err := query.ParseChecked(st, expr, configuredFlows(st), filter.Options{Now: time.Now(), Location: time.Local})
	var fe *filter.Error
	if errors.As(err, &fe) {
		return nil, usageError{fmt.Errorf("invalid filter %w", err)}
	}
	return f, err
}

// configuredFlows names the business flows of the configuration st was
// captured with (the built-in table when it saved none). A configuration
// that cannot be read gives nil, which leaves flow: unchecked rather than
// stopping a read-only command.
func configuredFlows(st *store.Store) []string {
	cfg, _, err := workstation.EffectiveConfig("", st, nil)
	if err != nil {
		return nil
	}
	flows := []string{}
	for _, fl := range cfg.Flows {
		flows = append(flows, fl.Name)
	}
	return flows
}
