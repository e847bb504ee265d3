// Package relay carries captured exchanges from capture nodes to one
// workstation over NATS JetStream, so that several gateways feed one
// investigation store.
//
// A Publisher is a capture.Sink: Offer encodes the exchange (wire.go) under
// an id made of the node's name, the start of its run and a sequence
// (id.go) and seals it with the relay key the nodes and the workstation
// share (key.go: AES-256-GCM, the id as additional data), so that no
// captured credential reaches JetStream's disk in the clear. It holds the
// message in a buffer bounded in bytes and count, and a goroutine
// publishes it asynchronously with a bounded window of unacknowledged
// messages, each carrying its id as Nats-Msg-Id so that JetStream drops a
// copy published twice within its duplicate window. When NATS is
// unreachable the proxy keeps serving: what arrives meanwhile waits in the
// buffer, a message whose publication failed goes back to its head, and an
// exchange that finds the buffer full is dropped and counted.
//
// A Collector is a durable pull consumer of the stream. It opens each
// message with the relay key (one that does not open is terminated and
// counted, never stored), hands the exchange to the workstation's queue
// with its id (engine.Exchange.Delivery) and acknowledges a message only
// once the store reports its id delivered, which the store records in the
// transaction that commits the exchange; a message whose id is already
// stored is acknowledged and skipped. So a workstation killed at any
// point, restarted, or sent a message twice stores each exchange exactly
// once.
//
// relay owns the wire format, the relay key and sealing, the connection
// options (credentials, nkeys, TLS), the stream's limits and both ends of
// the transport. It must not import the store, the proxy or the TUI: the
// Collector asks for the two things it needs (a Sink and a DeliveryLog)
// through interfaces declared here, and package engine stays free of I/O.
package relay
