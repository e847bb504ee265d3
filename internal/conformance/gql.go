package conformance

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/vektah/gqlparser/v2/gqlerror"
	"go.yaml.in/yaml/v3"

	"github.com/spoorhq/spoor/engine"
)

// ParserCase is one case in the format of gqlparser's
// parser_query_test.yml.
type ParserCase struct {
	Section string
	Name    string `yaml:"name"`
	Input   string `yaml:"input"`
	AST     string `yaml:"ast"`
	Error   *struct {
		Message string `yaml:"message"`
	} `yaml:"error"`
}

// ValidatorCase is one case in the format of the graphql-js validation
// specs, as gqlparser imports them.
type ValidatorCase struct {
	Name   string `yaml:"name"`
	Query  string `yaml:"query"`
	Errors []struct {
		Message string `yaml:"message"`
	} `yaml:"errors"`
}

// The graphql-js validation rules whose cases CheckValidatorCases knows.
const (
	RuleNoSchemaIntrospection = "NoSchemaIntrospectionCustomRule"
	RuleMaxIntrospectionDepth = "MaxIntrospectionDepthRule"
	RuleNoFragmentCycles      = "NoFragmentCyclesRule"
)

// LoadParserCases reads a parser case file, sorted by section and name.
func LoadParserCases(path string) ([]ParserCase, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read parser cases: %w", err)
	}
	var sections map[string][]ParserCase
	if err := yaml.Unmarshal(data, &sections); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var out []ParserCase
	for section, cases := range sections {
		for _, c := range cases {
			c.Section = section
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b ParserCase) int { return strings.Compare(a.Section+"/"+a.Name, b.Section+"/"+b.Name) })
	return out, nil
}

// LoadValidatorCases reads a validation spec file; one without cases is
// an error.
func LoadValidatorCases(path string) ([]ValidatorCase, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read validator cases: %w", err)
	}
	var cases []ValidatorCase
	if err := yaml.Unmarshal(data, &cases); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(cases) == 0 {
		return nil, fmt.Errorf("%s: no cases", path)
	}
	return cases, nil
}

// CheckParserCases runs parser cases through engine.ParseGQL and through
// an Analyzer set up by use (which adds the GraphQL Inspector): a valid
// document yields the operations its AST shows (type, name, top-level
// fields), an invalid one yields gqlparser's error. It returns the
// problems, each prefixed by section/name, and how many cases were checked
// against an expected operation.
func CheckParserCases(cases []ParserCase, use func(*engine.Analyzer)) (problems Problems, checked int) {
	a := engine.NewAnalyzer(engine.SessionizerOptions{}, engine.NewHasher([]byte("k")))
	use(a)
	for _, c := range cases {
		if checkParserCase(&problems, a, c) {
			checked++
		}
	}
	return problems, checked
}

// checkParserCase checks one case and reports whether it had an expected
// operation to check against.
func checkParserCase(p *Problems, a *engine.Analyzer, c ParserCase) bool {
	where := c.Section + "/" + c.Name
	doc, err := engine.ParseGQL(c.Input)
	x := GraphQLPost(c.Input)
	a.Process(x)
	if x.GQL == nil {
		p.add(where, "a document posted to /graphql was not read as GraphQL")
		return false
	}
	if c.Error != nil {
		var gerr *gqlerror.Error
		if !errors.As(err, &gerr) || gerr.Message != c.Error.Message {
			p.add(where, "error %v, want %q", err, c.Error.Message)
		}
		if x.GQL.Error == "" || x.GQL.Type != "" {
			p.add(where, "exchange recorded type %q error %q, want the error", x.GQL.Type, x.GQL.Error)
		}
		return false
	}
	if err != nil {
		p.add(where, "valid document: %v", err)
		return false
	}
	if x.GQL.Error != "" {
		p.add(where, "exchange recorded error %q", x.GQL.Error)
	}
	want := expectedOperations(c)
	if want == nil {
		return false // the case states no AST: parsing is the check
	}
	if len(doc.Operations) != len(want) {
		p.add(where, "operations %+v, want %+v", doc.Operations, want)
		return true
	}
	for i, op := range doc.Operations {
		w := want[i]
		if op.Type != w.Type || op.Name != w.Name {
			p.add(where, "operation %d = %s %q, want %s %q", i, op.Type, op.Name, w.Type, w.Name)
		}
		if w.Fields != nil && !slices.Equal(op.Fields, distinct(w.Fields)) {
			p.add(where, "operation %d fields %v, want %v", i, op.Fields, distinct(w.Fields))
		}
	}
	if len(want) > 0 && (x.GQL.Type != want[0].Type || x.GQL.Name != want[0].Name) {
		p.add(where, "exchange recorded %s %q, want %s %q", x.GQL.Type, x.GQL.Name, want[0].Type, want[0].Name)
	}
	return true
}

// CheckValidatorCases checks one rule's cases: NoSchemaIntrospectionCustom
// reports exactly the queries that read __schema or __type (its other
// reports are non-standard fields), every MaxIntrospectionDepth case is an
// introspection query, and fragment cycles (any other rule) parse and
// measure without looping. Problems are prefixed by rule/name.
func CheckValidatorCases(rule string, cases []ValidatorCase) Problems {
	var p Problems
	for _, c := range cases {
		where := rule + "/" + c.Name
		doc, err := engine.ParseGQL(c.Query)
		switch rule {
		case RuleNoSchemaIntrospection:
			want := false
			for _, e := range c.Errors {
				want = want || strings.Contains(e.Message, `"__schema"`) || strings.Contains(e.Message, `"__type"`)
			}
			if err != nil || doc.Introspection != want {
				p.add(where, "introspection %v (%v), want %v", doc.Introspection, err, want)
			}
		case RuleMaxIntrospectionDepth:
			if err != nil || !doc.Introspection {
				p.add(where, "introspection %v (%v), want true", doc.Introspection, err)
			}
		default:
			if err != nil {
				p.add(where, "%v", err)
			}
		}
	}
	return p
}

// GraphQLPost is a GraphQL request as a client posts it.
func GraphQLPost(query string) *engine.Exchange {
	body, _ := json.Marshal(map[string]string{"query": query}) // a map of strings always marshals
	return &engine.Exchange{
		Start: time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC), ClientIP: "192.0.2.30", Method: "POST", Host: "api.example.com", Path: "/graphql",
		ReqHeaders: []engine.Header{{Name: "Content-Type", Value: "application/json"}, {Name: "User-Agent", Value: "apollo-client/3.11"}},
		ReqBody:    engine.Body{Data: body, Size: int64(len(body))},
		Status:     200,
	}
}

// wantOperation is an operation as a case's AST dump shows it. Fields is
// nil when the operation's top level holds fragments, whose fields the
// dump does not resolve.
type wantOperation struct {
	Type, Name string
	Fields     []string
}

// expectedOperations returns the operations a case should yield: from its
// AST dump, or for the cases of the "operations" section, which have none,
// from their names ("named mutation" is mutation Foo). It returns nil when
// the case does not say.
func expectedOperations(c ParserCase) []wantOperation {
	if c.AST != "" {
		return astOperations(c.AST)
	}
	if c.Section != "operations" {
		return nil
	}
	kind, typ, _ := strings.Cut(c.Name, " ")
	w := wantOperation{Type: typ}
	if kind == "named" {
		w.Name = "Foo"
	}
	return []wantOperation{w}
}

// astOperations reads the operations of an AST dump: each
// "- <OperationDefinition>" block, its Operation and Name lines one level
// in, and the names of the fields of its top-level selection set.
func astOperations(dump string) []wantOperation {
	ops := []wantOperation{}
	opIndent, fieldIndent := -1, -1
	for line := range strings.Lines(dump) {
		trimmed := strings.TrimSpace(line)
		indent := len(line) - len(strings.TrimLeft(line, " "))
		if trimmed == "" {
			continue
		}
		if trimmed == "- <OperationDefinition>" {
			ops = append(ops, wantOperation{Fields: []string{}})
			opIndent, fieldIndent = indent, -1
			continue
		}
		if opIndent < 0 {
			continue
		}
		if indent <= opIndent {
			opIndent = -1
			continue
		}
		op := &ops[len(ops)-1]
		switch {
		case indent == opIndent+4 && strings.HasPrefix(trimmed, `Operation: Operation("`):
			op.Type = strings.TrimSuffix(strings.TrimPrefix(trimmed, `Operation: Operation("`), `")`)
		case indent == opIndent+4 && strings.HasPrefix(trimmed, `Name: "`):
			op.Name = strings.Trim(strings.TrimPrefix(trimmed, "Name: "), `"`)
		case indent == opIndent+4 && trimmed == "- <Field>":
			fieldIndent = indent + 4
		case indent == opIndent+4 && strings.HasPrefix(trimmed, "- <"):
			op.Fields, fieldIndent = nil, -1 // a fragment at the top level
		case indent == fieldIndent && strings.HasPrefix(trimmed, `Name: "`) && op.Fields != nil:
			op.Fields = append(op.Fields, strings.Trim(strings.TrimPrefix(trimmed, "Name: "), `"`))
			fieldIndent = -1
		}
	}
	return ops
}

func distinct(list []string) []string {
	var out []string
	for _, s := range list {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}
