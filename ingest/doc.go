// Package ingest moves captured exchanges from capture to the store: a
// bounded, non-blocking queue that counts what it drops, and the analysis
// loop that runs the engine over each exchange and hands batches to the
// store's writer.
//
// Late Core Rule Set checks come back through the pipeline too: RunCatchUp
// reads the store's catch-up queue, has the detector check the stored
// copies when its budget allows, and hands the results to Pipeline.Amend,
// so that the single writer and the analyzer's open sessions apply them
// (SampleCPU feeds that budget the process's CPU time).
//
// The queue is the hand-off between capture and analysis. Capture sees it
// only as a capture.Sink, so a network stream (NATS JetStream, say) can take
// its place when several capture nodes feed one workstation.
package ingest
