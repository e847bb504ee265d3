package engine

import "testing"

func TestMutedTagsAreNotCounted(t *testing.T) {
	var s Session
	s.AddAttacks([]AttackTag{{Type: AttackXSS, MutedBy: "fp"}, {Type: AttackSQLi}, {Type: AttackXSS}})
	if s.Attacks[AttackXSS] != 1 || s.Attacks[AttackSQLi] != 1 || s.AttackCount() != 2 {
		t.Fatalf("attacks %v, want the muted xss left out", s.Attacks)
	}
}
