package filter

import (
	"strings"

	"github.com/spoorhq/spoor/engine"
)

// field is what a term tests.
type field uint8

const (
	fieldText field = iota // a bare word: fuzzy text
	fieldIP
	fieldUser
	fieldRole
	fieldKey
	fieldSession
	fieldMethod
	fieldHost
	fieldPath
	fieldEndpoint
	fieldStatus
	fieldAttack
	fieldFlow
	fieldAbuse
	fieldDur
	fieldSize
	fieldSince
	fieldUntil
	fieldMCP
	fieldExamined
	fieldSpec
	fieldNode
	fieldBlocked
	fieldCount // the number of fields; not a field
)

// String is the field's name as a filter spells it.
func (f field) String() string {
	switch f {
	case fieldIP:
		return "ip"
	case fieldUser:
		return "user"
	case fieldRole:
		return "role"
	case fieldKey:
		return "key"
	case fieldSession:
		return "session"
	case fieldMethod:
		return "method"
	case fieldHost:
		return "host"
	case fieldPath:
		return "path"
	case fieldEndpoint:
		return "endpoint"
	case fieldStatus:
		return "status"
	case fieldAttack:
		return "attack"
	case fieldFlow:
		return "flow"
	case fieldAbuse:
		return "abuse"
	case fieldDur:
		return "dur"
	case fieldSize:
		return "size"
	case fieldSince:
		return "since"
	case fieldUntil:
		return "until"
	case fieldMCP:
		return "mcp"
	case fieldExamined:
		return "examined"
	case fieldSpec:
		return "spec"
	case fieldNode:
		return "node"
	case fieldBlocked:
		return "blocked"
	}
	return "text"
}

// Fields lists the field names of the language, in the order the
// documentation gives them; the TUI completes from it.
func Fields() []string {
	names := make([]string, 0, fieldCount-1)
	for f := fieldIP; f < fieldCount; f++ {
		names = append(names, f.String())
	}
	return names
}

// lookupField finds a field by name, ignoring case.
func lookupField(name string) (field, bool) {
	name = strings.ToLower(name)
	for f := fieldIP; f < fieldCount; f++ {
		if f.String() == name {
			return f, true
		}
	}
	return 0, false
}

// aboutRequests reports whether a session can only answer the field from
// its requests: the summary keeps no methods, hosts or paths.
func (f field) aboutRequests() bool {
	switch f {
	case fieldMethod, fieldHost, fieldPath, fieldEndpoint, fieldExamined, fieldSpec, fieldNode, fieldBlocked:
		return true
	}
	return false
}

// SpecStatuses lists the values of spec:, the statuses an API
// specification gives a request's endpoint (engine/inventory's
// constants, spelled here because inventory imports engine, as filter
// does, and neither may import the other's vocabulary).
func SpecStatuses() []string {
	return []string{"documented", "shadow", "zombie", "undocumented_method"}
}

// examinedValues maps the values of examined: to the bits they test.
// "pending" is the short spelling of crs_pending.
func examinedValues() map[string]engine.Examination {
	return map[string]engine.Examination{
		"tier1":       engine.ExaminedTier1,
		"crs":         engine.ExaminedCRS,
		"pending":     engine.ExaminedCRSPending,
		"crs_pending": engine.ExaminedCRSPending,
		"off":         engine.ExaminedOff,
	}
}

// AttackTypes are the attack types the engine tags. A filter accepts other
// identifiers too, so that a detector added later is filterable at once, but
// a near miss of a listed type ("sqil") is an error with a suggestion rather
// than a filter that silently matches nothing.
func AttackTypes() []string {
	return []string{
		engine.AttackSQLi, engine.AttackXSS, engine.AttackPathTraversal, engine.AttackCmdInjection,
		engine.AttackSSRF, engine.AttackRFI, engine.AttackLFI, engine.AttackNoSQLi, engine.AttackSSTI,
		engine.AttackXXE, engine.AttackCRLF, engine.AttackOpenRedirect, engine.AttackScanner,
		engine.AttackProtocol, engine.AttackSessionFixation, engine.AttackCodeInjection, engine.AttackGeneric,
	}
}

// normalizeType spells a type as an identifier: lower case, with spaces and
// hyphens as underscores, so that "Credential stuffing" and
// credential-stuffing name one verdict.
func normalizeType(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '-':
			return '_'
		}
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, strings.TrimSpace(s))
}
