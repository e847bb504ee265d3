package stats

import (
	"strings"
	"testing"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/tui/theme"
)

// TestPickerCounts shows counts in the picker as people read them.
func TestPickerCounts(t *testing.T) {
	xs := make([]engine.Exchange, 3550)
	for i := range xs {
		xs[i] = engine.Exchange{Method: "GET", Status: 200, ClientIP: "192.0.2.1"}
	}
	v := NewPicker(theme.New(true, true), Compute(xs)).View(120, 5)
	if !strings.Contains(v, "GET") || !strings.Contains(v, "3,550") || strings.Contains(v, "3550") {
		t.Errorf("picker does not show 3,550 GETs:\n%s", v)
	}
}
