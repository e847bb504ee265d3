package query

import (
	"testing"

	"github.com/spoorhq/spoor/engine"
)

// TestMutedHistoryMarksWhatWasJudged checks that the preview's marks land
// only on the tags that were judged: a tag the catch-up queue added since,
// or a list that changed under the pass, is left as read.
func TestMutedHistoryMarksWhatWasJudged(t *testing.T) {
	sqli := engine.AttackTag{Type: engine.AttackSQLi, Point: "req.query.q", Rule: "libinjection-sqli"}
	late := engine.AttackTag{Type: engine.AttackXSS, Point: "req.query.q", Rule: "941100"}
	h := &mutedHistory{marks: map[uint64][]tagMark{7: {{at: 0, tag: sqli, by: "fp"}}}}

	read := []engine.AttackTag{sqli, late}
	x := engine.Exchange{ID: 7, Attacks: read}
	h.mark(&x)
	if len(x.Attacks) != 2 || x.Attacks[0].MutedBy != "fp" || x.Attacks[1].MutedBy != "" {
		t.Errorf("marked %+v, want the judged tag muted by fp and the late one as read", x.Attacks)
	}
	if read[0].MutedBy != "" {
		t.Error("mark changed the slice it read, which a store read may share")
	}

	moved := engine.Exchange{ID: 7, Attacks: []engine.AttackTag{late, sqli}}
	h.mark(&moved)
	if moved.Attacks[0].MutedBy != "" || moved.Attacks[1].MutedBy != "" {
		t.Errorf("marked %+v, a list that changed since it was judged", moved.Attacks)
	}
	other := engine.Exchange{ID: 8, Attacks: []engine.AttackTag{sqli}}
	if h.mark(&other); other.Attacks[0].MutedBy != "" {
		t.Error("marked a request with no marks")
	}
}
