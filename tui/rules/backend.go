package rules

import (
	"github.com/spoorhq/spoor/engine/rules"
	"github.com/spoorhq/spoor/query"
)

// Backend is what the screen needs of the workstation.
type Backend interface {
	Rules() ([]rules.Rule, error)
	// Preview is what r would have hit in the stored history.
	Preview(r rules.Rule) (query.Impact, error)
	// Save adds or replaces r and applies it at once; Remove deletes id.
	Save(r rules.Rule, why string) error
	Remove(id, why string) error
}

// Choice is one rule a screen proposes, with how the chooser names it.
type Choice struct {
	Label string
	Rule  rules.Rule
}
