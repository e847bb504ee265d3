package corpora

import (
	"path/filepath"
	"testing"
)

func TestPath(t *testing.T) {
	t.Setenv(EnvVar, t.TempDir())
	if _, err := Path("absent"); err == nil {
		t.Error("a missing corpus gave no error")
	}
	want := filepath.Join(Dir())
	if got, err := Path(); err != nil || got != want {
		t.Errorf("Path() = %q, %v; want %q", got, err, want)
	}
}
