package corpora

import (
	"fmt"
	"os"
	"path/filepath"
)

// EnvVar names the environment variable that points at the corpora.
const EnvVar = "SPOOR_CORPORA"

// Dir is $SPOOR_CORPORA, else ../shared/corpora beside the repository root,
// found by walking up from the working directory to go.mod, so that
// `go run` agrees wherever in the repository it is started.
func Dir() string {
	if dir := os.Getenv(EnvVar); dir != "" {
		return dir
	}
	fallback := filepath.Join("..", "shared", "corpora")
	dir, err := os.Getwd()
	if err != nil {
		return fallback
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return filepath.Join(d, "..", "shared", "corpora")
		}
		if filepath.Dir(d) == d {
			return fallback
		}
	}
}

// Path is the named file or folder of the corpora, or an error saying how to
// point spoor at them when it is missing.
func Path(elem ...string) (string, error) {
	p := filepath.Join(append([]string{Dir()}, elem...)...)
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("corpus %s is missing (set SPOOR_CORPORA to the shared corpora directory): %w", filepath.Join(elem...), err)
	}
	return p, nil
}
