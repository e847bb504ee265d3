package mcp

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sequence is one file of testdata/sequences, written for these tests in
// the format of the go-sdk conformance files (cmd/spoor-corpus-check runs
// the go-sdk's own): the messages the client sends and the ones the server
// answers, in order, and the tools it serves.
type sequence struct {
	name           string
	tools          []string
	client, server []json.RawMessage
}

// loadSequences reads every file of testdata/sequences.
func loadSequences(t testing.TB) []sequence {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "sequences", "*.txtar"))
	if err != nil || len(files) != 6 {
		t.Fatalf("%d sequences in testdata/sequences, want 6 (%v)", len(files), err)
	}
	var out []sequence
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		sections := txtarSections(data)
		seq := sequence{name: strings.TrimSuffix(filepath.Base(f), ".txtar"), tools: strings.Fields(string(sections["tools"]))}
		if seq.client, err = jsonStream(sections["client"]); err != nil {
			t.Fatalf("%s client: %v", f, err)
		}
		if seq.server, err = jsonStream(sections["server"]); err != nil {
			t.Fatalf("%s server: %v", f, err)
		}
		if len(seq.client) == 0 {
			t.Fatalf("%s: no client messages", f)
		}
		out = append(out, seq)
	}
	return out
}

// txtarSections splits a txtar archive into its files by name, the comment
// before the first file dropped. It is the few lines of the format the
// sequences need, rather than a dependency on golang.org/x/tools.
func txtarSections(data []byte) map[string][]byte {
	out := map[string][]byte{}
	name := ""
	for line := range bytes.Lines(data) {
		trimmed := bytes.TrimRight(line, "\r\n")
		if bytes.HasPrefix(trimmed, []byte("-- ")) && bytes.HasSuffix(trimmed, []byte(" --")) && len(trimmed) > 6 {
			name = string(trimmed[3 : len(trimmed)-3])
			out[name] = []byte{}
			continue
		}
		if name != "" {
			out[name] = append(out[name], line...)
		}
	}
	return out
}

// jsonStream reads concatenated JSON values, each compacted.
func jsonStream(data []byte) ([]json.RawMessage, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	var out []json.RawMessage
	for {
		var raw json.RawMessage
		err := dec.Decode(&raw)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		var buf bytes.Buffer
		if err := json.Compact(&buf, raw); err != nil {
			return nil, err
		}
		out = append(out, buf.Bytes())
	}
}
