package gql

import (
	"fmt"

	"github.com/spoorhq/spoor/engine"
)

// Signal types. They are strings because they are stored and printed in
// JSON as they are.
const (
	SignalIntrospection = "gql_introspection"
	SignalDepth         = "gql_depth"
	SignalAliases       = "gql_aliases"
	SignalBatch         = "gql_batch"
)

// Defaults of Options. A depth of 10 and ten aliases are well above what
// generated clients send and well below what abuse needs; a batch of one
// operation is what an unbatched client sends as an array.
const (
	DefaultMaxDepth   = 10
	DefaultMaxAliases = 10
	DefaultMaxBatch   = 1
)

// Options are the limits an Inspector flags; zero values take the defaults.
type Options struct {
	MaxDepth   int
	MaxAliases int
	MaxBatch   int
}

// Inspector flags GraphQL operations that exceed its limits. Build it with
// NewInspector and add it to the Analyzer with Use.
type Inspector struct {
	opts Options
}

// NewInspector returns an Inspector with opts, defaults filled in.
func NewInspector(opts Options) *Inspector {
	if opts.MaxDepth <= 0 {
		opts.MaxDepth = DefaultMaxDepth
	}
	if opts.MaxAliases <= 0 {
		opts.MaxAliases = DefaultMaxAliases
	}
	if opts.MaxBatch <= 0 {
		opts.MaxBatch = DefaultMaxBatch
	}
	return &Inspector{opts: opts}
}

// Observe records the signals of the exchange's GraphQL operation on
// x.GQL; it returns at once for other traffic.
func (in *Inspector) Observe(x *engine.Exchange, _ *engine.Session) {
	if x.GQL == nil {
		return
	}
	x.GQL.Signals = append(x.GQL.Signals, in.Inspect(x.GQL)...)
}

// Inspect returns the signals an operation's shape raises.
func (in *Inspector) Inspect(g *engine.GQLInfo) []engine.ProtocolSignal {
	var out []engine.ProtocolSignal
	if g.Introspection {
		out = append(out, engine.ProtocolSignal{Type: SignalIntrospection,
			Message: "the query reads __schema or __type: it maps the schema, which production clients rarely need"})
	}
	if g.Depth > in.opts.MaxDepth {
		out = append(out, engine.ProtocolSignal{Type: SignalDepth,
			Message: fmt.Sprintf("selections nest %d deep, over the limit of %d: a query shaped to exhaust the resolver", g.Depth, in.opts.MaxDepth)})
	}
	if g.Aliases > in.opts.MaxAliases {
		out = append(out, engine.ProtocolSignal{Type: SignalAliases,
			Message: fmt.Sprintf("%d aliased fields, over the limit of %d: alias overloading repeats a field to multiply its cost or its attempts", g.Aliases, in.opts.MaxAliases)})
	}
	if g.Batch > in.opts.MaxBatch {
		out = append(out, engine.ProtocolSignal{Type: SignalBatch,
			Message: fmt.Sprintf("%d operations batched in one request, over the limit of %d: batching multiplies attempts past per-request limits", g.Batch, in.opts.MaxBatch)})
	}
	return out
}
