// Package gql judges GraphQL operations against limits and records what is
// unusual as explained signals.
//
// Package engine recognises GraphQL requests (a POST of JSON query,
// operationName and variables, a JSON array of them, a GET with ?query=, a
// POST of application/graphql), parses them with gqlparser and records the
// operation and its shape on Exchange.GQL: type, name, top-level fields,
// depth, aliases, introspection and batch size. An Inspector is an
// engine.Observer that compares that shape with its Options and raises:
//
//   - gql_introspection: the query reads __schema or __type, which maps the
//     whole API and which production clients rarely need;
//   - gql_depth: selections nested deeper than MaxDepth, the shape of a
//     query built to exhaust the resolver;
//   - gql_aliases: more aliased fields than MaxAliases, the shape of alias
//     overloading (one field asked many times in one request, to multiply
//     its cost or to try many passwords past a rate limit);
//   - gql_batch: more operations in one JSON array than MaxBatch, which
//     multiplies attempts past per-request limits the same way.
//
// Signals are recorded on Exchange.GQL. The package does no I/O and keeps
// no state; an Inspector is safe for concurrent use. It imports engine;
// engine never imports it.
package gql
