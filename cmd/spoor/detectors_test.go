package main

import (
	"strings"
	"testing"
	"time"

	"github.com/spoorhq/spoor/engine/detect"
)

// TestDetectorsCommand checks that spoor detectors prints every check the
// detector runs, with the attack type its tags carry, so that the README's
// promise that every built-in rule is listed holds.
func TestDetectorsCommand(t *testing.T) {
	out, errOut, code := spoor(t, 10*time.Second, "detectors")
	if code != 0 {
		t.Fatalf("detectors: exit %d: %s", code, errOut)
	}
	rows := map[string]string{}
	for _, line := range strings.Split(out, "\n")[1:] {
		if f := strings.Fields(line); len(f) >= 3 {
			rows[f[1]] = f[2]
		}
	}
	for _, c := range detect.Checks() {
		if got, ok := rows[c.Rule]; !ok || got != c.Type {
			t.Errorf("rule %s: listed with type %q (listed: %v); want %q", c.Rule, got, ok, c.Type)
		}
	}
	for _, rule := range []string{"crs-933xxx", "crs-944xxx"} {
		if rows[rule] != "code_injection" {
			t.Errorf("%s is filed as %q; want code_injection", rule, rows[rule])
		}
	}
	if _, _, code := spoor(t, 10*time.Second, "detectors", "extra"); code != 2 {
		t.Errorf("detectors with an argument: exit %d; want 2", code)
	}
}
