package rules

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/spoorhq/spoor/engine/filter"
)

// Action is what a rule does to the requests it matches.
type Action string

// The actions. They are stored and written in YAML as they are.
const (
	// Block answers the request with the rule's status instead of the
	// upstream's.
	Block Action = "block"
	// VirtualPatch blocks the requests of an endpoint that carry the rule's
	// attack type or rule id, found by tier 1 before forwarding.
	VirtualPatch Action = "virtual_patch"
	// Mute keeps an attack tag from counting: a false positive's exception.
	Mute Action = "mute"
)

// Actions lists the actions in the order help text gives them.
func Actions() []Action { return []Action{Block, VirtualPatch, Mute} }

// DefaultStatus is what a blocking rule answers unless it says otherwise.
const DefaultStatus = 403

// Rule is one rule as it is stored, exported and imported.
type Rule struct {
	// ID names the rule; it is what an exchange's blocked_by records.
	ID     string `json:"id" yaml:"id"`
	Action Action `json:"action" yaml:"action"`
	// Filter selects the requests, in the filter language, restricted to
	// the fields JudgeableFields lists.
	Filter string `json:"filter" yaml:"filter"`
	// Status is what a block or virtual patch answers; DefaultStatus when 0.
	Status int `json:"status,omitempty" yaml:"status,omitempty"`
	// Attack and RuleID narrow a virtual patch or a mute to the tags of an
	// attack type or of one detector rule; Point to one request point.
	Attack string `json:"attack,omitempty" yaml:"attack,omitempty"`
	RuleID string `json:"rule,omitempty" yaml:"rule,omitempty"`
	Point  string `json:"point,omitempty" yaml:"point,omitempty"`
	// Expires, when set, is when the rule stops applying.
	Expires time.Time `json:"expires,omitzero" yaml:"expires,omitempty"`
	// Disabled keeps a rule without applying it.
	Disabled bool `json:"disabled,omitempty" yaml:"disabled,omitempty"`
}

// JudgeableFields are the filter fields a rule may test: those a request
// answers before it is forwarded, with what its own points say of its
// session (key, user, role, flow). Status, duration and size need the
// response; abuse, attack counts and time bounds need the session's
// future or its whole past; session part numbers are the analyzer's.
func JudgeableFields() []string {
	return []string{"ip", "user", "role", "key", "method", "host", "path", "endpoint", "flow", "text"}
}

// sessionFields are the judgeable fields that need engine.Prejudge.
func sessionFields() []string { return []string{"user", "role", "key", "flow", "text"} }

// Active reports whether the rule applies at now.
func (r *Rule) Active(now time.Time) bool {
	return !r.Disabled && (r.Expires.IsZero() || now.Before(r.Expires))
}

// StatusOrDefault is the status the rule answers with.
func (r *Rule) StatusOrDefault() int {
	if r.Status == 0 {
		return DefaultStatus
	}
	return r.Status
}

// Validate checks r and returns its compiled filter, or one error that
// says what is wrong and what to do.
func (r *Rule) Validate() (*filter.Filter, error) {
	if err := checkID(r.ID); err != nil {
		return nil, err
	}
	if !slices.Contains(Actions(), r.Action) {
		return nil, fmt.Errorf("action %q: want block, virtual_patch or mute", r.Action)
	}
	if strings.TrimSpace(r.Filter) == "" {
		return nil, errors.New("no filter: a rule without one would apply to every request")
	}
	f, err := filter.Parse(r.Filter)
	if err != nil {
		return nil, fmt.Errorf("filter %q: %w", r.Filter, err)
	}
	for _, name := range f.FieldNames() {
		if !slices.Contains(JudgeableFields(), name) {
			return nil, fmt.Errorf("filter field %s: a rule is judged on one request before it is forwarded, which cannot know %s; use %s",
				name, name, strings.Join(JudgeableFields(), ", "))
		}
	}
	if r.Status != 0 && (r.Status < 400 || r.Status > 599) {
		return nil, fmt.Errorf("status %d: want a 4xx or 5xx code, such as 403 or 429", r.Status)
	}
	switch r.Action {
	case Block:
		if r.Attack != "" || r.RuleID != "" || r.Point != "" {
			return nil, errors.New("a block rule takes no attack, rule or point: use virtual_patch")
		}
	default:
		if r.Attack == "" && r.RuleID == "" {
			return nil, fmt.Errorf("a %s rule needs an attack type or a rule id", r.Action)
		}
		if r.Attack != "" && !slices.Contains(filter.AttackTypes(), r.Attack) {
			return nil, fmt.Errorf("attack %q: want one of %s", r.Attack, strings.Join(filter.AttackTypes(), ", "))
		}
		if r.Action == Mute && r.Status != 0 {
			return nil, errors.New("a mute rule answers nothing: drop its status")
		}
		if r.Action == VirtualPatch && BodyPoint(r.Point) {
			return nil, fmt.Errorf("point %s: a virtual patch judges a request before its body is read, so it cannot see a body point; patch a query, path, header or cookie point, or mute the tag", r.Point)
		}
	}
	return f, nil
}

// BodyPoint reports whether a tag's point is read from the request body
// (req.body, req.json…, req.form…, req.xml…, req.multipart…). A virtual
// patch cannot see one: the gate judges a request before the proxy reads
// its body.
func BodyPoint(point string) bool {
	for _, b := range []string{"req.body", "req.json", "req.form", "req.xml", "req.multipart"} {
		if rest, ok := strings.CutPrefix(point, b); ok && (rest == "" || rest[0] == '.') {
			return true
		}
	}
	return false
}

// PatchablePoint reports whether a virtual patch sees a tag's point: a
// query parameter, the path, a header or a cookie, all read before the
// body.
func PatchablePoint(point string) bool {
	return point == "req.path" || strings.HasPrefix(point, "req.query.") ||
		strings.HasPrefix(point, "req.header.") || strings.HasPrefix(point, "req.cookie.")
}

// checkID accepts short names of letters, digits and ._- only, so that
// an id reads the same in a filter, a file and a terminal.
func checkID(id string) error {
	if id == "" {
		return errors.New("no id")
	}
	if len(id) > 64 {
		return fmt.Errorf("id %.20q...: want at most 64 characters", id)
	}
	for _, c := range id {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-'
		if !ok {
			return fmt.Errorf("id %q: want letters, digits, '.', '_' and '-' only", id)
		}
	}
	return nil
}
