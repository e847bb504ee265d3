package detect

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestChecksListEveryRule checks that every rule name tier 1's code tags
// with is listed by Checks, so that the listing cannot omit a detector.
func TestChecksListEveryRule(t *testing.T) {
	listed := map[string]bool{}
	for _, c := range Checks() {
		if c.Rule == "" || c.Type == "" || c.What == "" || c.Tier < 1 || c.Tier > 2 {
			t.Errorf("incomplete check %+v", c)
		}
		listed[c.Rule] = true
	}
	files, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	rule := regexp.MustCompile(`"((?:spoor|libinjection)-[a-z0-9-]+)"`)
	found := 0
	for _, f := range files {
		if !strings.HasSuffix(f.Name(), ".go") || strings.HasSuffix(f.Name(), "_test.go") || f.Name() == "catalog.go" {
			continue
		}
		src, err := os.ReadFile(f.Name())
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range rule.FindAllStringSubmatch(string(src), -1) {
			found++
			if !listed[m[1]] {
				t.Errorf("%s tags with %s, which Checks does not list", f.Name(), m[1])
			}
		}
	}
	if found == 0 {
		t.Fatal("found no rule names in the package's source")
	}
}

// TestChecksMatchCRSMapping checks the CRS entries against crsType.
func TestChecksMatchCRSMapping(t *testing.T) {
	for _, c := range Checks() {
		if c.Tier != 2 || strings.Contains(c.Rule, "-922") {
			continue
		}
		var id int
		for _, r := range strings.TrimPrefix(c.Rule, "crs-")[:3] {
			id = id*10 + int(r-'0')
		}
		if got := crsType(id*1000+200, nil); got != c.Type {
			t.Errorf("%s listed as %s, crsType says %s", c.Rule, c.Type, got)
		}
	}
}
