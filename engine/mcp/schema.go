package mcp

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
)

// maxProblems bounds the problems one call reports; the first few say what
// the client got wrong.
const maxProblems = 4

// inputSchema is the part of a tool's JSON Schema that spoor checks: the
// top-level properties with their types, the required ones, and whether
// others are allowed. It is deliberately not a validator: a mismatch in
// these few rules is what a hand-crafted or injected call shows, and a full
// validator would cost more than the signal is worth.
type inputSchema struct {
	Properties map[string]struct {
		Type jsonTypes `json:"type"`
	} `json:"properties"`
	Required []string `json:"required"`
	// AdditionalProperties is false, true, or a schema; only false
	// forbids anything here.
	AdditionalProperties json.RawMessage `json:"additionalProperties"`
}

// jsonTypes is a schema's "type": one name or a list of names.
type jsonTypes []string

func (t *jsonTypes) UnmarshalJSON(b []byte) error {
	var one string
	if json.Unmarshal(b, &one) == nil {
		*t = jsonTypes{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return fmt.Errorf("schema type: %w", err)
	}
	*t = many
	return nil
}

// parseSchema reads a tool's inputSchema. A schema that does not decode
// checks nothing rather than everything.
func parseSchema(raw json.RawMessage) *inputSchema {
	var s inputSchema
	if json.Unmarshal(raw, &s) != nil {
		return &inputSchema{}
	}
	return &s
}

// check returns what is wrong with args under the schema, at most
// maxProblems items. Missing arguments count as an empty object, as MCP
// servers read them.
func (s *inputSchema) check(args json.RawMessage) []string {
	args = bytes.TrimSpace(args)
	if len(args) == 0 || string(args) == "null" {
		args = []byte("{}")
	}
	if args[0] != '{' {
		return []string{fmt.Sprintf("arguments have type %s, not object", kindOf(args))}
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(args, &obj); err != nil {
		return []string{"arguments are not a JSON object"}
	}
	var problems []string
	for _, name := range s.Required {
		if _, ok := obj[name]; !ok {
			problems = append(problems, fmt.Sprintf("missing required property %q", name))
		}
	}
	names := make([]string, 0, len(obj))
	for name := range obj {
		names = append(names, name)
	}
	slices.Sort(names) // a stable message for the same call
	closed := string(bytes.TrimSpace(s.AdditionalProperties)) == "false"
	for _, name := range names {
		p, ok := s.Properties[name]
		switch {
		case !ok && closed:
			problems = append(problems, fmt.Sprintf("property %q is not in the schema, which allows no others", name))
		case ok && len(p.Type) > 0 && !p.Type.admits(obj[name]):
			problems = append(problems, fmt.Sprintf("property %q has type %s, the schema wants %s", name, kindOf(obj[name]), strings.Join(p.Type, " or ")))
		}
	}
	if len(problems) > maxProblems {
		problems = append(problems[:maxProblems], fmt.Sprintf("%d more", len(problems)-maxProblems))
	}
	return problems
}

// admits reports whether a JSON value has one of the types. An integer is
// a number, and a number with no fraction is an integer, as JSON Schema
// counts them.
func (t jsonTypes) admits(v json.RawMessage) bool {
	kind := kindOf(v)
	for _, want := range t {
		switch {
		case want == kind:
			return true
		case want == "number" && kind == "integer":
			return true
		case want == "integer" && kind == "number":
			var f float64
			if json.Unmarshal(v, &f) == nil && f == math.Trunc(f) && !math.IsInf(f, 0) {
				return true
			}
		}
	}
	return false
}

// kindOf names the JSON type of a value by its first byte; a number
// without a fraction or exponent is an integer.
func kindOf(v json.RawMessage) string {
	v = bytes.TrimSpace(v)
	if len(v) == 0 {
		return "nothing"
	}
	switch v[0] {
	case '"':
		return "string"
	case '{':
		return "object"
	case '[':
		return "array"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	if bytes.ContainsAny(v, ".eE") {
		return "number"
	}
	return "integer"
}
