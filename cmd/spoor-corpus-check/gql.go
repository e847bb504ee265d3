package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/vektah/gqlparser/v2/gqlerror"
	"go.yaml.in/yaml/v3"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/engine/gql"
)

// gqlParserPath is gqlparser's parser cases.
const gqlParserPath = "graphql/parser_query_test.yml"

// gqlValidatorPath is a graphql-js validation spec, as gqlparser imports it.
func gqlValidatorPath(rule string) string {
	return "graphql/validator_imported_spec_" + rule + ".spec.yml"
}

// parserCase is one case of gqlparser's parser_query_test.yml.
type parserCase struct {
	Section string
	Name    string `yaml:"name"`
	Input   string `yaml:"input"`
	AST     string `yaml:"ast"`
	Error   *struct {
		Message string `yaml:"message"`
	} `yaml:"error"`
}

// validatorCase is one case of the graphql-js validation specs.
type validatorCase struct {
	Name   string `yaml:"name"`
	Query  string `yaml:"query"`
	Errors []struct {
		Message string `yaml:"message"`
	} `yaml:"errors"`
}

// checkGraphQL runs gqlparser's parser cases through engine.ParseGQL and
// the Analyzer (a valid document yields the operations its AST shows, an
// invalid one gqlparser's error), then checks introspection against
// graphql-js's rules and that fragment cycles parse.
func checkGraphQL(dir string, r *report) error {
	cases, err := loadParserCases(filepath.Join(dir, gqlParserPath))
	if err != nil {
		return err
	}
	checked := checkParserCases(r, cases)
	if checked < 14 { // the 10 cases with an AST dump and the 4 of "operations"
		r.errorf("only %d cases checked against an expected operation", checked)
	}
	validators := 0
	for _, rule := range []string{"NoSchemaIntrospectionCustomRule", "MaxIntrospectionDepthRule", "NoFragmentCyclesRule"} {
		vcs, err := loadValidatorCases(filepath.Join(dir, gqlValidatorPath(rule)))
		if err != nil {
			return err
		}
		checkValidatorCases(r, rule, vcs)
		validators += len(vcs)
	}
	r.summary = fmt.Sprintf("%d parser cases (%d against an AST), %d validation cases", len(cases), checked, validators)
	return nil
}

func loadParserCases(path string) ([]parserCase, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var sections map[string][]parserCase
	if err := yaml.Unmarshal(data, &sections); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var out []parserCase
	for section, cases := range sections {
		for _, c := range cases {
			c.Section = section
			out = append(out, c)
		}
	}
	if len(out) < 20 {
		return nil, fmt.Errorf("%s: only %d parser cases read", path, len(out))
	}
	slices.SortFunc(out, func(a, b parserCase) int { return strings.Compare(a.Section+"/"+a.Name, b.Section+"/"+b.Name) })
	return out, nil
}

func loadValidatorCases(path string) ([]validatorCase, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var cases []validatorCase
	if err := yaml.Unmarshal(data, &cases); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(cases) == 0 {
		return nil, fmt.Errorf("%s: no cases", path)
	}
	return cases, nil
}

// checkParserCases returns how many cases were checked against expected
// operations.
func checkParserCases(r *report, cases []parserCase) int {
	a := engine.NewAnalyzer(engine.SessionizerOptions{}, engine.NewHasher([]byte("k")))
	a.Use(gql.NewInspector(gql.Options{}))
	checked := 0
	for _, c := range cases {
		where := c.Section + "/" + c.Name
		doc, err := engine.ParseGQL(c.Input)
		x := graphQLPost(c.Input)
		a.Process(x)
		if x.GQL == nil {
			r.errorf("%s: a document posted to /graphql was not read as GraphQL", where)
			continue
		}
		if c.Error != nil {
			var gerr *gqlerror.Error
			if !errors.As(err, &gerr) || gerr.Message != c.Error.Message {
				r.errorf("%s: error %v, want %q", where, err, c.Error.Message)
			}
			if x.GQL.Error == "" || x.GQL.Type != "" {
				r.errorf("%s: exchange recorded type %q error %q, want the error", where, x.GQL.Type, x.GQL.Error)
			}
			continue
		}
		if err != nil {
			r.errorf("%s: valid document: %v", where, err)
			continue
		}
		if x.GQL.Error != "" {
			r.errorf("%s: exchange recorded error %q", where, x.GQL.Error)
		}
		want := expectedOperations(c)
		if want == nil {
			continue // the corpus states no AST for this case: parsing is the check
		}
		checked++
		if len(doc.Operations) != len(want) {
			r.errorf("%s: operations %+v, want %+v", where, doc.Operations, want)
			continue
		}
		for i, op := range doc.Operations {
			w := want[i]
			if op.Type != w.Type || op.Name != w.Name {
				r.errorf("%s: operation %d = %s %q, want %s %q", where, i, op.Type, op.Name, w.Type, w.Name)
			}
			if w.Fields != nil && !slices.Equal(op.Fields, distinct(w.Fields)) {
				r.errorf("%s: operation %d fields %v, want %v", where, i, op.Fields, distinct(w.Fields))
			}
		}
		if len(want) > 0 && (x.GQL.Type != want[0].Type || x.GQL.Name != want[0].Name) {
			r.errorf("%s: exchange recorded %s %q, want %s %q", where, x.GQL.Type, x.GQL.Name, want[0].Type, want[0].Name)
		}
	}
	return checked
}

// checkValidatorCases checks one rule's cases: NoSchemaIntrospectionCustom
// reports exactly the queries that read __schema or __type (its other
// reports are non-standard fields), every MaxIntrospectionDepth case is an
// introspection query, and fragment cycles parse and measure without
// looping.
func checkValidatorCases(r *report, rule string, cases []validatorCase) {
	for _, c := range cases {
		doc, err := engine.ParseGQL(c.Query)
		switch rule {
		case "NoSchemaIntrospectionCustomRule":
			want := false
			for _, e := range c.Errors {
				want = want || strings.Contains(e.Message, `"__schema"`) || strings.Contains(e.Message, `"__type"`)
			}
			if err != nil || doc.Introspection != want {
				r.errorf("%s/%s: introspection %v (%v), want %v", rule, c.Name, doc.Introspection, err, want)
			}
		case "MaxIntrospectionDepthRule":
			if err != nil || !doc.Introspection {
				r.errorf("%s/%s: introspection %v (%v), want true", rule, c.Name, doc.Introspection, err)
			}
		default:
			if err != nil {
				r.errorf("%s/%s: %v", rule, c.Name, err)
			}
		}
	}
}

// graphQLPost is a GraphQL request as a client posts it.
func graphQLPost(query string) *engine.Exchange {
	body, _ := json.Marshal(map[string]string{"query": query})
	return &engine.Exchange{
		Start: time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC), ClientIP: "192.0.2.30", Method: "POST", Host: "api.example.com", Path: "/graphql",
		ReqHeaders: []engine.Header{{Name: "Content-Type", Value: "application/json"}, {Name: "User-Agent", Value: "apollo-client/3.11"}},
		ReqBody:    engine.Body{Data: body, Size: int64(len(body))},
		Status:     200,
	}
}

// wantOperation is an operation as the corpus's AST dump shows it. Fields
// is nil when the operation's top level holds fragments, whose fields the
// dump does not resolve.
type wantOperation struct {
	Type, Name string
	Fields     []string
}

// expectedOperations returns the operations a case should yield: from its
// AST dump, or for the cases of the "operations" section, which have none,
// from their names ("named mutation" is mutation Foo). It returns nil when
// the corpus does not say.
func expectedOperations(c parserCase) []wantOperation {
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
