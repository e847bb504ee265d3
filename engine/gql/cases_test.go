package gql

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// The cases in testdata are written for these tests in the formats of
// gqlparser's parser_query_test.yml and graphql-js's validation specs;
// cmd/spoor-corpus-check runs the same checks over those projects' files.

// parserCase is one case in the format of gqlparser's parser_query_test.yml.
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
	data, err := os.ReadFile(filepath.Join("testdata", "parser.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var sections map[string][]parserCase
	if err := yaml.Unmarshal(data, &sections); err != nil {
		t.Fatalf("parser.yml: %v", err)
	}
	var out []parserCase
	for section, cases := range sections {
		for _, c := range cases {
			c.Section = section
			out = append(out, c)
		}
	}
	if len(out) != 18 {
		t.Fatalf("%d parser cases read, want the 18 of testdata/parser.yml", len(out))
	}
	return out
}

// validatorCase is one case in the format of the graphql-js validation specs.
type validatorCase struct {
	Name   string `yaml:"name"`
	Query  string `yaml:"query"`
	Errors []struct {
		Message string `yaml:"message"`
	} `yaml:"errors"`
}

func loadValidatorCases(t testing.TB, rule string) []validatorCase {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "validator_"+rule+".yml"))
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

// wantOperation is an operation as a case's AST dump shows it. Fields
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
