package detect

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/corazawaf/libinjection-go"
)

// gateSamples is how many random values each gate test tries. The gates
// were also checked with tens of millions of samples while they were
// designed; this keeps them honest in CI.
const gateSamples = 100_000

// randomValue builds a value of up to n pieces, each a byte of alphabet or
// one of words, so that SQL and HTML keywords occur far more often than
// in uniform noise.
func randomValue(r *rand.Rand, alphabet string, words []string, n int) string {
	var b strings.Builder
	for k := r.IntN(n) + 1; k > 0; k-- {
		if r.IntN(2) == 0 {
			b.WriteString(words[r.IntN(len(words))])
		} else {
			b.WriteByte(alphabet[r.IntN(len(alphabet))])
		}
	}
	return b.String()
}

// outside returns the printable ASCII bytes that carry none of the
// classes in m.
func outside(t *classTable, m class) string {
	var b strings.Builder
	for c := 0x21; c < 0x7f; c++ {
		if t[c]&m == 0 {
			b.WriteByte(byte(c))
		}
	}
	return b.String()
}

// TestSQLiGate checks that values the SQLi gate skips are values
// libinjection never reports: those without a byte of classSQL, and those
// of hex digits and single dashes.
func TestSQLiGate(t *testing.T) {
	ct := newClassTable()
	r := rand.New(rand.NewPCG(1, 2))
	words := []string{"union", "select", "or", "and", "sleep", "1", "0x41", "null", "from", "where",
		"version", "benchmark", "char", "exec", "xp_cmdshell", "waitfor", "delay", "is", "like", "in"}
	alpha := outside(&ct, classSQL)
	for i := 0; i < gateSamples; i++ {
		v := randomValue(r, alpha, words, 6)
		if ct.of(v)&classSQL != 0 {
			continue
		}
		if ok, fp := libinjection.IsSQLi(v); ok {
			t.Fatalf("%q skipped by the gate but libinjection reports %s", v, fp)
		}
	}
	hexWords := []string{"0x", "1e5", "dead", "beef", "add", "dec", "fade", "-1", "0xff", "a", "e", "cafe", "face"}
	for i := 0; i < gateSamples; i++ {
		v := randomValue(r, "0123456789abcdefABCDEF-", hexWords, 8)
		if !hexDashed(v) {
			continue
		}
		if ok, fp := libinjection.IsSQLi(v); ok {
			t.Fatalf("hex value %q skipped but libinjection reports %s", v, fp)
		}
	}
}

// TestXSSGate checks that values without a byte of classXSS are values
// libinjection never reports as XSS.
func TestXSSGate(t *testing.T) {
	ct := newClassTable()
	r := rand.New(rand.NewPCG(3, 4))
	words := []string{"javascript:", "alert(1)", "onerror", "onload", "src", "href", "style",
		"expression(", "vbscript:", "&#", "&lt;", "data:", "script", " "}
	alpha := outside(&ct, classXSS)
	for i := 0; i < gateSamples; i++ {
		v := randomValue(r, alpha, words, 8)
		if ct.of(v)&classXSS != 0 {
			continue
		}
		if libinjection.IsXSS(v) {
			t.Fatalf("%q skipped by the gate but libinjection reports XSS", v)
		}
	}
}

// TestHexDashedMatchesNothing checks what lets tier 1 skip a value of hex
// digits and dashes: no literal marker, scanner agent or shell command
// consists of those bytes alone, so none can occur in such a value.
func TestHexDashedMatchesNothing(t *testing.T) {
	var words []string
	for _, m := range literalMarkers() {
		words = append(words, m.word)
	}
	words = append(words, scannerAgents()...)
	words = append(words, shellCommands()...)
	for _, w := range words {
		if strings.Trim(w, "0123456789abcdefABCDEF-") == "" {
			t.Errorf("%q is made of hex digits and dashes: a hex-dashed value could contain it", w)
		}
	}
}
