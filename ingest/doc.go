// Package ingest moves captured exchanges from capture to the store: a
// bounded, non-blocking queue that counts what it drops, and the analysis
// loop that runs the engine over each exchange and hands batches to the
// store's writer.
//
// The queue is the hand-off between capture and analysis. Capture sees it
// only as a capture.Sink, so a network stream (NATS JetStream, say) can take
// its place when several capture nodes feed one workstation.
package ingest
