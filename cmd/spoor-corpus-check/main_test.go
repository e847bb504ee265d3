package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMissingCorpora checks that without the corpora the program says in
// one line what is missing and exits 2, before running any check.
func TestMissingCorpora(t *testing.T) {
	empty := t.TempDir()
	partial := t.TempDir()
	if err := os.MkdirAll(filepath.Join(partial, "har-mitmproxy"), 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"no directory", []string{"-corpora", filepath.Join(empty, "absent")}, []string{"no corpora directory", "absent", "-corpora"}},
		{"empty directory", []string{"-corpora", empty}, []string{"missing har-mitmproxy, access-logs/", "mcp/go-sdk-conformance"}},
		{"some present", []string{"-corpora", partial}, []string{"missing access-logs/"}},
		{"stray argument", []string{"-corpora", partial, "extra"}, []string{`unexpected argument "extra"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := run(tt.args, &stdout, &stderr); code != 2 {
				t.Errorf("exit %d, want 2", code)
			}
			if stdout.Len() != 0 || strings.Count(stderr.String(), "\n") != 1 {
				t.Errorf("stdout %q, stderr %q; want one line on stderr", stdout.String(), stderr.String())
			}
			for _, w := range tt.want {
				if !strings.Contains(stderr.String(), w) {
					t.Errorf("stderr %q lacks %q", stderr.String(), w)
				}
			}
			if strings.Contains(stderr.String(), "missing har-mitmproxy") && tt.name == "some present" {
				t.Errorf("stderr %q names a corpus that is there", stderr.String())
			}
		})
	}
}
