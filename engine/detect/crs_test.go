package detect

import (
	"slices"
	"sync"
	"testing"

	"github.com/spoorhq/spoor/engine"
)

// newCRSDetector builds one Detector with the Core Rule Set for a test;
// building takes a fraction of a second.
func newCRSDetector(t *testing.T, opts Options) *Detector {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the Core Rule Set")
	}
	d, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestTier2(t *testing.T) {
	d := newCRSDetector(t, Options{})
	if d.Paranoia() != 1 {
		t.Errorf("paranoia %d, want 1", d.Paranoia())
	}
	tests := []struct {
		name string
		x    *engine.Exchange
		typ  string
		pt   string
		rule string
	}{
		{"sqli in query", get("/search?q=1%27%20or%20%271%27%3D%271"), engine.AttackSQLi, "req.query.q", "crs-942100"},
		{"xss in json", post("/api", "application/json", `{"user":{"name":"<script>alert(1)</script>"}}`), engine.AttackXSS, "req.json.user.name", "crs-941100"},
		{"traversal", get("/files?name=../../../etc/passwd"), engine.AttackPathTraversal, "req.query.name", "crs-930100"},
		{"os file", get("/files?name=/etc/shadow"), engine.AttackLFI, "req.query.name", "crs-930120"},
		{"rce", get("/run?cmd=;cat%20/etc/passwd"), engine.AttackCmdInjection, "req.query.cmd", ""},
		{"scanner", get("/", "User-Agent", "Mozilla/5.00 (Nikto/2.1.6)"), engine.AttackScanner, "req.header.User-Agent", "crs-913100"},
		{"xss in cookie", get("/", "Cookie", "a=<script>alert(1)</script>"), engine.AttackXSS, "req.cookie.a", "crs-941100"},
		{"xss in xml attribute", post("/api", "application/xml", `<?xml version="1.0"?><r><a p="&lt;script&gt;alert(1)&lt;/script&gt;"/></r>`), engine.AttackXSS, "req.body", ""},
		{"ssrf metadata", get("/fetch?url=http://169.254.169.254/latest/meta-data/"), engine.AttackSSRF, "req.query.url", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tags, err := d.Tier2(tt.x, nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, tag := range tags {
				if tag.Type == tt.typ && tag.Point == tt.pt {
					if tt.rule != "" && tag.Rule != tt.rule {
						t.Errorf("rule %q, want %q", tag.Rule, tt.rule)
					}
					if tag.Message == "" {
						t.Errorf("tag without message: %+v", tag)
					}
					return
				}
			}
			t.Errorf("no %s tag at %s; got %+v", tt.typ, tt.pt, tags)
		})
	}
}

func TestTier2Clean(t *testing.T) {
	d := newCRSDetector(t, Options{})
	x := typicalExchange()
	x.ReqHeaders = append(x.ReqHeaders, engine.Header{Name: "Content-Length", Value: "111"})
	x.Method = "POST"
	tags, err := d.Tier2(x, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(tags) != 0 {
		t.Errorf("typical exchange tagged: %+v", tags)
	}
}

// TestTier2Merges checks that tier 2 keeps tier 1's tags and adds none of
// a type and point already tagged.
func TestTier2Merges(t *testing.T) {
	d := newCRSDetector(t, Options{})
	x := get("/search?q=1%27%20or%20%271%27%3D%271")
	t1 := d.Tier1(x)
	all, err := d.Tier2(x, t1)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) == 0 || all[0].Rule != "libinjection-sqli" {
		t.Fatalf("tier 1 tag not kept first: %+v", all)
	}
	seen := map[[2]string]bool{}
	for _, tag := range all {
		k := [2]string{tag.Type, tag.Point}
		if seen[k] {
			t.Errorf("duplicate %v in %+v", k, all)
		}
		seen[k] = true
	}
}

func TestTier2Options(t *testing.T) {
	sample := get("/misc/sample.log")
	sample.ReqHeaders = sample.ReqHeaders[1:] // no Host: as a log line has none
	sample.Host = ""
	plain := newCRSDetector(t, Options{PartialHeaders: true})
	tags, err := plain.Tier2(sample, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(tags) != 0 {
		t.Errorf("policy and absence rules tagged a log line: %+v", tags)
	}
	strict := newCRSDetector(t, Options{PolicyRules: true})
	tags, err = strict.Tier2(sample, nil)
	if err != nil {
		t.Fatal(err)
	}
	checkTag(t, tags, engine.AttackProtocol, "req.path")
	if _, err := New(Options{Paranoia: 5}); err == nil {
		t.Error("paranoia level 5 accepted")
	}
}

// TestTier2Concurrent runs tier 2 from several goroutines at once, as the
// analysis workers do; run with -race.
func TestTier2Concurrent(t *testing.T) {
	d := newCRSDetector(t, Options{})
	xs := []*engine.Exchange{
		typicalExchange(),
		get("/search?q=1%27%20or%20%271%27%3D%271"),
		post("/api", "application/json", `{"a":"<script>alert(1)</script>"}`),
	}
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 15; i++ {
				x := xs[i%len(xs)]
				tags, err := d.Tier2(x, nil)
				if err != nil {
					t.Error(err)
					return
				}
				if i%len(xs) > 0 && len(tags) == 0 {
					t.Errorf("attack %d not tagged", i%len(xs))
				}
			}
		}()
	}
	wg.Wait()
}

func TestRulesReadingXMLText(t *testing.T) {
	conf := "# comment\n" +
		"SecRule ARGS|XML:/* \"@rx a\" \\\n    \"id:942100,phase:2\"\n" +
		"SecRule ARGS|XML:/*|XML://@* \"@rx b\" \"id:944100\"\n" +
		"SecRule ARGS \"@rx c\" \"id:941100,chain\"\n" +
		"    SecRule XML:/* \"@rx d\"\n" +
		"SecRule REQUEST_HEADERS \"@rx e\" \"id:920100\"\n"
	got := rulesReadingXMLText(conf)
	if len(got) != 1 || got[0] != 942100 {
		t.Errorf("rulesReadingXMLText = %v, want [942100]", got)
	}
}

// TestTier2LoadsInBackground checks that New returns before the rules are
// loaded and that Tier2 waits for them rather than skipping them.
func TestTier2LoadsInBackground(t *testing.T) {
	d := newCRSDetector(t, Options{LoadInBackground: true})
	x := get("/search?q=1%27%20or%20%271%27%3D%271")
	tags, err := d.Tier2(x, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(tags, func(a engine.AttackTag) bool { return a.Rule == "crs-942100" }) {
		t.Errorf("tags %+v lack crs-942100", tags)
	}
	if d.Paranoia() != 1 {
		t.Errorf("paranoia %d, want 1", d.Paranoia())
	}
}
