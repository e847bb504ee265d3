package filter

import (
	"errors"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzParse checks that any input either parses into a filter that can be
// matched without panicking, or fails with an *Error inside the expression.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"", "status:4xx", "!method:GET path:/api/** since:1h", `user:"a b"|c`, "ip:10.0.0.0/8",
		"dur:>500ms size:>1MB", "attack:any abuse:any flow:Auth mcp:tools/call", "lgn|app",
		"status:", `"unterminated`, "!!x", "a|", "since:2026-11-24T10:00", "path:/a/**/b?",
	} {
		f.Add(seed)
	}
	s, xs := fixture()
	vocab := DefaultVocabulary().With(Vocabulary{Flows: []string{"Auth"}, Methods: []string{"PURGE"}})
	f.Fuzz(func(t *testing.T, expr string) {
		// A vocabulary only adds errors: whatever it refuses is an *Error
		// too, and whatever it accepts parses without one.
		checked, verr := ParseOptions(expr, Options{Now: t0, Vocabulary: vocab})
		flt, err := ParseOptions(expr, Options{Now: t0})
		if err != nil && verr == nil {
			t.Fatalf("%q: parses with a vocabulary but not without: %v", expr, err)
		}
		if verr != nil {
			var fe *Error
			if !errors.As(verr, &fe) || fe.Pos < 0 || fe.Pos > len(expr) {
				t.Fatalf("%q: vocabulary error %v is not an *Error inside the expression", expr, verr)
			}
		} else {
			checked.MatchSessionRequests(&s, xs)
		}
		if err != nil {
			var fe *Error
			if !errors.As(err, &fe) {
				t.Fatalf("%q: error %T is not *Error", expr, err)
			}
			if fe.Pos < 0 || fe.Pos > len(expr) {
				t.Fatalf("%q: Pos %d outside the expression", expr, fe.Pos)
			}
			if utf8.ValidString(expr) && fe.Column() < 1 {
				t.Fatalf("%q: column %d", expr, fe.Column())
			}
			return
		}
		flt.MatchSessionRequests(&s, xs)
		flt.MatchSession(&s)
		flt.At(t0.Add(time.Hour)).MatchRequest(&xs[1], &s)
		flt.MatchExchange(&xs[2])
	})
}

// FuzzWithSince checks that a time-range preset never breaks a filter:
// whatever parsed still parses with the range set or removed, and the
// range set is the one that holds.
func FuzzWithSince(f *testing.F) {
	for _, seed := range []string{"", "status:4xx", "since:1h status:4xx", `user:"a  b" since:2d|1h`, "!since:5m", `"x`} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, expr string) {
		if _, err := Parse(expr); err != nil {
			return
		}
		set := WithSince(expr, "24h")
		flt, err := ParseOptions(set, Options{Now: t0})
		if err != nil {
			t.Fatalf("%q with since:24h is %q: %v", expr, set, err)
		}
		if b, ok := flt.Since(); !ok || !b.Equal(t0.Add(-24*time.Hour)) {
			t.Fatalf("%q: bound %v %v after setting since:24h", set, b, ok)
		}
		cleared := WithSince(expr, "")
		if flt, err = ParseOptions(cleared, Options{Now: t0}); err != nil {
			t.Fatalf("%q cleared is %q: %v", expr, cleared, err)
		}
		if b, ok := flt.Since(); ok {
			t.Fatalf("%q cleared is %q, still bound at %v", expr, cleared, b)
		}
	})
}
