package main

import (
	"context"

	"github.com/spoorhq/spoor/engine/rules"
	"github.com/spoorhq/spoor/query"
	"github.com/spoorhq/spoor/workstation"
)

// rulesEditor is the TUI's rules backend over the running workstation: a
// save reaches the proxy's next request.
type rulesEditor struct{ w *workstation.Workstation }

func (e rulesEditor) Rules() ([]rules.Rule, error) { return e.w.Rules() }

func (e rulesEditor) Preview(r rules.Rule) (query.Impact, error) {
	return e.w.PreviewRule(context.Background(), r)
}

func (e rulesEditor) Save(r rules.Rule, why string) error {
	return e.w.SaveRules([]rules.Rule{r}, (&ruleChangeFlags{}).who(), why)
}

func (e rulesEditor) Remove(id, why string) error {
	return e.w.RemoveRule(id, (&ruleChangeFlags{}).who(), why)
}
