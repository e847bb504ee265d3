package gql

import (
	"path/filepath"
	"testing"

	"github.com/spoorhq/spoor/internal/conformance"
)

// The cases in testdata are written for these tests in the formats of
// gqlparser's parser_query_test.yml and graphql-js's validation specs;
// cmd/spoor-corpus-check runs the same checks (package conformance) over
// those projects' files.

func loadParserCases(t testing.TB) []conformance.ParserCase {
	t.Helper()
	cases, err := conformance.LoadParserCases(filepath.Join("testdata", "parser.yml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) != 18 {
		t.Fatalf("%d parser cases read, want the 18 of testdata/parser.yml", len(cases))
	}
	return cases
}

func loadValidatorCases(t testing.TB, rule string) []conformance.ValidatorCase {
	t.Helper()
	cases, err := conformance.LoadValidatorCases(filepath.Join("testdata", "validator_"+rule+".yml"))
	if err != nil {
		t.Fatal(err)
	}
	return cases
}
