package engine

import "testing"

func TestMutedTagsAreNotCounted(t *testing.T) {
	var s Session
	s.AddAttacks([]AttackTag{{Type: AttackXSS, MutedBy: "fp"}, {Type: AttackSQLi}, {Type: AttackXSS}})
	if s.Attacks[AttackXSS] != 1 || s.Attacks[AttackSQLi] != 1 || s.AttackCount() != 2 {
		t.Fatalf("attacks %v, want the muted xss left out", s.Attacks)
	}
}

// pathMuter mutes the tags of one type on one path, as a mute rule does.
type pathMuter struct{ typ, path string }

func (m pathMuter) MutedBy(x *Exchange, _ *Session, tag AttackTag) string {
	if tag.Type == m.typ && x.Path == m.path {
		return "fp"
	}
	return ""
}

func (m pathMuter) MayMute(typ string) bool { return typ == m.typ }

// TestMarkMutedUncountsStoredTags marks the tags a mute saved later
// covers on stored requests and takes them out of the session's counts,
// leaving the stored slices and map as they were and a tag muted at
// capture uncounted once only.
func TestMarkMutedUncountsStoredTags(t *testing.T) {
	stored := []AttackTag{{Type: AttackXSS}, {Type: AttackSQLi}, {Type: AttackXSS, MutedBy: "old"}}
	x := Exchange{Path: "/comments", Attacks: stored}
	s := Session{Attacks: map[string]int{AttackXSS: 1, AttackSQLi: 1}}
	storedCounts := s.Attacks
	newly := MarkMuted(pathMuter{AttackXSS, "/comments"}, &x, &s)
	if len(newly) != 1 || newly[0].Type != AttackXSS || newly[0].MutedBy != "fp" {
		t.Fatalf("newly muted %+v, want the one counted xss", newly)
	}
	if x.Attacks[0].MutedBy != "fp" || x.Attacks[2].MutedBy != "old" || stored[0].MutedBy != "" {
		t.Fatalf("tags %+v (stored %+v): want the xss marked on a copy", x.Attacks, stored)
	}
	s.Uncount(newly)
	if s.AttackCount() != 1 || s.Attacks[AttackSQLi] != 1 || storedCounts[AttackXSS] != 1 {
		t.Fatalf("counts %v (stored %v), want sqli 1 alone on a copy", s.Attacks, storedCounts)
	}
	if got := CountedTags(x.Attacks); len(got) != 1 || got[0].Type != AttackSQLi {
		t.Fatalf("counted %+v, want the sqli alone", got)
	}
	other := Exchange{Path: "/search", Attacks: []AttackTag{{Type: AttackXSS}}}
	if MarkMuted(pathMuter{AttackXSS, "/comments"}, &other, nil) != nil || MarkMuted(nil, &x, &s) != nil {
		t.Fatal("a tag no mute covers, or no muter, marks nothing")
	}
}
