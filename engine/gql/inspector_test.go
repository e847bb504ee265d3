package gql

import (
	"strconv"
	"strings"
	"testing"

	"github.com/spoorhq/spoor/engine"
)

func TestInspect(t *testing.T) {
	tests := []struct {
		name string
		opts Options
		info engine.GQLInfo
		want string
	}{
		{"plain", Options{}, engine.GQLInfo{Type: "query", Depth: 3, Aliases: 2}, ""},
		{"at the limits", Options{}, engine.GQLInfo{Depth: 10, Aliases: 10, Batch: 1}, ""},
		{"introspection", Options{}, engine.GQLInfo{Introspection: true, Depth: 3}, SignalIntrospection},
		{"deep", Options{}, engine.GQLInfo{Depth: 11}, SignalDepth},
		{"aliases", Options{}, engine.GQLInfo{Aliases: 11}, SignalAliases},
		{"batch", Options{}, engine.GQLInfo{Batch: 2}, SignalBatch},
		{"all", Options{}, engine.GQLInfo{Introspection: true, Depth: 20, Aliases: 50, Batch: 9}, "gql_introspection,gql_depth,gql_aliases,gql_batch"},
		{"configured", Options{MaxDepth: 3, MaxAliases: 1, MaxBatch: 5}, engine.GQLInfo{Depth: 4, Aliases: 2, Batch: 5}, "gql_depth,gql_aliases"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, s := range NewInspector(tt.opts).Inspect(&tt.info) {
				if s.Message == "" {
					t.Errorf("%s without a message", s.Type)
				}
				got = append(got, s.Type)
			}
			if strings.Join(got, ",") != tt.want {
				t.Errorf("signals %v, want %s", got, tt.want)
			}
		})
	}
}

// TestInspectorObserves runs attack-shaped requests through the Analyzer
// with an Inspector: alias overloading of a login mutation, a batch of
// guesses, and a deep introspection query.
func TestInspectorObserves(t *testing.T) {
	var aliases strings.Builder
	aliases.WriteString("mutation {")
	for i := range 12 {
		aliases.WriteString(" a" + strconv.Itoa(i) + `: login(user: "admin", password: "p` + strconv.Itoa(i) + `") { token }`)
	}
	aliases.WriteString(" }")
	batch := graphQLPost("")
	batch.ReqBody.Data = []byte(`[{"query":"mutation { login(password: \"a\") { token } }"},{"query":"mutation { login(password: \"b\") { token } }"},{"query":"mutation { login(password: \"c\") { token } }"}]`)
	deep := "{ __schema { types { fields { type { ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } } }"
	tests := []struct {
		x    *engine.Exchange
		want string
	}{
		{graphQLPost(aliases.String()), SignalAliases},
		{batch, SignalBatch},
		{graphQLPost(deep), SignalIntrospection + "," + SignalDepth},
		{graphQLPost("query Me { me { name } }"), ""},
	}
	a := engine.NewAnalyzer(engine.SessionizerOptions{}, engine.NewHasher([]byte("k")))
	a.Use(NewInspector(Options{}))
	for _, tt := range tests {
		a.Process(tt.x)
		if tt.x.GQL == nil {
			t.Fatalf("%s not read as GraphQL", tt.x.ReqBody.Data)
		}
		var got []string
		for _, s := range tt.x.GQL.Signals {
			got = append(got, s.Type)
		}
		if strings.Join(got, ",") != tt.want {
			t.Errorf("%.60s: signals %v, want %s", tt.x.ReqBody.Data, got, tt.want)
		}
	}
}
