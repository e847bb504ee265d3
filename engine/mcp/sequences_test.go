package mcp

import (
	"path/filepath"
	"testing"

	"github.com/spoorhq/spoor/internal/conformance"
)

// loadSequences reads every file of testdata/sequences, written for these
// tests in the format of the go-sdk conformance files (cmd/spoor-corpus-check
// runs the go-sdk's own through the same conformance.CheckMCP).
func loadSequences(t testing.TB) []conformance.MCPSequence {
	t.Helper()
	seqs, err := conformance.LoadMCPSequences(filepath.Join("testdata", "sequences"))
	if err != nil {
		t.Fatal(err)
	}
	if len(seqs) != 6 {
		t.Fatalf("%d sequences in testdata/sequences, want 6", len(seqs))
	}
	return seqs
}
