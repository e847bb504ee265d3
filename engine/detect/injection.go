package detect

import (
	"github.com/corazawaf/libinjection-go"
	"github.com/spoorhq/spoor/engine"
)

// injection runs libinjection's SQLi and XSS checks on v when its classes
// allow a finding, and spoor's checks for what libinjection cannot see: a
// SQL fragment that follows the application's operand (sqlFragment) and an
// event handler of any name inside a tag (handlerAttr). libinjection
// tokenises v as SQL in several quoting contexts and as HTML in five parse
// states, which is why it is gated: a value without SQL syntax or HTML
// punctuation cannot match (TestSQLiGate, TestXSSGate), and most values
// have neither.
//
// A value of hex digits and single dashes (a UUID, a hash) is not passed to
// the SQLi check: libinjection tokenises every dash in it, which costs
// microseconds, and never reports one (TestSQLiGate).
func (s *scan) injection(p *point, v string, m class) {
	if m&classSQL != 0 && !hexDashed(v) {
		if ok, fp := libinjection.IsSQLi(v); ok && (strongFingerprint(fp) || sqlEvidence(v)) {
			s.tag(engine.AttackSQLi, p, "libinjection-sqli", v, 0, len(v),
				"libinjection fingerprint "+fp)
		} else if fp, ok := s.sqlFragment(v); ok {
			s.tag(engine.AttackSQLi, p, "spoor-sqli-fragment", v, 0, len(v),
				"SQL that continues an operand the application wrote: libinjection fingerprint "+fp+" after a number")
		} else if closesWithComment(v) {
			s.tag(engine.AttackSQLi, p, "spoor-sqli-comment", v, 0, len(v),
				"value closes a string and comments out the rest of the query")
		}
	}
	if m&classXSS != 0 {
		if libinjection.IsXSS(v) && !onlyInstructions(v) {
			s.tag(engine.AttackXSS, p, "libinjection-xss", v, 0, len(v),
				"libinjection found script or an event handler in an HTML parse of the value")
		} else if at, n := handlerAttr(v); at >= 0 {
			s.tag(engine.AttackXSS, p, "spoor-xss-handler", v, at, n,
				"event handler attribute inside a tag")
		}
	}
}

// onlyInstructions reports whether every '<' in v opens a processing
// instruction ("<?xml version=\"1.0\"?>"), which an HTML parser reads as
// a comment and which runs no script; libinjection reports it for the
// "<?" alone.
func onlyInstructions(v string) bool {
	for i := 0; i < len(v); i++ {
		if v[i] == '<' && (i+1 == len(v) || v[i+1] != '?') {
			return false
		}
	}
	return true
}

// hexDashed reports whether v holds only hex digits and dashes, without a
// "--" (a SQL comment).
func hexDashed(v string) bool {
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == '-' {
			if i > 0 && v[i-1] == '-' {
				return false
			}
			continue
		}
		if !isHex(c) {
			return false
		}
	}
	return true
}
