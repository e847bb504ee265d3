package engine

// GraphQL operation types.
const (
	GQLQuery        = "query"
	GQLMutation     = "mutation"
	GQLSubscription = "subscription"
)

// GQLInfo is what an exchange carries of GraphQL: the operation it runs and
// the shape facts that abuse shows in (depth, aliases, introspection,
// batching). Observers (package engine/gql) judge the facts against their
// limits and record signals.
type GQLInfo struct {
	// Type is query, mutation or subscription; empty when the document
	// does not parse.
	Type string `json:"type,omitempty"`
	// Name is the operation name, from operationName or the document.
	Name string `json:"name,omitempty"`
	// Fields are the distinct top-level fields the operation selects,
	// fragments resolved, at most maxGQLFields.
	Fields []string `json:"fields,omitempty"`
	// Depth is the deepest nesting of selection sets in the document,
	// fragments resolved: "{ a { b } }" has depth 2.
	Depth int `json:"depth"`
	// Aliases counts the aliased fields of the document.
	Aliases int `json:"aliases"`
	// Introspection is set when the document reads __schema or __type.
	Introspection bool `json:"introspection,omitempty"`
	// Batch is the number of operations of a JSON-array body, 0 when the
	// body holds one.
	Batch int `json:"batch,omitempty"`
	// Error is why the document does not parse.
	Error   string           `json:"error,omitempty"`
	Signals []ProtocolSignal `json:"signals,omitempty"`
}

// GQLOperation is one operation defined in a GraphQL document.
type GQLOperation struct {
	Type   string
	Name   string
	Fields []string
}

// GQLDocument is what spoor reads of a GraphQL document.
type GQLDocument struct {
	Operations    []GQLOperation
	Depth         int
	Aliases       int
	Introspection bool
}

// Operation returns the operation a request runs: the one named name, or
// the first when name is empty (a document with one operation needs no
// name). It returns false when there is none.
func (d *GQLDocument) Operation(name string) (GQLOperation, bool) {
	for _, op := range d.Operations {
		if name == "" || op.Name == name {
			return op, true
		}
	}
	return GQLOperation{}, false
}
