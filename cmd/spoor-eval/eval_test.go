package main

import (
	"strings"
	"testing"
)

func TestParseCombined(t *testing.T) {
	line := `83.149.9.216 - - [17/May/2015:10:05:03 +0000] "GET /a/b.png?x=1 HTTP/1.1" 200 203023 "http://semicomplete.com/p/" "Mozilla/5.0 (Macintosh) \"quoted\""`
	l, err := parseCombined(line)
	if err != nil {
		t.Fatal(err)
	}
	if l.ip != "83.149.9.216" || l.method != "GET" || l.target != "/a/b.png?x=1" ||
		l.referer != "http://semicomplete.com/p/" || l.agent != `Mozilla/5.0 (Macintosh) "quoted"` {
		t.Errorf("parsed %+v", l)
	}
	x := logExchange(l)
	if x.Path != "/a/b.png" || x.Query != "x=1" || x.Host != "" || x.UserAgent() != l.agent {
		t.Errorf("exchange %+v", x)
	}
	for _, bad := range []string{"", "garbage", `1.2.3.4 - - [x] "-" 400 0 "-" "-"`} {
		if _, err := parseCombined(bad); err == nil {
			t.Errorf("parseCombined(%q) accepted", bad)
		}
	}
}

func TestStageExchange(t *testing.T) {
	data := "a=1"
	s := stage{RuleID: 942100, Method: "POST", URI: "http://localhost/p%61th?q=%27", Data: &data}
	x, err := stageExchange(s)
	if err != nil {
		t.Fatal(err)
	}
	if x.Path != "/path" || x.Query != "q=%27" || x.ReqHeader("Content-Length") != "3" {
		t.Errorf("exchange %+v", x)
	}
	if f := stageFamily(s); f.name != "sqli (942)" {
		t.Errorf("family %q", f.name)
	}
}

func TestEscapeTarget(t *testing.T) {
	if got := escapeTarget(`1' OR "a"<b> #%27`); got != `1'%20OR%20%22a%22%3Cb%3E%20%23%27` {
		t.Errorf("escapeTarget = %q", got)
	}
}

// FuzzParseCombined checks that the access-log parser never panics and
// that what it parses builds an exchange.
func FuzzParseCombined(f *testing.F) {
	f.Add(`1.2.3.4 - - [17/May/2015:10:05:03 +0000] "GET /x?a=b HTTP/1.1" 200 1 "-" "ua"`)
	f.Add(`1.2.3.4 - - [d] "GET http://h/x HTTP/1.0" 200 1 "\"" "\\"`)
	f.Fuzz(func(t *testing.T, line string) {
		l, err := parseCombined(line)
		if err != nil {
			return
		}
		x := logExchange(l)
		if x.Method == "" || strings.Contains(x.Query, "#") && !strings.Contains(l.target, "#") {
			t.Fatalf("exchange %+v from %q", x, line)
		}
	})
}

func TestMutations(t *testing.T) {
	tests := []struct {
		fam, name, in, want string
	}{
		{robustSQLi, "operand-stripped", "1' OR 1=1--", " OR 1=1--"},
		{robustSQLi, "operand-stripped", "admin')--", ""},
		{robustSQLi, "inline-comments", "1 UNION SELECT 2", "1/**/UNION/**/SELECT/**/2"},
		{robustXSS, "unlisted-handler", "<img src=x onerror=alert(1)>", "<img src=x onspoorprobe=alert(1)>"},
		{robustXSS, "custom-tag", "<img src=x onerror=alert(1)>", "<x-spoor src=x onerror=alert(1)>"},
		{robustTraversal, "dot-dot-doubled", "../../etc/passwd", "....//....//etc/passwd"},
		{robustCmdi, "dollar-paren", ";cat /etc/passwd", "$(cat /etc/passwd)"},
		{robustCmdi, "backticks", "$(sleep 5)", "`sleep 5`"},
		{robustCmdi, "pipe", "$SHELL -c id", "|$SHELL -c id"},
		{robustCmdi, "ifs", ";cat /etc/passwd", ";cat${IFS}/etc/passwd"},
		{"", "url-encoded", "a'b", "a%27b"},
		{"", "url-encoded", "%2e%2e/", ""},
		{"", "double-url-encoded", "a'b", "a%2527b"},
		{"", "case-flipped", "select x", "SeLeCt X"},
	}
	for _, tt := range tests {
		muts := commonMutations()
		if tt.fam != "" {
			muts = familyMutations(tt.fam)
		}
		found := false
		for _, m := range muts {
			if m.name != tt.name {
				continue
			}
			found = true
			if got := m.fn(tt.in); got != tt.want {
				t.Errorf("%s(%q) = %q, want %q", tt.name, tt.in, got, tt.want)
			}
		}
		if !found {
			t.Errorf("no mutation %s for %q", tt.name, tt.fam)
		}
	}
}

// TestEmbeddedSets checks that the robustness shapes and the tricky
// benign set are embedded and large enough.
func TestEmbeddedSets(t *testing.T) {
	tricky, err := readLines("testdata/tricky_benign.txt")
	if err != nil {
		t.Fatal(err)
	}
	if len(tricky) < 300 {
		t.Errorf("tricky benign set has %d values, want at least 300", len(tricky))
	}
	for _, f := range robustFamilies() {
		shapes, err := readLines("testdata/robust/" + f.file)
		if err != nil {
			t.Fatal(err)
		}
		if len(shapes) < 40 {
			t.Errorf("%s: %d shapes", f.file, len(shapes))
		}
	}
}
