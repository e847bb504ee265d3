package sequence

import (
	"testing"

	"github.com/spoorhq/spoor/engine"
)

func TestWideTags(t *testing.T) {
	scanner := engine.AttackTag{Type: engine.AttackScanner, Point: "req.header.User-Agent", Rule: "spoor-scanner"}
	sqli := engine.AttackTag{Type: engine.AttackSQLi, Point: "req.query.id", Rule: "libinjection-sqli"}
	xs := []engine.Exchange{
		{Attacks: []engine.AttackTag{scanner, sqli}},
		{Attacks: []engine.AttackTag{scanner}},
		{},
	}
	wide := wideTags(xs)
	if len(wide) != 1 || wide[0].typ != engine.AttackScanner || wide[0].requests != 2 {
		t.Fatalf("wideTags = %+v, want scanner on 2 requests", wide)
	}
	if got, want := wide[0].text(len(xs)), "session-wide: on 2 of 3 requests (spoor-scanner at req.header.User-Agent)"; got != want {
		t.Errorf("text = %q, want %q", got, want)
	}
	if got, want := wide[0].text(2), "session-wide: on all 2 requests (spoor-scanner at req.header.User-Agent)"; got != want {
		t.Errorf("text = %q, want %q", got, want)
	}
	// Rows keep the tags that differ between requests.
	if got := chipText(&xs[0]); got != "[sqli]" {
		t.Errorf("chipText = %q, want [sqli] alone", got)
	}
	if got := chipText(&xs[1]); got != "" {
		t.Errorf("chipText = %q, want none", got)
	}
	if wideTags([]engine.Exchange{{Attacks: []engine.AttackTag{sqli}}}) != nil {
		t.Error("sqli is a per-request tag, not a session-wide one")
	}
}
