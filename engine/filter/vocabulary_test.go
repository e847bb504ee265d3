package filter

import (
	"errors"
	"strings"
	"testing"
)

// TestVocabulary checks that attack, abuse, flow and method values are
// checked against what exists: an unknown value is an error at its column
// naming the field, with a suggestion when one is close and the values
// that exist otherwise; a value that exists but has no traffic is valid.
func TestVocabulary(t *testing.T) {
	vocab := DefaultVocabulary().With(Vocabulary{
		Attacks: []string{"prompt_injection"},
		Flows:   []string{"Auth", "Billing", "Checkout"},
		Methods: []string{"PURGE"},
	})
	tests := []struct {
		expr  string
		vocab *Vocabulary
		pos   int    // -1: parses
		msg   string // a part of the error
	}{
		{"attack:sqli attack:any attack:Path-Traversal", vocab, -1, ""},
		{"attack:prompt_injection", vocab, -1, ""},
		{"attack:foo", vocab, 7, `unknown attack type "foo": want any or sqli, xss, path_traversal,`},
		{"attack:sql", vocab, 7, `unknown attack type "sql" (did you mean sqli?)`},
		{"status:4xx attack:xss|foo", vocab, 22, `unknown attack type "foo"`},
		{"abuse:scraping abuse:any abuse:Credential-Stuffing", vocab, -1, ""},
		{"abuse:bar", vocab, 6, `unknown abuse type "bar": want any or credential_stuffing, brute_force,`},
		{"flow:Auth flow:billing flow:Check*", vocab, -1, ""},
		{"flow:Nope", vocab, 5, `unknown flow "Nope": the flows are Auth, Billing, Checkout`},
		{"flow:Biling", vocab, 5, `unknown flow "Biling" (did you mean Billing?)`},
		{"flow:Z*", vocab, 5, `no flow matches "Z*": the flows are Auth, Billing, Checkout`},
		{"flow:Auth", &Vocabulary{Flows: []string{}}, 5, `unknown flow "Auth": no business flow is configured`},
		{"flow:Nope", DefaultVocabulary(), -1, ""}, // flows unknown: unchecked
		{"method:get method:PROPFIND method:PURGE method:P*", vocab, -1, ""},
		{"method:FOO", vocab, 7, `unknown method "FOO": not a registered HTTP method`},
		{"method:PURGE", DefaultVocabulary(), 7, `unknown method "PURGE"`},
		{"method:GTE", vocab, 7, `unknown method "GTE" (did you mean GET?)`},
		{"method:GET|FOO", vocab, 11, `unknown method "FOO"`},
		{"method:Z*", vocab, 7, `no method matches "Z*"`},
		// Without a vocabulary only near misses of the catalogue fail, so
		// that an expression once checked can be parsed again anywhere.
		{"attack:foo abuse:bar flow:Nope method:FOO", nil, -1, ""},
		{"attack:sqil", nil, 7, `(did you mean sqli?)`},
	}
	for _, tt := range tests {
		_, err := ParseOptions(tt.expr, Options{Vocabulary: tt.vocab})
		if tt.pos < 0 {
			if err != nil {
				t.Errorf("%q: %v", tt.expr, err)
			}
			continue
		}
		var fe *Error
		if !errors.As(err, &fe) {
			t.Errorf("%q: error %v, want one at %d", tt.expr, err, tt.pos)
			continue
		}
		if fe.Pos != tt.pos || !strings.Contains(fe.Msg, tt.msg) {
			t.Errorf("%q: error at %d %q, want at %d %q", tt.expr, fe.Pos, fe.Msg, tt.pos, tt.msg)
		}
		term := tt.expr[strings.LastIndex(tt.expr[:tt.pos], " ")+1:]
		if field, _, _ := strings.Cut(term, ":"); fe.Field != field {
			t.Errorf("%q: Field %q, want %q", tt.expr, fe.Field, field)
		}
	}
}

// TestVocabularyConfiguredWithoutTraffic checks that a flow that is
// configured but that no request reached is a filter that matches nothing,
// not an error.
func TestVocabularyConfiguredWithoutTraffic(t *testing.T) {
	s, xs := fixture()
	vocab := DefaultVocabulary().With(Vocabulary{Flows: []string{"Auth", "Refunds"}})
	f, err := ParseOptions("flow:Refunds", Options{Vocabulary: vocab})
	if err != nil {
		t.Fatal(err)
	}
	if f.MatchSessionRequests(&s, xs) || f.MatchSession(&s) {
		t.Error("flow:Refunds matches a session that never reached it")
	}
	if f, err = ParseOptions("flow:auth", Options{Vocabulary: vocab}); err != nil || !f.MatchSession(&s) {
		t.Errorf("flow:auth: %v, or no match on a session in Auth", err)
	}
}

// TestVocabularyWith checks that merging keeps the base's order, adds only
// new values and leaves flows unchecked only when neither side knows them.
func TestVocabularyWith(t *testing.T) {
	v := (&Vocabulary{Attacks: []string{"sqli"}, Methods: []string{"GET"}}).With(Vocabulary{
		Attacks: []string{"SQLi", "xss", ""}, Methods: []string{"get", "PURGE"},
	})
	if got := strings.Join(v.Attacks, ","); got != "sqli,xss" {
		t.Errorf("attacks %s", got)
	}
	if got := strings.Join(v.Methods, ","); got != "GET,PURGE" {
		t.Errorf("methods %s", got)
	}
	if v.Flows != nil || v.Abuses != nil {
		t.Errorf("flows %v, abuses %v: want nil", v.Flows, v.Abuses)
	}
	if w := v.With(Vocabulary{Flows: []string{}}); w.Flows == nil {
		t.Error("an empty list of flows is lost")
	}
}
