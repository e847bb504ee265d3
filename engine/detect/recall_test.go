package detect

import (
	"bufio"
	"net/url"
	"os"
	"strings"
	"testing"
)

// TestTier1RecallLayer runs the cases of testdata/tier1_recall.txt: each
// check tier 1 adds as a recall layer (SQL fragments, handlers of any
// name, code-execution calls, Windows forms, command lines, shell
// quoting) with the benign values it must leave alone.
func TestTier1RecallLayer(t *testing.T) {
	d := newTier1(t)
	f, err := os.Open("testdata/tier1_recall.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for line := 1; sc.Scan(); line++ {
		l := sc.Text()
		if l == "" || strings.HasPrefix(l, "# ") {
			continue
		}
		fields := strings.SplitN(l, "\t", 3)
		if len(fields) != 3 {
			t.Fatalf("line %d: want TYPE<TAB>RULE<TAB>VALUE, got %q", line, l)
		}
		typ, rule, value := fields[0], fields[1], fields[2]
		n++
		tags := d.Tier1(get("/search?q=" + url.QueryEscape(value)))
		if typ == "-" {
			if len(tags) > 0 {
				t.Errorf("line %d: benign %q (counter-test of %s) tagged %+v", line, value, rule, tags)
			}
			continue
		}
		found := false
		for _, tag := range tags {
			found = found || tag.Type == typ && tag.Rule == rule && tag.Point == "req.query.q"
		}
		if !found {
			t.Errorf("line %d: %q: no %s tag from %s; got %+v", line, value, typ, rule, tags)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if n < 50 {
		t.Fatalf("read %d cases, want the whole file", n)
	}
}
