package tui

import (
	"testing"

	"github.com/spoorhq/spoor/engine/inventory"
)

// TestSessionViewSpecMarks pins a session view whose requests the spec
// does not all account for: the SPEC column marks them, the header counts
// and explains them, and the detail view names the status.
func TestSessionViewSpecMarks(t *testing.T) {
	for _, sz := range sizes {
		t.Run(sz.name, func(t *testing.T) {
			src := fixtureSource()
			for i := range src.requests[alice.id] {
				x := &src.requests[alice.id][i]
				x.SpecStatus = inventory.Documented
				switch x.Path {
				case "/api/v1/reports/export":
					x.SpecStatus = inventory.Zombie
				case "/api/v1/upload", "/static/app.js":
					x.SpecStatus = inventory.Shadow
				case "/api/v1/orders/1337":
					x.SpecStatus = inventory.UndocumentedMethod
				}
			}
			hs := newHarness(t, src, nil, sz.w, sz.h)
			hs.keys(keyEnter)
			v := hs.view()
			mustContain(t, v, "SPEC", "zombie", "shadow", "undoc method", "spec 1 zombie · 2 shadow · 1 undoc method")
			hs.golden()

			// The zombie request's detail says what it is.
			for hs.m.sequence.Selected(); ; hs.keys(keyDown) {
				if x, _ := hs.m.sequence.Selected(); x.SpecStatus == inventory.Zombie {
					break
				}
			}
			hs.keys(keyEnter)
			mustContain(t, hs.view(), "zombie endpoint")
		})
	}
}
