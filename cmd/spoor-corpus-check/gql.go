package main

import (
	"fmt"
	"path/filepath"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/engine/gql"
	"github.com/spoorhq/spoor/internal/conformance"
)

// gqlParserPath is gqlparser's parser cases.
const gqlParserPath = "graphql/parser_query_test.yml"

// gqlValidatorPath is a graphql-js validation spec, as gqlparser imports it.
func gqlValidatorPath(rule string) string {
	return "graphql/validator_imported_spec_" + rule + ".spec.yml"
}

// gqlRules are the validation specs the check reads.
func gqlRules() []string {
	return []string{conformance.RuleNoSchemaIntrospection, conformance.RuleMaxIntrospectionDepth, conformance.RuleNoFragmentCycles}
}

// checkGraphQL runs gqlparser's parser cases through engine.ParseGQL and
// the Analyzer (a valid document yields the operations its AST shows, an
// invalid one gqlparser's error), then checks introspection against
// graphql-js's rules and that fragment cycles parse: the checks engine/gql's
// tests run on their fixtures.
func checkGraphQL(dir string, r *report) error {
	cases, err := conformance.LoadParserCases(filepath.Join(dir, gqlParserPath))
	if err != nil {
		return err
	}
	if len(cases) < 20 {
		return fmt.Errorf("%s: only %d parser cases read", gqlParserPath, len(cases))
	}
	use := func(a *engine.Analyzer) { a.Use(gql.NewInspector(gql.Options{})) }
	problems, checked := conformance.CheckParserCases(cases, use)
	r.problems = append(r.problems, problems...)
	if checked < 14 { // the 10 cases with an AST dump and the 4 of "operations"
		r.errorf("only %d cases checked against an expected operation", checked)
	}
	validators := 0
	for _, rule := range gqlRules() {
		vcs, err := conformance.LoadValidatorCases(filepath.Join(dir, gqlValidatorPath(rule)))
		if err != nil {
			return err
		}
		r.problems = append(r.problems, conformance.CheckValidatorCases(rule, vcs)...)
		validators += len(vcs)
	}
	r.summary = fmt.Sprintf("%d parser cases (%d against an AST), %d validation cases", len(cases), checked, validators)
	return nil
}

// gqlNeeds are the corpus files checkGraphQL reads.
func gqlNeeds() []string {
	needs := []string{gqlParserPath}
	for _, rule := range gqlRules() {
		needs = append(needs, gqlValidatorPath(rule))
	}
	return needs
}
