package gql

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spoorhq/spoor/internal/corpora"

	"go.yaml.in/yaml/v3"
)

// corporaDir is the shared corpora directory. A missing corpus fails the
// test, never skips it, so that a run without it cannot pass for a run with
// it.
func corporaDir(t testing.TB) string {
	t.Helper()
	if _, err := corpora.Path("graphql", "parser_query_test.yml"); err != nil {
		t.Fatal(err)
	}
	return corpora.Dir()
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

func loadParserCases(t testing.TB) []parserCase {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(corporaDir(t), "graphql", "parser_query_test.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var sections map[string][]parserCase
	if err := yaml.Unmarshal(data, &sections); err != nil {
		t.Fatalf("parser_query_test.yml: %v", err)
	}
	var out []parserCase
	for section, cases := range sections {
		for _, c := range cases {
			c.Section = section
			out = append(out, c)
		}
	}
	if len(out) < 20 {
		t.Fatalf("only %d parser cases read", len(out))
	}
	return out
}

// validatorCase is one case of the graphql-js validation specs.
type validatorCase struct {
	Name   string `yaml:"name"`
	Query  string `yaml:"query"`
	Errors []struct {
		Message string `yaml:"message"`
	} `yaml:"errors"`
}

func loadValidatorCases(t testing.TB, rule string) []validatorCase {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(corporaDir(t), "graphql", "validator_imported_spec_"+rule+".spec.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []validatorCase
	if err := yaml.Unmarshal(data, &cases); err != nil {
		t.Fatalf("%s: %v", rule, err)
	}
	if len(cases) == 0 {
		t.Fatalf("%s: no cases", rule)
	}
	return cases
}

// wantOperation is an operation as the corpus's AST dump shows it. Fields
// is nil when the operation's top level holds fragments, whose fields the
// dump does not resolve.
type wantOperation struct {
	Type, Name string
	Fields     []string
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
